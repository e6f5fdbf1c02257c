"""Colour spaces and colour adjustments: ``rgb_to_grayscale``, ``grayscale_to_rgb``,
``rgb_to_hsv``, ``hsv_to_rgb``, ``adjust_hue`` and ``adjust_saturation``.

The formulas are those of TensorFlow's CPU kernels, written as elementwise JAX so they
are differentiable and compile: ``rgb_to_hsv``/``hsv_to_rgb`` use TF's branch-free
forms (hue in [0, 1)); ``adjust_hue`` rotates the hue in TF's sextant representation
(hue in [0, 6) between the smallest and largest channel); ``adjust_saturation``
scales the saturation of TF's HSV, clamped to [0, 1]. Integer images are converted
to float32 first and back afterwards, as in TF.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow.image._checks import rgb
from xlaflow.image.convert import check_image, convert_array, to_float
from xlaflow.ops.dispatch import op

_GRAY_WEIGHTS = np.array([0.2989, 0.587, 0.114], np.float32)


@op("RGBToGrayscale", tensors=("images",))
def rgb_to_grayscale(images):
    """The luma ``0.2989 R + 0.587 G + 0.114 B`` of ``images`` [..., 3], as [..., 1] in
    the input's dtype."""
    check_image(images, "rgb_to_grayscale", "images")
    rgb(images, "rgb_to_grayscale", "images")
    gray = jnp.tensordot(convert_array(images, np.float32), _GRAY_WEIGHTS, axes=[[-1], [0]])[..., None]
    return convert_array(gray, images.dtype)


@op("GrayscaleToRGB", tensors=("images",))
def grayscale_to_rgb(images):
    """``images`` [..., 1] with the channel repeated three times ([..., 3])."""
    if images.ndim < 2 or images.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb: argument `images` must be at least two-dimensional with a last dimension "
                         f"of size 1. Received: shape {list(images.shape)}")
    return jnp.repeat(images, 3, axis=-1)


def _float_only(x: Any, fn: str) -> None:
    if not jnp.issubdtype(x.dtype, jnp.floating):
        raise TypeError(f"{fn}: argument `images` must be a float tensor (use tf.image.convert_image_dtype). "
                        f"Received: dtype={x.dtype}")


@op("RGBToHSV", tensors=("images",))
def rgb_to_hsv(images):
    """``images`` [..., 3] (float RGB in [0, 1]) as hue, saturation, value in [0, 1]."""
    _float_only(images, "rgb_to_hsv")
    rgb(images, "rgb_to_hsv", "images")
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    v = jnp.max(images, axis=-1)
    rng = v - jnp.min(images, axis=-1)
    s = jnp.where(v > 0, rng / jnp.where(v > 0, v, 1), 0)
    norm = (1 / jnp.where(rng > 0, rng, 1)) * (1 / 6)
    h = jnp.where(r == v, norm * (g - b), jnp.where(g == v, norm * (b - r) + 2 / 6, norm * (r - g) + 4 / 6))
    h = jnp.where(rng > 0, h, 0)
    h = jnp.where(h < 0, h + 1, h)
    return jnp.stack([h, s, v], axis=-1).astype(images.dtype)


@op("HSVToRGB", tensors=("images",))
def hsv_to_rgb(images):
    """``images`` [..., 3] (float hue, saturation, value in [0, 1]) as RGB."""
    _float_only(images, "hsv_to_rgb")
    rgb(images, "hsv_to_rgb", "images")
    h, s, v = images[..., 0], images[..., 1], images[..., 2]
    dh = h * 6
    dr = jnp.clip(jnp.abs(dh - 3) - 1, 0, 1)
    dg = jnp.clip(-jnp.abs(dh - 2) + 2, 0, 1)
    db = jnp.clip(-jnp.abs(dh - 4) + 2, 0, 1)
    one_s = 1 - s
    return jnp.stack([(one_s + s * dr) * v, (one_s + s * dg) * v, (one_s + s * db) * v], axis=-1).astype(images.dtype)


def _sextants(r: Any, g: Any, b: Any) -> tuple:
    """TF's ``rgb_to_hv_range``: (hue in [0, 6), min, max) per pixel."""
    r_lt_g = r < g
    cat = jnp.where(r_lt_g, jnp.where(b < r, 1, jnp.where(b > g, 3, 2)), jnp.where(b < g, 0, jnp.where(b > r, 4, 5)))
    vmax = jnp.where(r_lt_g, jnp.where(b > g, b, g), jnp.where(b > r, b, r))
    vmin = jnp.where(r_lt_g, jnp.where(b < r, b, r), jnp.where(b < g, b, g))
    vmid = jnp.where(r_lt_g, jnp.where(b < r, r, jnp.where(b > g, g, b)), jnp.where(b < g, g, jnp.where(b > r, r, b)))
    span = vmax - vmin
    ratio = (vmid - vmin) / jnp.where(span == 0, 1, span)
    h = cat.astype(r.dtype) + jnp.where(cat % 2 == 0, ratio, 1 - ratio)
    return jnp.where(span == 0, 0, h), vmin, vmax


def _from_sextants(h: Any, vmin: Any, vmax: Any) -> Any:
    cat = jnp.floor(h).astype(jnp.int32)
    ratio = h - cat.astype(h.dtype)
    ratio = jnp.where(cat % 2 == 0, ratio, 1 - ratio)
    vmid = vmin + ratio * (vmax - vmin)
    table = [(vmax, vmid, vmin), (vmid, vmax, vmin), (vmin, vmax, vmid), (vmin, vmid, vmax), (vmid, vmin, vmax)]
    out = [vmax, vmin, vmid]  # category 5 (and anything else)
    for c in range(4, -1, -1):
        out = [jnp.where(cat == c, table[c][i], out[i]) for i in range(3)]
    return jnp.stack(out, axis=-1)


def _check_range(value: Any, lo: float, hi: float, fn: str, arg: str) -> None:
    """Raises ValueError if ``value`` is known now (not traced) and outside [lo, hi]."""
    try:
        v = float(np.asarray(value))
    except Exception:  # a traced value: TF checks it only eagerly too
        return
    if not lo <= v <= hi:
        raise ValueError(f"{fn}: argument `{arg}` must be in the interval [{lo:g}, {hi:g}]. Received: {arg}={v}")


@op("AdjustHue", tensors=("image", "delta"))
def _adjust_hue(image, delta):
    check_image(image, "adjust_hue")
    rgb(image, "adjust_hue")
    x = to_float(image).astype(jnp.float32)
    h, vmin, vmax = _sextants(x[..., 0], x[..., 1], x[..., 2])
    h = h + jnp.asarray(delta, jnp.float32) * 6
    for _ in range(2):
        h = jnp.where(h < 0, h + 6, h)
    for _ in range(2):
        h = jnp.where(h >= 6, h - 6, h)
    out = _from_sextants(h, vmin, vmax).astype(to_float(image).dtype)
    return convert_array(out, image.dtype)


def adjust_hue(image, delta, name=None):
    """``image`` [..., 3] with its hue rotated by ``delta`` (a fraction of a turn, in [-1, 1]).

    Raises:
      ValueError: a concrete ``delta`` outside [-1, 1], or not 3 channels.
    """
    _check_range(delta, -1.0, 1.0, "adjust_hue", "delta")
    return _adjust_hue(image, delta)


@op("AdjustSaturation", tensors=("image", "saturation_factor"))
def adjust_saturation(image, saturation_factor):
    """``image`` [..., 3] with its HSV saturation multiplied by ``saturation_factor``
    (clamped to [0, 1])."""
    check_image(image, "adjust_saturation")
    rgb(image, "adjust_saturation")
    x = to_float(image).astype(jnp.float32)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = jnp.max(x, axis=-1)
    span = v - jnp.min(x, axis=-1)
    s = jnp.where(v > 0, span / jnp.where(v > 0, v, 1), 0)
    norm = 1 / (6 * jnp.where(span > 0, span, 1))
    h = jnp.where(r == v, norm * (g - b), jnp.where(g == v, norm * (b - r) + 2 / 6, norm * (r - g) + 4 / 6))
    h = jnp.where(span <= 0, 0, h)
    h = jnp.where(h < 0, h + 1, h)
    s = jnp.clip(s * jnp.asarray(saturation_factor, jnp.float32), 0, 1)
    c = s * v
    m = v - c
    dh = h * 6
    cat = jnp.floor(dh).astype(jnp.int32)
    x_ = c * (1 - jnp.abs(dh - 2 * jnp.floor(dh / 2) - 1))
    zero = jnp.zeros_like(c)
    table = [(c, x_, zero), (x_, c, zero), (zero, c, x_), (zero, x_, c), (x_, zero, c), (c, zero, x_)]
    out = [zero, zero, zero]
    for k in range(5, -1, -1):
        out = [jnp.where(cat == k, table[k][i], out[i]) for i in range(3)]
    out = jnp.stack([o + m for o in out], axis=-1).astype(to_float(image).dtype)
    return convert_array(out, image.dtype)


__all__ = ["adjust_hue", "adjust_saturation", "grayscale_to_rgb", "hsv_to_rgb", "rgb_to_grayscale", "rgb_to_hsv"]
