"""keras.activations beyond the golden values: lookup, serialization, dtypes,
compiled code, errors, and sparsemax against an independent reference."""

from __future__ import annotations

import warnings

import jax
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import activations

X = np.array([[-2.0, -0.5, 0.0, 0.5, 3.0, 7.0]], np.float32)


def test_get_names_aliases_none_and_callables():
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get(None) is activations.linear
    fn = lambda x: x * 2.0  # noqa: E731
    assert activations.get(fn) is fn
    assert activations.get({"class_name": "function", "config": "tanh", "module": "keras.activations"}) is activations.tanh


def test_get_unknown_name_is_a_value_error_naming_it():
    with pytest.raises(ValueError, match="Could not interpret activation function identifier: 'relux'"):
        activations.get("relux")
    with pytest.raises(ValueError, match="identifier: 3"):
        activations.get(3)
    with pytest.raises(ValueError, match="'nope'"):
        activations.deserialize("nope")


def test_serialize_round_trips_builtin_names():
    for name in ("relu", "softmax", "gelu", "mish", "linear"):
        fn = activations.get(name)
        assert activations.serialize(fn) == name
        assert activations.deserialize(activations.serialize(fn)) is fn
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"
    with pytest.raises(ValueError, match="custom functions cannot be serialized"):
        activations.serialize(lambda x: x)


def test_custom_objects_in_deserialize():
    def my_act(x):
        return x

    assert activations.deserialize("my_act", custom_objects={"my_act": my_act}) is my_act


def test_hard_sigmoid_is_keras3_formula():
    out = np.asarray(activations.hard_sigmoid(X))
    np.testing.assert_allclose(out, np.clip(X / 6.0 + 0.5, 0.0, 1.0), rtol=1e-6)


def test_gelu_default_is_exact():
    from scipy.special import erf

    expected = 0.5 * X * (1.0 + erf(X / np.sqrt(2.0)))
    np.testing.assert_allclose(np.asarray(activations.gelu(X)), expected, rtol=1e-6, atol=1e-7)


def test_relu_options_formula():
    x = np.linspace(-4, 4, 17, dtype=np.float32)
    out = np.asarray(activations.relu(x, negative_slope=0.1, max_value=2.5, threshold=1.0))
    expected = np.where(x > 1.0, np.minimum(x, 2.5), 0.1 * (x - 1.0))
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-7)


def test_integer_relu_keeps_dtype_and_float16_is_kept():
    assert activations.relu(np.array([-1, 2], np.int32)).dtype == tf.int32
    h = np.array([-1.0, 0.5, 2.0], np.float16)
    for name in ("sigmoid", "hard_sigmoid", "mish", "relu", "elu", "gelu", "softmax", "squareplus"):
        assert activations.get(name)(h).dtype == tf.float16, name


def _sparsemax_reference(z):
    """Sparsemax by bisection on tau (sum(max(z - tau, 0)) = 1), independent of sorting."""
    lo, hi = z.max() - 1.0, z.max()
    for _ in range(100):
        mid = (lo + hi) / 2
        if np.maximum(z - mid, 0).sum() > 1:
            lo = mid
        else:
            hi = mid
    return np.maximum(z - (lo + hi) / 2, 0)


def test_sparsemax_is_the_simplex_projection():
    z = np.random.default_rng(3).normal(size=(5, 7)).astype(np.float32)
    out = np.asarray(activations.sparsemax(z))
    expected = np.stack([_sparsemax_reference(row.astype(np.float64)) for row in z])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-6)
    out0 = np.asarray(activations.sparsemax(z, axis=0))
    np.testing.assert_allclose(out0, np.asarray(activations.sparsemax(z.T)).T, rtol=1e-6)


def test_softmax_over_several_axes():
    z = np.random.default_rng(4).normal(size=(2, 3, 4)).astype(np.float32)
    out = np.asarray(activations.softmax(z, axis=(1, 2)))
    e = np.exp(z - z.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(out, e / e.sum(axis=(1, 2), keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(activations.log_softmax(z, axis=(1, 2))), np.log(out), rtol=1e-5, atol=1e-6)


def test_softmax_over_a_size_one_axis_warns():
    with pytest.warns(UserWarning, match="has size 1"):
        activations.softmax(np.ones((3, 1), np.float32))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activations.softmax(np.ones((3, 2), np.float32))


def test_activations_run_inside_function_and_jit():
    names = ("relu", "hard_silu", "sparsemax", "glu", "celu", "tanh")

    @tf.function
    def f(x):
        return [activations.get(n)(x) for n in names]

    outs = f(tf.constant(X))
    eager = [activations.get(n)(X) for n in names]
    for a, b in zip(outs, eager):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)
    jitted = jax.jit(lambda t: activations.mish(t))(tf.constant(X))
    np.testing.assert_allclose(np.asarray(jitted), np.asarray(activations.mish(X)), rtol=1e-6)


def test_tape_records_keras_only_activations_on_variables():
    v = tf.Variable(X)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(activations.relu(v, max_value=2.0, threshold=0.25))
    grad = np.asarray(tape.gradient(y, v))
    np.testing.assert_array_equal(grad, ((X > 0.25) & (X < 2.0)).astype(np.float32))


def test_bad_input_errors_name_the_function_and_argument():
    with pytest.raises(TypeError, match=r"hard_sigmoid: argument `x` must be a floating"):
        activations.hard_sigmoid(np.array([1, 2], np.int32))
    with pytest.raises(TypeError, match=r"relu: argument `max_value` must be a number or None. Received: max_value='6'"):
        activations.relu(X, max_value="6")
    with pytest.raises(TypeError, match=r"gelu: argument `approximate` must be a bool"):
        activations.gelu(X, approximate="yes")
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"glu: argument `x` must have an even size along axis -1"):
        activations.glu(np.ones((2, 3), np.float32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"sparsemax: argument `axis` must be in \[-2, 2\)"):
        activations.sparsemax(X, axis=2)
    with pytest.raises(ValueError, match=r"soft_shrink: argument `threshold` must be non-negative"):
        activations.soft_shrink(X, threshold=-1.0)
    with pytest.raises(ValueError, match=r"celu: argument `alpha` must be non-zero"):
        activations.celu(X, alpha=0)


def test_get_keeps_callable_classes_as_they_are():
    class Scaled:
        def __call__(self, x):
            return x

    assert activations.get(Scaled) is Scaled
