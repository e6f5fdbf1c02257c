"""``tf.image.resize``/``resize_with_pad`` beyond the TF goldens: gradients, errors, dtypes,
symbolic inputs and compiled use."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras


def _jacobian(method: str, antialias: bool, in_hw=(5, 6), out_hw=(3, 8)) -> np.ndarray:
    n = in_hw[0] * in_hw[1]
    basis = np.eye(n, dtype=np.float32).reshape(n, *in_hw, 1)
    out = tf.image.resize(basis, out_hw, method=method, antialias=antialias).numpy()
    return out.reshape(n, -1)  # row i: the output for unit input i


@pytest.mark.parametrize("method,antialias", [("bilinear", False), ("bicubic", False), ("area", False),
                                              ("lanczos3", True), ("bilinear", True), ("mitchellcubic", False)])
def test_gradient_is_the_transposed_resize(method, antialias):
    rng = np.random.default_rng(0)
    x = tf.Variable(rng.random((1, 5, 6, 1), dtype=np.float32))
    g = rng.random((1, 3, 8, 1), dtype=np.float32)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.image.resize(x, [3, 8], method=method, antialias=antialias) * g)
    grad = tape.gradient(y, x).numpy().reshape(-1)
    np.testing.assert_allclose(grad, _jacobian(method, antialias) @ g.reshape(-1), rtol=1e-5, atol=1e-6)


def test_dtypes_and_ranks():
    img = np.arange(2 * 4 * 4 * 3, dtype=np.uint8).reshape(2, 4, 4, 3)
    assert tf.image.resize(img, [2, 2]).dtype == tf.float32
    assert tf.image.resize(img, [2, 2], method="nearest").dtype == tf.uint8
    assert tf.image.resize(img[0], [3, 5]).shape == (3, 5, 3)
    assert tf.image.resize(img, tf.constant([3, 5])).shape == (2, 3, 5, 3)
    assert tf.image.resize(img, [8, 2], preserve_aspect_ratio=True).shape == (2, 2, 2, 3)
    assert tf.image.ResizeMethod.BICUBIC == "bicubic" and tf.image.ResizeMethod.NEAREST_NEIGHBOR == "nearest"


def test_bad_arguments():
    img = np.zeros((4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="3 or 4 dimensions"):
        tf.image.resize(np.zeros((4, 4), np.float32), [2, 2])
    with pytest.raises(ValueError, match="`size`"):
        tf.image.resize(img, [2])
    with pytest.raises(ValueError, match="positive int"):
        tf.image.resize(img, [0, 2])
    with pytest.raises(ValueError, match="`method`.*'cubic'"):
        tf.image.resize(img, [2, 2], method="cubic")
    with pytest.raises(TypeError, match="real-valued"):
        tf.image.resize(img.astype(bool), [2, 2])
    with pytest.raises(ValueError, match="target_height"):
        tf.image.resize_with_pad(img, 0, 3)


def test_in_functional_model_and_function():
    inp = keras.Input((8, 6, 3))
    model = keras.Model(inp, tf.image.resize(inp, [4, 3], method="area"))
    x = np.random.default_rng(1).random((2, 8, 6, 3), dtype=np.float32)
    want = x.reshape(2, 4, 2, 3, 2, 3).mean(axis=(2, 4))
    np.testing.assert_allclose(model.predict(x, verbose=0), want, rtol=1e-5)
    fn = tf.function(lambda im: tf.image.resize_with_pad(im, 10, 10))
    out = fn(x)
    assert out.shape == (2, 10, 10, 3)
    # 8x6 fits as 10x7 (floor of 7.5), placed at column floor(1.25) = 1
    np.testing.assert_array_equal(out.numpy()[:, :, [0, 8, 9]], 0)
    np.testing.assert_allclose(out.numpy()[:, :, 1:8], tf.image.resize(x, [10, 7]).numpy(), rtol=1e-6)
