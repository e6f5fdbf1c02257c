"""Crops, flips and colour ops beyond the TF goldens: argument errors and gradients."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf

IMG = np.random.default_rng(3).random((5, 6, 3), dtype=np.float32)


def test_crop_and_pad_errors_name_the_argument():
    with pytest.raises(ValueError, match="does not fit"):
        tf.image.crop_to_bounding_box(IMG, 1, 1, 5, 2)
    with pytest.raises(ValueError, match="offset_height.*non-negative"):
        tf.image.crop_to_bounding_box(IMG, -1, 0, 2, 2)
    with pytest.raises(ValueError, match="target_width.*positive"):
        tf.image.crop_to_bounding_box(IMG, 0, 0, 2, 0)
    with pytest.raises(ValueError, match="does not fit in"):
        tf.image.pad_to_bounding_box(IMG, 2, 0, 6, 6)
    with pytest.raises(ValueError, match="central_fraction"):
        tf.image.central_crop(IMG, 0.0)
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        tf.image.rot90(IMG[..., 0])
    with pytest.raises(ValueError, match="at least three-dimensional"):
        tf.image.flip_left_right(IMG[0])
    assert tf.image.central_crop(IMG, 1.0).shape == IMG.shape


def test_colour_errors():
    with pytest.raises(ValueError, match="3 channels"):
        tf.image.adjust_hue(IMG[..., :2], 0.1)
    with pytest.raises(ValueError, match=r"delta.*\[-1, 1\]"):
        tf.image.adjust_hue(IMG, 1.5)
    with pytest.raises(TypeError, match="float tensor"):
        tf.image.rgb_to_hsv((IMG * 255).astype(np.uint8))
    with pytest.raises(ValueError, match="last dimension of size 1"):
        tf.image.grayscale_to_rgb(IMG)
    with pytest.raises(ValueError, match="gamma.*non-negative"):
        tf.image.adjust_gamma(IMG, -1.0)
    with pytest.raises(AttributeError, match="integer dtype"):
        tf.image.convert_image_dtype(IMG, tf.bool)


@pytest.mark.parametrize("fn", [
    lambda x: tf.image.adjust_brightness(x, 0.1), lambda x: tf.image.adjust_contrast(x, 1.7),
    lambda x: tf.image.adjust_gamma(x, 2.0), lambda x: tf.image.per_image_standardization(x),
    lambda x: tf.image.rgb_to_grayscale(x), lambda x: tf.image.rgb_to_hsv(x),
    lambda x: tf.image.central_crop(tf.image.flip_left_right(x), 0.5),
    lambda x: tf.image.pad_to_bounding_box(tf.image.rot90(x), 1, 1, 8, 8),
])
def test_gradients_match_finite_differences(fn):
    x = tf.Variable(IMG * 0.8 + 0.1)
    w = np.random.default_rng(0).random(np.shape(fn(IMG)), dtype=np.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(fn(x) * w)
    grad = tape.gradient(y, x).numpy()
    eps = 1e-2
    base = x.numpy()
    for idx in [(0, 0, 0), (2, 3, 1), (4, 5, 2), (1, 4, 0)]:
        plus, minus = base.copy(), base.copy()
        plus[idx] += eps
        minus[idx] -= eps
        num = (np.sum(np.asarray(fn(plus)) * w) - np.sum(np.asarray(fn(minus)) * w)) / (2 * eps)
        assert abs(num - grad[idx]) < 2e-2 * max(1.0, abs(num)), (idx, num, grad[idx])
