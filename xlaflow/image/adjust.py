"""Brightness, contrast, gamma and standardisation: ``adjust_brightness``,
``adjust_contrast``, ``adjust_gamma`` and ``per_image_standardization``.

Integer images are converted to float32 with :func:`convert_image_dtype`'s scaling,
adjusted, and converted back with saturation (TF's rule); float16/float32 images are
adjusted as they are. ``per_image_standardization`` always returns float32.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from xlaflow.image._checks import at_least_3d
from xlaflow.image.convert import check_image, convert_array, to_float
from xlaflow.ops.dispatch import op


@op("AdjustBrightness", tensors=("image", "delta"))
def adjust_brightness(image, delta):
    """``image`` plus ``delta`` (in float units: [0, 1) is the full range of an integer image)."""
    check_image(image, "adjust_brightness")
    x = to_float(image)
    return convert_array(x + jnp.asarray(delta).astype(x.dtype), image.dtype, saturate=True)


@op("AdjustContrastv2", tensors=("images", "contrast_factor"))
def adjust_contrast(images, contrast_factor):
    """Each channel of each image moved towards (factor < 1) or away from its mean:
    ``(x - mean) * contrast_factor + mean``, the mean taken over height and width.

    Raises:
      ValueError: ``images`` has fewer than 3 dimensions.
    """
    check_image(images, "adjust_contrast", "images")
    at_least_3d(images, "adjust_contrast", "images")
    x = to_float(images)
    mean = jnp.mean(x.astype(jnp.float32), axis=(-3, -2), keepdims=True).astype(x.dtype)
    out = (x - mean) * jnp.asarray(contrast_factor).astype(x.dtype) + mean
    return convert_array(out, images.dtype, saturate=True)


@op("AdjustGamma", tensors=("image", "gamma", "gain"))
def _adjust_gamma(image, gamma, gain):
    check_image(image, "adjust_gamma")
    x = to_float(image)
    out = jnp.asarray(gain).astype(x.dtype) * x ** jnp.asarray(gamma).astype(x.dtype)
    return convert_array(out, image.dtype, saturate=True)


def adjust_gamma(image, gamma=1, gain=1):
    """``gain * image ** gamma`` (in float units).

    Raises:
      ValueError: a concrete ``gamma`` below 0.
    """
    try:
        g = float(np.asarray(gamma))
    except Exception:  # a traced gamma: checked only eagerly, as in TF
        g = 0.0
    if g < 0:
        raise ValueError(f"adjust_gamma: argument `gamma` must be a non-negative real number. Received: gamma={g}")
    return _adjust_gamma(image, gamma, gain)


@op("PerImageStandardization", tensors=("image",))
def per_image_standardization(image):
    """Each image scaled to mean 0 and variance 1: ``(x - mean) / max(stddev, 1/sqrt(N))``
    over its N = height * width * channels values (float32 result)."""
    check_image(image, "per_image_standardization")
    at_least_3d(image, "per_image_standardization")
    x = image.astype(jnp.float32)
    n = x.shape[-1] * x.shape[-2] * x.shape[-3]
    mean = jnp.mean(x, axis=(-1, -2, -3), keepdims=True)
    std = jnp.std(x, axis=(-1, -2, -3), keepdims=True)
    return (x - mean) / jnp.maximum(std, jnp.float32(1.0 / n ** 0.5))
