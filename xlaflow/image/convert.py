"""``tf.image.convert_image_dtype``: the scaling rules between integer and float images.

Integer images span ``[0, MAX]`` of their dtype, float images ``[0, 1)``. TF's rules,
kept exactly: int -> int shifts the range by integer multiplication/division;
int -> float multiplies by ``1 / MAX``; float -> int multiplies by ``MAX + 0.5`` and
truncates (``saturate=True`` clamps to the dtype's range first; without it TF's result
for out-of-range values is undefined — its CPU kernel clamps most and wraps some —
and xlaflow's cast clamps); float -> float
is a cast. :func:`convert_array` is the pure function the other ops reuse.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes
from xlaflow.ops.dispatch import op


def _saturate_cast(x: Any, dtype: np.dtype) -> Any:
    info = np.iinfo(dtype)
    if jnp.issubdtype(x.dtype, jnp.integer):
        src = np.iinfo(x.dtype)
        lo, hi = max(info.min, src.min), min(info.max, src.max)
        return jnp.clip(x, lo, hi).astype(dtype)
    return jnp.clip(x, float(info.min), float(info.max)).astype(dtype)


def convert_array(x: Any, dtype: Any, saturate: bool = False) -> Any:
    """``x`` converted to ``dtype`` with TF's image scaling (a pure JAX function)."""
    dtype = np.dtype(dtype)
    src = np.dtype(x.dtype)
    if src == dtype:
        return x
    src_int, dst_int = np.issubdtype(src, np.integer), np.issubdtype(dtype, np.integer)
    if src_int and dst_int:
        scale_in, scale_out = int(np.iinfo(src).max), int(np.iinfo(dtype).max)
        if scale_in > scale_out:
            scaled = jnp.floor_divide(x, (scale_in + 1) // (scale_out + 1))
            return _saturate_cast(scaled, dtype) if saturate else scaled.astype(dtype)
        cast = _saturate_cast(x, dtype) if saturate else x.astype(dtype)
        return cast * np.array((scale_out + 1) // (scale_in + 1), dtype)
    if not src_int and not dst_int:
        return x.astype(dtype)
    if src_int:
        return x.astype(dtype) * np.array(1.0 / np.iinfo(src).max, dtype)
    scaled = x * np.array(np.iinfo(dtype).max + 0.5, src)
    return _saturate_cast(scaled, dtype) if saturate else scaled.astype(dtype)


def image_dtype(dtype: Any, fn: str, arg: str = "dtype") -> np.dtype:
    """The NumPy dtype of an integer or floating ``dtype`` (narrowed like every xlaflow dtype)."""
    d = dtypes.canonical(dtype)
    if not (d.is_floating or d.is_integer):
        raise AttributeError(f"{fn}: argument `{arg}` must be a floating point or integer dtype. Received: {d.name}")
    return np.dtype(d.as_numpy_dtype)


def check_image(x: Any, fn: str, arg: str = "image") -> None:
    if not (jnp.issubdtype(x.dtype, jnp.integer) or jnp.issubdtype(x.dtype, jnp.floating)):
        raise AttributeError(f"{fn}: argument `{arg}` must have an integer or floating dtype. Received: {x.dtype}")


@op("ConvertImageDtype", tensors=("image",))
def convert_image_dtype(image, dtype, saturate=False):
    """``image`` converted to ``dtype``, rescaling values between integer and float ranges.

    Args:
      image: an image tensor of an integer or floating dtype.
      dtype: the integer or floating dtype of the result.
      saturate: clamp to the target range before casting (avoids wrap-around).

    Raises:
      AttributeError: a dtype that is neither integer nor floating (TF raises the same).
    """
    check_image(image, "convert_image_dtype")
    return convert_array(image, image_dtype(dtype, "convert_image_dtype"), bool(saturate))


def to_float(x: Any) -> Any:
    """``x`` as TF's colour ops see it: float16/float32 unchanged, anything else -> float32."""
    return x if x.dtype in (jnp.float16, jnp.float32) else convert_array(x, np.float32)
