"""Loss API: get/aliases/serialization, configs, custom losses, gradients, compiled
use, and clear errors for bad input."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import xlaflow as tf
import xlaflow.keras.losses  # noqa: F401
from xlaflow import keras

L = keras.losses
YT = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], np.float32)
YP = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2]], np.float32)


def test_get_strings_aliases_and_instances():
    assert L.get("categorical_crossentropy") is L.categorical_crossentropy
    assert isinstance(L.get("CategoricalCrossentropy"), L.CategoricalCrossentropy)
    for alias, fn in [("mse", L.mean_squared_error), ("MAE", L.mean_absolute_error), ("mape", L.mean_absolute_percentage_error),
                      ("msle", L.mean_squared_logarithmic_error), ("bce", L.binary_crossentropy), ("kld", L.kl_divergence)]:
        assert L.get(alias) is fn
    inst = L.Huber(delta=2.0)
    assert L.get(inst) is inst and L.get(None) is None
    cfg = L.get({"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}})
    assert cfg.from_logits is True


@pytest.mark.parametrize("cls", [L.MeanSquaredError, L.Huber, L.BinaryCrossentropy, L.CategoricalCrossentropy,
                                 L.SparseCategoricalCrossentropy, L.BinaryFocalCrossentropy, L.CosineSimilarity,
                                 L.KLDivergence, L.Poisson, L.Hinge, L.SquaredHinge, L.CategoricalHinge, L.LogCosh,
                                 L.MeanAbsoluteError, L.MeanAbsolutePercentageError, L.MeanSquaredLogarithmicError])
def test_config_round_trip(cls):
    loss = cls(reduction="sum", name="my_loss")
    config = loss.get_config()
    assert config["reduction"] == "sum" and config["name"] == "my_loss"
    again = cls.from_config(config)
    assert again.get_config() == config
    restored = L.deserialize(L.serialize(loss))
    assert type(restored) is cls and restored.get_config() == config


def test_keras_default_configs():
    assert L.BinaryFocalCrossentropy().get_config() == {
        "name": "binary_focal_crossentropy", "reduction": "sum_over_batch_size", "from_logits": False,
        "label_smoothing": 0.0, "axis": -1, "apply_class_balancing": False, "alpha": 0.25, "gamma": 2.0}
    assert L.SparseCategoricalCrossentropy().get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size", "from_logits": False,
        "ignore_class": None}
    assert L.Huber().name == "huber_loss"


def test_reduction_none_keeps_per_sample_values():
    out = L.MeanSquaredError(reduction=None)(YT, YP)
    np.testing.assert_allclose(np.asarray(out), np.mean((YT - YP) ** 2, axis=-1), rtol=1e-6)
    assert out.dtype == tf.float32


def test_custom_subclass_and_wrapper():
    class Cubic(L.Loss):
        def call(self, y_true, y_pred):
            return tf.reduce_mean(tf.abs(y_true - y_pred) ** 3, axis=-1)

    want = np.mean(np.mean(np.abs(YT - YP) ** 3, -1) * [1.0, 3.0])
    assert float(Cubic()(YT, YP, sample_weight=[1.0, 3.0])) == pytest.approx(want, rel=1e-6)
    wrapped = L.LossFunctionWrapper(L.huber, delta=0.1, reduction="sum")
    assert float(wrapped(YT, YP)) == pytest.approx(float(tf.reduce_sum(L.huber(YT, YP, delta=0.1))), rel=1e-6)


def test_gradient_tape_and_function():
    w = tf.Variable(YP)
    with tf.GradientTape() as tape:
        loss = L.CategoricalCrossentropy()(YT, w, sample_weight=[1.0, 2.0])
    grad = tape.gradient(loss, w)
    # Reference: jax.grad of the same formula.
    def ref(p):
        p = p / p.sum(-1, keepdims=True)
        return (-(YT * jax.numpy.log(jax.numpy.clip(p, 1e-7, 1 - 1e-7))).sum(-1) * np.array([1.0, 2.0])).mean()
    np.testing.assert_allclose(np.asarray(grad), np.asarray(jax.grad(ref)(YP)), rtol=1e-5, atol=1e-7)

    step = tf.function(lambda a, b: L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)(a, b))
    labels = np.array([1, 2], np.int32)
    eager = L.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)(labels, YP)
    assert float(step(tf.constant(labels), tf.constant(YP))) == pytest.approx(float(eager), rel=1e-6)


def test_ignore_class_gradient_has_no_nan():
    w = tf.Variable(YP)
    with tf.GradientTape() as tape:
        loss = L.SparseCategoricalCrossentropy(ignore_class=-1)(np.array([1, -1], np.int32), w)
    grad = np.asarray(tape.gradient(loss, w))
    assert np.isfinite(grad).all() and not grad[1].any()


def test_float64_host_inputs_are_narrowed_silently():
    out = L.mean_squared_error(YT.astype(np.float64), YP.astype(np.float64))
    assert out.dtype == tf.float32


# -- bad input --------------------------------------------------------------------------
def test_unknown_loss_string():
    with pytest.raises(ValueError, match=r"keras.losses.get: argument `identifier` must name a loss.*'mean_sqared_error'"):
        L.get("mean_sqared_error")
    with pytest.raises(ValueError, match="Did you mean 'MeanSquaredError'"):
        L.get("meansquarederror")


def test_invalid_reduction():
    with pytest.raises(ValueError, match=r"MeanSquaredError: argument `reduction` must be one of .*Received: reduction='avg'"):
        L.MeanSquaredError(reduction="avg")


@pytest.mark.parametrize("fn", [L.binary_crossentropy, L.categorical_crossentropy])
def test_crossentropy_shape_mismatch(fn):
    with pytest.raises(tf.errors.InvalidArgumentError, match=rf"{fn.__name__}: arguments `y_true` and `y_pred` must have the same shape.*y_true.shape=\(2, 3\), y_pred.shape=\(2, 4\)"):
        fn(YT, np.zeros((2, 4), np.float32))


def test_regression_shape_mismatch():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"mean_squared_error: arguments `y_true` and `y_pred` must have broadcast-compatible shapes"):
        L.MeanSquaredError()(YT, np.zeros((2, 4), np.float32))


def test_sparse_label_shape_mismatch():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"sparse_categorical_crossentropy: argument `y_true` must have the shape"):
        L.sparse_categorical_crossentropy(np.zeros((3,), np.int32), YP)


def test_sample_weight_shape_mismatch():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"argument.*`sample_weight`.*Received"):
        L.MeanSquaredError()(YT, YP, sample_weight=np.ones((3,), np.float32))


def test_bad_axis():
    with pytest.raises(ValueError, match=r"binary_crossentropy: argument `axis` must be an int. Received: axis=True"):
        L.binary_crossentropy(YT, YP, axis=True)


def test_tf_keras_reduction_names():
    assert L.Reduction.NONE == "none" and L.Reduction.SUM_OVER_BATCH_SIZE == "sum_over_batch_size"
    per_sample = L.SparseCategoricalCrossentropy(reduction=L.Reduction.NONE)(np.array([1, 0], np.int32), YP)
    assert per_sample.shape == (2,)
    auto = L.MeanSquaredError(reduction=L.Reduction.AUTO)
    assert auto.reduction == "sum_over_batch_size"
    assert float(auto(YT, YP)) == pytest.approx(float(L.MeanSquaredError()(YT, YP)))


def test_host_dtypes():
    assert L.mean_squared_error([[1.0, 2.0]], [[1.5, 2.0]]).dtype == tf.float32
    half = L.mean_squared_error(YT.astype(np.float16), YP.astype(np.float16))
    assert half.dtype == tf.float16
