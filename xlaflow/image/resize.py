"""``tf.image.resize`` and ``tf.image.resize_with_pad``, with TensorFlow 2's values.

Each axis is resampled with the spans of :mod:`xlaflow.image.resize_weights` (one row
gather and multiply-add per kernel tap), so every method is differentiable with respect to the image and
runs as one compiled XLA program per shape. The result is float32, except for
``nearest``, which keeps the input's dtype (TF's rule). ``antialias`` matters for
downsampling with the bilinear, bicubic and ScaleAndTranslate methods; ``nearest`` and
``area`` ignore it, as in TF.
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow.image import resize_weights
from xlaflow.image._checks import batched, float_image, image_dims, positive_int
from xlaflow.image.crop import pad_array
from xlaflow.ops.dispatch import op


class ResizeMethod:
    """The names of ``tf.image.resize``'s methods (``tf.image.ResizeMethod``)."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _check_method(method: Any, fn: str) -> str:
    if method not in METHODS:
        raise ValueError(f"{fn}: argument `method` must be one of {METHODS}. Received: method={method!r}")
    return method


def _axis(x: Any, axis: int, in_size: int, out_size: int, method: str, antialias: bool) -> Any:
    """Output row i of ``axis`` = sum_k w[i, k] * x[idx[i, k]], as one 1-D take per tap
    ``k`` (XLA's CPU gather is fast for 1-D row indices and very slow for the 2-D
    [out, K] index array; a dense matmul would also let one NaN pixel spread to every row)."""
    idx, w = resize_weights.spans(in_size, out_size, method, antialias)
    shape = [1] * x.ndim
    shape[axis] = out_size
    taps = [jnp.take(x, jnp.asarray(idx[:, k]), axis=axis) * jnp.asarray(w[:, k]).reshape(shape) for k in range(idx.shape[1])]
    out = taps[0]
    for t in taps[1:]:
        out = out + t
    return out


def _nearest(x: Any, h: int, w: int, out_h: int, out_w: int) -> Any:
    rows = jnp.asarray(resize_weights.nearest_indices(h, out_h))
    cols = jnp.asarray(resize_weights.nearest_indices(w, out_w))
    return jnp.take(jnp.take(x, rows, axis=1), cols, axis=2)


def resize_array(images: Any, size: tuple[int, int], method: str, antialias: bool) -> Any:
    """``images`` [B, H, W, C] resized to ``size`` (a pure JAX function; float32 result
    except for ``nearest``)."""
    _, h, w, _ = images.shape
    out_h, out_w = size
    if method == "nearest":
        return _nearest(images, h, w, out_h, out_w)
    x = images.astype(jnp.float32)
    x = _axis(x, 1, h, out_h, method, antialias)
    return _axis(x, 2, w, out_w, method, antialias)


def _target_size(size: Any, h: int, w: int, preserve_aspect_ratio: bool) -> tuple[int, int]:
    if isinstance(size, (int, float, str)) or size is None or len(size) != 2:
        raise ValueError(f"resize: argument `size` must be a 1-D tensor of 2 elements: new_height, new_width. Received: size={size!r}")
    new_h, new_w = (positive_int(v, "resize", "size") for v in size)
    if not preserve_aspect_ratio:
        return new_h, new_w
    factor = min(np.float32(new_h) / np.float32(h), np.float32(new_w) / np.float32(w))
    return int(np.rint(np.float32(factor * np.float32(h)))), int(np.rint(np.float32(factor * np.float32(w))))


@op("ResizeImages", tensors=("images",))
def resize(images, size, method=ResizeMethod.BILINEAR, preserve_aspect_ratio=False, antialias=False):
    """Resizes ``images`` ([H, W, C] or [B, H, W, C]) to ``size`` = ``[new_height, new_width]``.

    Args:
      images: a 3-D or 4-D image tensor of any real dtype.
      size: two positive ints (or an int tensor of 2 elements).
      method: one of :class:`ResizeMethod`'s names (default ``"bilinear"``).
      preserve_aspect_ratio: scale to fit inside ``size`` keeping the aspect ratio.
      antialias: low-pass filter when downsampling (see the module docstring).

    Returns:
      The resized images, float32 (the input's dtype for ``"nearest"``).

    Raises:
      ValueError: bad rank, ``size`` or ``method``.
      TypeError: a bool or complex image.
    """
    _check_method(method, "resize")
    x, unbatch = batched(images, "resize", "images")
    if method != "nearest":
        float_image(x, "resize", "images")
    h, w = image_dims(x)
    out = resize_array(x, _target_size(size, h, w, preserve_aspect_ratio), method, bool(antialias))
    return out[0] if unbatch else out


def pad_geometry(h: int, w: int, target_h: int, target_w: int) -> tuple[int, int, int, int]:
    """TF's ``resize_with_pad`` arithmetic: (resized_h, resized_w, pad_top, pad_left)."""
    f = np.float32
    ratio = max(f(w) / f(target_w), f(h) / f(target_h))
    rh, rw = f(h) / ratio, f(w) / ratio
    top = max(0, int(math.floor((f(target_h) - rh) / f(2))))
    left = max(0, int(math.floor((f(target_w) - rw) / f(2))))
    return int(math.floor(rh)), int(math.floor(rw)), top, left


@op("ResizeWithPad", tensors=("image",))
def resize_with_pad(image, target_height, target_width, method=ResizeMethod.BILINEAR, antialias=False):
    """Resizes ``image`` to fit in ``[target_height, target_width]`` keeping its aspect
    ratio, then pads it with zeros (centred) to exactly that size.

    Args:
      image: a 3-D or 4-D image tensor.
      target_height, target_width: positive ints.
      method, antialias: as in :func:`resize`.

    Returns:
      float32 images ``[..., target_height, target_width, C]`` (input dtype for ``"nearest"``).
    """
    _check_method(method, "resize_with_pad")
    th = positive_int(target_height, "resize_with_pad", "target_height")
    tw = positive_int(target_width, "resize_with_pad", "target_width")
    x, unbatch = batched(image, "resize_with_pad", "image")
    h, w = image_dims(x)
    rh, rw, top, left = pad_geometry(h, w, th, tw)
    out = resize_array(x, (rh, rw), method, bool(antialias))
    out = pad_array(out, top, left, th, tw, "resize_with_pad")
    return out[0] if unbatch else out
