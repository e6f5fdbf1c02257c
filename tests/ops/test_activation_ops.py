"""Activations of tf.nn against hand-written NumPy formulas."""

import math

import jax
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import activation_ops as A
from xlaflow.ops.tensor import Tensor

X = np.array([[-3.0, -1.0, -0.5, 0.0], [0.25, 1.0, 4.0, 8.0]], np.float32)
_erf = np.vectorize(math.erf)


def _np_softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


REFS = {
    "relu": (A.relu, lambda x: np.maximum(x, 0)),
    "relu6": (A.relu6, lambda x: np.clip(x, 0, 6)),
    "elu": (A.elu, lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    "selu": (A.selu, lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * (np.exp(x) - 1))),
    "gelu": (A.gelu, lambda x: 0.5 * x * (1 + _erf(x / np.sqrt(2)))),
    "leaky_relu": (A.leaky_relu, lambda x: np.where(x > 0, x, 0.2 * x)),
    "silu": (A.silu, lambda x: x / (1 + np.exp(-x))),
    "softmax": (A.softmax, lambda x: _np_softmax(x, -1)),
    "log_softmax": (A.log_softmax, lambda x: np.log(_np_softmax(x.astype(np.float64), -1))),
}


@pytest.mark.parametrize("name", sorted(REFS))
def test_matches_numpy_reference(name):
    fn, ref = REFS[name]
    out = fn(X)
    assert out.dtype == np.float32 and out.shape == X.shape
    np.testing.assert_allclose(out.numpy(), ref(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(REFS))
def test_under_jit(name):
    fn, ref = REFS[name]
    out = jax.jit(lambda t: fn(t))(Tensor._wrap(jax.numpy.asarray(X)))
    np.testing.assert_allclose(np.asarray(out.value), ref(X.astype(np.float64)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["relu", "elu", "gelu", "softmax"])
def test_empty_and_float16(name):
    fn, ref = REFS[name]
    assert fn(np.zeros((0, 3), np.float32)).shape == (0, 3)
    h = fn(X.astype(np.float16))
    assert h.dtype == np.float16
    np.testing.assert_allclose(h.numpy().astype(np.float32), ref(X.astype(np.float64)), rtol=2e-2, atol=2e-2)


def test_scalars():
    assert float(A.relu(-2.0)) == 0.0
    assert float(A.relu6(7.0)) == 6.0
    assert abs(float(A.elu(-1.0)) - (math.exp(-1) - 1)) < 1e-6


@pytest.mark.parametrize("name,grad_at_zero", [
    ("relu", 0.0), ("relu6", 0.0), ("elu", 1.0), ("selu", 1.0507009873554805), ("leaky_relu", 0.2),
])
def test_gradient_at_zero_follows_tf(name, grad_at_zero):
    fn = REFS[name][0]
    g = jax.grad(lambda v: fn(Tensor._wrap(v)).value)(jax.numpy.float32(0.0))
    assert abs(float(g) - grad_at_zero) < 1e-6
    assert float(jax.grad(lambda v: A.relu6(Tensor._wrap(v)).value)(jax.numpy.float32(6.0))) == 0.0


def test_gelu_approximate():
    ref = 0.5 * X * (1 + np.tanh(np.sqrt(2 / np.pi) * (X + 0.044715 * X**3)))
    np.testing.assert_allclose(A.gelu(X, approximate=True).numpy(), ref, rtol=1e-5, atol=1e-6)


def test_leaky_relu_alpha_and_ints():
    np.testing.assert_allclose(A.leaky_relu(X, alpha=0.1).numpy(), np.where(X > 0, X, 0.1 * X), rtol=1e-6)
    out = A.leaky_relu(np.array([-2, 3], np.int32))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [-0.4, 3.0], rtol=1e-6)


def test_relu_keeps_integer_dtype():
    out = A.relu(np.array([-2, 0, 5], np.int32))
    assert out.dtype == np.int32 and out.numpy().tolist() == [0, 0, 5]
    assert A.relu6(np.array([-2, 9], np.int32)).numpy().tolist() == [0, 6]


def test_silu_beta_and_swish_alias():
    np.testing.assert_allclose(A.silu(X, beta=2.0).numpy(), X / (1 + np.exp(-2 * X)), rtol=1e-5, atol=1e-6)
    assert A.swish is A.silu


def test_crelu():
    out = A.crelu(X)
    assert out.shape == (2, 8)
    np.testing.assert_allclose(out.numpy(), np.concatenate([np.maximum(X, 0), np.maximum(-X, 0)], -1))
    assert A.crelu(X, axis=0).shape == (4, 4)


def test_softmax_axis_and_negative_axis():
    np.testing.assert_allclose(A.softmax(X, axis=0).numpy(), _np_softmax(X, 0), rtol=1e-5)
    np.testing.assert_allclose(A.softmax(X, axis=-2).numpy(), _np_softmax(X, 0), rtol=1e-5)
    big = np.array([1000.0, 1000.0], np.float32)
    np.testing.assert_allclose(A.softmax(big).numpy(), [0.5, 0.5])
    np.testing.assert_allclose(A.log_softmax(big).numpy(), [-math.log(2)] * 2, rtol=1e-6)


def test_errors():
    with pytest.raises(TypeError, match=r"elu: argument `features` must be a floating"):
        A.elu(np.array([1, 2], np.int32))
    with pytest.raises(TypeError, match=r"softmax: argument `logits` must be a floating"):
        A.softmax(np.array([1, 2], np.int32))
    with pytest.raises(errors.InvalidArgumentError, match=r"softmax: argument `axis` must be in \[-2, 2\)"):
        A.softmax(X, axis=2)
    with pytest.raises(errors.InvalidArgumentError, match=r"log_softmax: argument `axis`"):
        A.log_softmax(1.0)
    with pytest.raises(TypeError, match=r"relu: argument `features` must be a real numeric tensor"):
        A.relu(np.array([True]))


def test_nn_namespace_reexports():
    from xlaflow import nn
    from xlaflow.ops import unary_ops

    assert nn.relu is A.relu and nn.softmax is A.softmax and nn.swish is A.silu
    assert nn.sigmoid is unary_ops.sigmoid and nn.tanh is unary_ops.tanh
    assert nn.softplus is unary_ops.softplus and nn.softsign is unary_ops.softsign
    for name in ("conv2d", "max_pool2d", "moments", "dropout", "softmax_cross_entropy_with_logits", "bias_add"):
        assert callable(getattr(nn, name))


def test_random_namespace_reexports():
    from xlaflow import random
    from xlaflow.ops import random_ops, rng

    assert random.set_seed is rng.set_seed and random.normal is random_ops.normal
