"""Elementwise tf.math functions against NumPy/SciPy references, dtypes and jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import scipy.special as sp

from xlaflow.ops import binary_ops, operators
from xlaflow.ops import unary_ops as U
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

ANY = np.array([[-2.5, -1.0, -0.25, 0.0], [0.5, 1.0, 3.0, 7.5]], np.float32)
POS = np.array([[0.25, 0.5, 1.0, 2.0], [3.0, 4.0, 9.0, 100.0]], np.float32)
UNIT = np.array([[-0.99, -0.5, -0.1, 0.0], [0.1, 0.5, 0.75, 0.99]], np.float32)
GE1 = np.array([[1.0, 1.5, 2.0, 3.0], [5.0, 10.0, 20.0, 50.0]], np.float32)
NOT_POLE = np.array([[-2.5, -1.5, -0.5, 0.3], [0.5, 1.0, 3.0, 7.5]], np.float32)

# name -> (op, reference on float64, input)
REFS = {
    "exp": (U.exp, np.exp, ANY),
    "expm1": (U.expm1, np.expm1, ANY),
    "log": (U.log, np.log, POS),
    "log1p": (U.log1p, np.log1p, POS),
    "sqrt": (U.sqrt, np.sqrt, POS),
    "rsqrt": (U.rsqrt, lambda x: 1 / np.sqrt(x), POS),
    "square": (U.square, lambda x: x * x, ANY),
    "reciprocal": (U.reciprocal, lambda x: 1 / x, POS),
    "sign": (U.sign, np.sign, ANY),
    "tanh": (U.tanh, np.tanh, ANY),
    "sinh": (U.sinh, np.sinh, ANY),
    "cosh": (U.cosh, np.cosh, ANY),
    "sin": (U.sin, np.sin, ANY),
    "cos": (U.cos, np.cos, ANY),
    "tan": (U.tan, np.tan, UNIT),
    "asin": (U.asin, np.arcsin, UNIT),
    "acos": (U.acos, np.arccos, UNIT),
    "atan": (U.atan, np.arctan, ANY),
    "asinh": (U.asinh, np.arcsinh, ANY),
    "acosh": (U.acosh, np.arccosh, GE1),
    "atanh": (U.atanh, np.arctanh, UNIT),
    "sigmoid": (U.sigmoid, sp.expit, ANY),
    "log_sigmoid": (U.log_sigmoid, sp.log_expit, ANY),
    "softplus": (U.softplus, lambda x: np.log1p(np.exp(x)), ANY),
    "softsign": (U.softsign, lambda x: x / (1 + np.abs(x)), ANY),
    "erf": (U.erf, sp.erf, ANY),
    "erfc": (U.erfc, sp.erfc, ANY),
    "erfinv": (U.erfinv, sp.erfinv, UNIT),
    "lgamma": (U.lgamma, sp.gammaln, NOT_POLE),
    "digamma": (U.digamma, sp.digamma, NOT_POLE),
    "floor": (U.floor, np.floor, ANY),
    "ceil": (U.ceil, np.ceil, ANY),
    "rint": (U.rint, np.rint, ANY),
    "round": (U.round, np.round, ANY),
}
FLOAT_ONLY = [n for n in REFS if n not in ("square", "sign", "round")]


@pytest.mark.parametrize("name", sorted(REFS))
def test_matches_reference(name):
    fn, ref, x = REFS[name]
    out = fn(x)
    assert isinstance(out, Tensor) and out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out.numpy(), ref(x.astype(np.float64)), rtol=2e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(REFS))
def test_under_jit(name):
    fn, ref, x = REFS[name]
    out = jax.jit(lambda t: fn(t))(constant(x))
    assert isinstance(out, Tensor) and out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out.value), ref(x.astype(np.float64)), rtol=2e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["exp", "log1p", "sigmoid", "lgamma", "round", "sign", "acosh", "softsign"])
def test_scalar_and_empty(name):
    fn, ref, x = REFS[name]
    scalar = fn(x[1, 1])
    assert scalar.shape == () and scalar.dtype == np.float32
    np.testing.assert_allclose(scalar.numpy(), ref(np.float64(x[1, 1])), rtol=2e-5, atol=1e-5)
    assert fn(np.zeros((0, 2), np.float32)).shape == (0, 2)


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sigmoid", "tanh", "floor", "erf", "softplus"])
def test_half_precision_keeps_dtype(name):
    fn, ref, x = REFS[name]
    for dt in (np.float16, jnp.bfloat16):
        out = fn(jnp.asarray(x, dt))
        assert out.dtype == dt
        np.testing.assert_allclose(np.asarray(out.numpy(), np.float32), ref(x.astype(np.float64)), rtol=2e-2, atol=2e-2)


@pytest.mark.parametrize("name", FLOAT_ONLY)
def test_integer_input_is_a_type_error(name):
    fn = REFS[name][0]
    with pytest.raises(TypeError, match=rf"{name}: argument `(x|features)` must be a floating-point.*Received: dtype=int32"):
        fn(constant([1, 2]))
    with pytest.raises(TypeError, match="dtype=int32"):
        fn(3)  # a Python int is an int32 tensor, as in TF


def test_integer_friendly_ops_keep_int_dtype():
    x = np.array([-3, 0, 4], np.int32)
    assert U.square(x).dtype == np.int32 and U.square(x).numpy().tolist() == [9, 0, 16]
    assert U.sign(x).dtype == np.int32 and U.sign(x).numpy().tolist() == [-1, 0, 1]
    assert U.round(x).dtype == np.int32 and U.round(x).numpy().tolist() == [-3, 0, 4]
    with pytest.raises(TypeError, match=r"square: argument `x` must be a .*Received: dtype=bool"):
        U.square(np.array([True]))


def test_round_and_rint_are_half_to_even():
    x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.6], np.float32)
    expected = [-2.0, -2.0, -0.0, 0.0, 2.0, 2.0, 3.0]
    assert U.round(x).numpy().tolist() == expected
    assert U.rint(x).numpy().tolist() == expected


def test_special_values():
    x = np.array([np.nan, np.inf, -np.inf, 0.0, -1.0], np.float32)
    assert U.is_nan(x).dtype == np.bool_
    assert U.is_nan(x).numpy().tolist() == [True, False, False, False, False]
    assert U.is_inf(x).numpy().tolist() == [False, True, True, False, False]
    assert U.is_finite(x).numpy().tolist() == [False, False, False, True, True]
    assert U.log(np.float32(0.0)).numpy() == -np.inf
    assert np.isnan(U.sqrt(np.float32(-1.0)).numpy())
    assert np.isnan(U.acosh(np.float32(0.5)).numpy())
    assert U.softplus(np.float32(100.0)).numpy() == pytest.approx(100.0)  # no overflow
    assert U.log_sigmoid(np.float32(-100.0)).numpy() == pytest.approx(-100.0)
    with pytest.raises(TypeError, match="is_nan: argument `x` must be a floating-point tensor. Received: dtype=int32"):
        U.is_nan(constant([1]))


def test_reciprocal_no_nan():
    out = U.reciprocal_no_nan(np.array([0.0, 2.0, -4.0], np.float32))
    assert out.dtype == np.float32 and out.numpy().tolist() == [0.0, 0.5, -0.25]


def test_complex_parts():
    z = np.array([1 + 2j, -3 - 4j, 0j], np.complex64)
    assert U.real(z).dtype == np.float32 and U.real(z).numpy().tolist() == [1.0, -3.0, 0.0]
    assert U.imag(z).dtype == np.float32 and U.imag(z).numpy().tolist() == [2.0, -4.0, 0.0]
    assert U.conj(z).dtype == np.complex64
    np.testing.assert_allclose(U.conj(z).numpy(), np.conj(z))
    np.testing.assert_allclose(U.angle(z).numpy(), np.angle(z), rtol=1e-6)
    np.testing.assert_allclose(U.exp(z).numpy(), np.exp(z.astype(np.complex128)), rtol=1e-5)
    np.testing.assert_allclose(U.sqrt(z).numpy(), np.sqrt(z.astype(np.complex128)), rtol=1e-5)
    # real inputs: real is identity, imag is zeros, conj is identity, angle is pi for negatives
    r = np.array([-1.5, 2.0], np.float32)
    assert U.real(r).numpy().tolist() == [-1.5, 2.0]
    assert U.imag(r).numpy().tolist() == [0.0, 0.0]
    assert U.conj(constant([1, 2])).numpy().tolist() == [1, 2]
    np.testing.assert_allclose(U.angle(r).numpy(), [np.pi, 0.0], rtol=1e-6)
    with pytest.raises(TypeError, match="conj: argument `x` must be .*Received: dtype=bool"):
        U.conj(np.array([True]))
    with pytest.raises(TypeError, match="erf: argument `x` must be a floating-point tensor. Received: dtype=complex64"):
        U.erf(z)


def test_variable_input_and_python_float():
    v = Variable(np.array([1.0, 4.0], np.float32))
    assert U.sqrt(v).numpy().tolist() == [1.0, 2.0]
    assert U.exp(0.0).dtype == np.float32 and float(U.exp(0.0)) == 1.0


def test_math_namespace_reexports():
    import xlaflow.math as xmath
    for name in ["exp", "log", "sigmoid", "round", "reduce_sum", "argmax", "cumsum", "top_k", "add_n",
                 "segment_sum", "l2_normalize", "count_nonzero", "is_nan", "bincount"]:
        assert hasattr(xmath, name), name
    assert xmath.add is binary_ops.add and xmath.maximum is binary_ops.maximum
    assert xmath.equal is binary_ops.equal and xmath.logical_and is binary_ops.logical_and
    assert xmath.floormod is binary_ops.floormod and xmath.squared_difference is binary_ops.squared_difference
    assert xmath.divide_no_nan is binary_ops.divide_no_nan
    assert xmath.abs is operators.abs and xmath.negative is operators.negative
    assert xmath.exp is U.exp
    assert set(xmath.__all__) <= set(dir(xmath))
