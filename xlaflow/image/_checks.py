"""Shape and argument checks shared by the ``tf.image`` ops (errors name the argument)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np


def batched(x: Any, fn: str, arg: str) -> tuple[Any, bool]:
    """``x`` as a batch [B, H, W, C], and whether it was a single image [H, W, C]."""
    if x.ndim == 3:
        return x[None], True
    if x.ndim == 4:
        return x, False
    raise ValueError(f"{fn}: argument `{arg}` must have either 3 or 4 dimensions ([height, width, channels] or "
                     f"[batch, height, width, channels]). Received: shape {list(x.shape)}")


def at_least_3d(x: Any, fn: str, arg: str = "image") -> None:
    if x.ndim < 3:
        raise ValueError(f"{fn}: argument `{arg}` must be at least three-dimensional ([..., height, width, channels]). "
                         f"Received: shape {list(x.shape)}")


def image_dims(x: Any) -> tuple[int, int]:
    """(height, width) of a batch [B, H, W, C]."""
    return int(x.shape[1]), int(x.shape[2])


def float_image(x: Any, fn: str, arg: str) -> None:
    """Raises TypeError for images TF's kernels do not accept (bool, complex)."""
    if x.dtype == jnp.bool_ or jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise TypeError(f"{fn}: argument `{arg}` must be a real-valued (integer or float) image. Received: dtype={x.dtype}")


def positive_int(v: Any, fn: str, arg: str, allow_zero: bool = False) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)) or v < (0 if allow_zero else 1):
        raise ValueError(f"{fn}: argument `{arg}` must be a {'non-negative' if allow_zero else 'positive'} int. Received: {arg}={v!r}")
    return int(v)


def rgb(x: Any, fn: str, arg: str = "image") -> None:
    """Raises ValueError unless the last dimension of ``x`` has 3 channels."""
    if x.ndim < 1 or x.shape[-1] != 3:
        raise ValueError(f"{fn}: argument `{arg}` must have 3 channels (RGB) in its last dimension. "
                         f"Received: shape {list(x.shape)}")
