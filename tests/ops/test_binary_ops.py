"""Elementwise binary ops and matmul against NumPy: broadcasting, the dtype rules for
tensors and Python scalars, error messages, and jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import binary_ops as B
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

rng = np.random.default_rng(2)
X = rng.standard_normal((2, 3)).astype(np.float32)
ROW = (rng.standard_normal(3) + 3).astype(np.float32)  # positive, no zeros
COL = rng.standard_normal((2, 1)).astype(np.float32)

ARITH = {
    "add": (B.add, np.add),
    "subtract": (B.subtract, np.subtract),
    "multiply": (B.multiply, np.multiply),
    "truediv": (B.truediv, np.true_divide),
    "divide": (B.divide, np.true_divide),
    "floordiv": (B.floordiv, np.floor_divide),
    "floormod": (B.floormod, np.mod),
    "mod": (B.mod, np.mod),
    "maximum": (B.maximum, np.maximum),
    "minimum": (B.minimum, np.minimum),
    "squared_difference": (B.squared_difference, lambda x, y: (x - y) ** 2),
    "atan2": (B.atan2, np.arctan2),
    "pow": (B.pow, lambda x, y: np.abs(x) ** y),
}
COMPARE = {
    "equal": (B.equal, np.equal),
    "not_equal": (B.not_equal, np.not_equal),
    "less": (B.less, np.less),
    "less_equal": (B.less_equal, np.less_equal),
    "greater": (B.greater, np.greater),
    "greater_equal": (B.greater_equal, np.greater_equal),
}


@pytest.mark.parametrize("name", sorted(ARITH))
@pytest.mark.parametrize("other", [ROW, COL, np.float32(1.5)], ids=["row", "col", "scalar"])
def test_arithmetic_broadcasts_like_numpy(name, other):
    fn, ref = ARITH[name]
    x = np.abs(X) if name == "pow" else X
    out = fn(x, other)
    expected = ref(x.astype(np.float64), np.float64(other) if np.ndim(other) == 0 else other.astype(np.float64))
    assert isinstance(out, Tensor) and out.dtype == np.float32 and out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(COMPARE))
def test_comparisons(name):
    fn, ref = COMPARE[name]
    y = np.array([X[0, 0], 0.0, X[1, 2]], np.float32)
    out = fn(X, y)
    assert out.dtype == np.bool_ and out.numpy().tolist() == ref(X, y).tolist()
    assert fn(constant([1, 2, 3]), 2).numpy().tolist() == ref([1, 2, 3], 2).tolist()


def test_integer_arithmetic_keeps_int32_and_follows_tf_signs():
    a, b = constant([7, -7, 7, -7]), constant([2, 2, -2, -2])
    for fn, ref in ((B.add, np.add), (B.subtract, np.subtract), (B.multiply, np.multiply), (B.maximum, np.maximum)):
        out = fn(a, b)
        assert out.dtype == np.int32 and out.numpy().tolist() == ref([7, -7, 7, -7], [2, 2, -2, -2]).tolist()
    # floor division and modulo round toward -inf, as TF's floordiv/floormod
    assert B.floordiv(a, b).numpy().tolist() == [3, -4, -4, 3]
    assert B.floormod(a, b).numpy().tolist() == [1, 1, -1, -1]
    assert B.pow(constant([2, 3]), 3).numpy().tolist() == [8, 27]
    assert B.truediv(constant([1, 3]), constant([2, 2])).dtype.is_floating


def test_python_scalars_are_weakly_typed():
    h = constant(jnp.ones(3, jnp.float16))
    assert B.multiply(h, 2.0).dtype == np.float16
    assert B.add(2.0, h).dtype == np.float16
    assert (h * 2.0).dtype == np.float16 and (2 * h).dtype == np.float16
    assert B.add(constant([1, 2]), 1).dtype == np.int32
    assert B.add(constant([1, 2]), 1.0).dtype == np.int32  # an integral float converts, as in TF
    bf = constant(jnp.ones(2, jnp.bfloat16))
    assert B.maximum(bf, 0.5).dtype == jnp.bfloat16
    # NumPy operands adopt the tensor's dtype
    assert B.add(constant(X), np.ones(3, np.float32)).dtype == np.float32
    assert B.add(constant([1, 2]), np.array([1, 2], np.int32)).dtype == np.int32
    # two Python values: TF's defaults (float32, int32)
    assert B.add(1.5, 2.0).dtype == np.float32 and B.add(1, 2).dtype == np.int32


def test_dtype_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"add: arguments `x` and `y` must have the same dtype. Received: x.dtype=float32, y.dtype=int32. Use xlaflow.cast"):
        B.add(constant([1.0, 2.0]), constant([1, 2]))
    with pytest.raises(TypeError, match="add: argument `y` cannot be converted to dtype int32 without losing information. Received: 1.5"):
        B.add(constant([1, 2]), 1.5)
    with pytest.raises(ValueError, match="add: argument `y` does not fit in int8"):
        B.add(constant(np.array([1], np.int8)), 300)
    with pytest.raises(errors.InvalidArgumentError, match="multiply: .*same dtype.*float16.*float32"):
        B.multiply(constant(jnp.ones(2, jnp.float16)), constant(np.ones(2, np.float32)))


def test_shape_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"add: arguments `x` and `y` must have broadcast-compatible shapes. Received: x.shape=\(2,\), y.shape=\(3,\)"):
        B.add(constant([1.0, 2.0]), constant([1.0, 2.0, 3.0]))
    with pytest.raises(errors.InvalidArgumentError, match="less: arguments `x` and `y` must have broadcast-compatible shapes"):
        B.less(X, np.ones((3, 2), np.float32))


def test_safe_divisions():
    x, y = np.array([0.0, 1.0, 3.0], np.float32), np.array([0.0, 0.0, 2.0], np.float32)
    assert B.divide_no_nan(x, y).numpy().tolist() == [0.0, 0.0, 1.5]
    xd = B.xdivy(x, y).numpy()
    assert xd[0] == 0.0 and xd[1] == np.inf and xd[2] == 1.5


def test_logical_and_bitwise():
    p, q = np.array([True, True, False, False]), np.array([True, False, True, False])
    assert B.logical_and(p, q).numpy().tolist() == (p & q).tolist()
    assert B.logical_or(p, q).numpy().tolist() == (p | q).tolist()
    assert B.logical_xor(p, q).numpy().tolist() == (p ^ q).tolist()
    assert B.logical_not(p).numpy().tolist() == (~p).tolist()
    assert B.logical_and(np.array([[True], [False]]), q).shape == (2, 4)
    a, b = constant([12, 10, -1]), constant([10, 6, 3])
    assert B.bitwise_and(a, b).numpy().tolist() == [8, 2, 3]
    assert B.bitwise_or(a, b).numpy().tolist() == [14, 14, -1]
    assert B.bitwise_xor(a, b).numpy().tolist() == [6, 12, -4]
    assert B.left_shift(constant([1, 3]), constant([2, 1])).numpy().tolist() == [4, 6]
    assert B.right_shift(constant([8, -8]), constant([2, 1])).numpy().tolist() == [2, -4]
    assert B.invert(constant([0, 5])).numpy().tolist() == [-1, -6]


def test_logical_errors():
    with pytest.raises(TypeError, match="logical_and: argument `x` must be a bool tensor. Received: dtype=int32"):
        B.logical_and(constant([1, 0]), constant([1, 1]))
    with pytest.raises(TypeError, match="logical_or: argument `x` must be a bool tensor. Received: dtype=float32"):
        B.logical_or(np.ones(2, np.float32), np.ones(2, np.float32))
    with pytest.raises(TypeError, match="logical_not: argument `x` must be a bool tensor. Received: dtype=int32"):
        B.logical_not(constant([1]))
    with pytest.raises(TypeError, match="bitwise_and: argument `x` must be an integer or bool tensor. Received: dtype=float32"):
        B.bitwise_and(np.ones(2, np.float32), np.ones(2, np.float32))


def test_variables_and_jit():
    v = Variable(X)
    np.testing.assert_allclose(B.add(v, ROW).numpy(), X + ROW, rtol=1e-6)
    out = jax.jit(lambda a, b: B.squared_difference(a, b))(constant(X), constant(ROW))
    np.testing.assert_allclose(np.asarray(out.value), (X - ROW) ** 2, rtol=1e-5)
    out = jax.jit(lambda a: B.multiply(a, 2.0))(constant(jnp.ones(2, jnp.float16)))
    assert out.dtype == np.float16
    out = jax.jit(lambda a, b: B.logical_and(B.greater(a, 0.0), b))(constant(X), constant(X[0] > 0))
    assert np.asarray(out.value).tolist() == ((X > 0) & (X[0] > 0)).tolist()


# -- matmul -----------------------------------------------------------------------------------
A = rng.standard_normal((2, 3)).astype(np.float32)
Bm = rng.standard_normal((3, 4)).astype(np.float32)
BA = rng.standard_normal((5, 2, 3)).astype(np.float32)
BB = rng.standard_normal((5, 3, 4)).astype(np.float32)


@pytest.mark.parametrize("a,b,kwargs,ref", [
    (A, Bm, {}, lambda: A @ Bm),
    (A.T, Bm, {"transpose_a": True}, lambda: A @ Bm),
    (A, Bm.T, {"transpose_b": True}, lambda: A @ Bm),
    (A.T, Bm.T, {"transpose_a": True, "transpose_b": True}, lambda: A @ Bm),
    (BA, BB, {}, lambda: BA @ BB),
    (BA, Bm, {}, lambda: BA @ Bm),  # batch broadcasting
    (A, BB, {}, lambda: A @ BB),
    (BA[:, None], BB[None], {}, lambda: BA[:, None] @ BB[None]),
    (np.swapaxes(BA, -1, -2), BB, {"adjoint_a": True}, lambda: BA @ BB),
])
def test_matmul_shapes_and_transposes(a, b, kwargs, ref):
    out = B.matmul(a, b, **kwargs)
    expected = ref()
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_matmul_dtypes_complex_and_jit():
    i = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = B.matmul(i, i.T)
    assert out.dtype == np.int32 and out.numpy().tolist() == (i @ i.T).tolist()
    z = (A + 1j * A).astype(np.complex64)
    np.testing.assert_allclose(B.matmul(z, z, adjoint_b=True).numpy(), z @ np.conj(z).T, rtol=1e-5)
    out = jax.jit(lambda a, b: B.matmul(a, b, transpose_b=True))(constant(A), constant(Bm.T))
    np.testing.assert_allclose(np.asarray(out.value), A @ Bm, rtol=1e-5)
    assert (constant(A) @ constant(Bm)).shape == (2, 4)
    assert B.matmul(np.zeros((0, 3), np.float32), Bm).shape == (0, 4)


def test_matmul_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"matmul: argument `a` must have rank >= 2. Received: shape \(3,\)"):
        B.matmul(ROW, Bm)
    with pytest.raises(errors.InvalidArgumentError, match=r"matmul: argument `b` must have rank >= 2"):
        B.matmul(A, ROW)
    with pytest.raises(errors.InvalidArgumentError, match=r"matmul: the inner dimensions of `a` and `b` must match .*Received: a.shape=\(2, 3\), b.shape=\(4, 3\)"):
        B.matmul(A, Bm.T)
    with pytest.raises(errors.InvalidArgumentError, match=r"matmul: the inner dimensions .*Received: a.shape=\(3, 2\), b.shape=\(3, 4\)"):
        B.matmul(A, Bm, transpose_a=True)
    with pytest.raises(errors.InvalidArgumentError, match=r"matmul: the batch dimensions of `a` and `b` must broadcast. Received: a.shape=\(5, 2, 3\), b.shape=\(4, 3, 4\)"):
        B.matmul(BA, BB[:4])
    with pytest.raises(errors.InvalidArgumentError, match="(?i)matmul: arguments `a` and `b` must have the same dtype. Received: a.dtype=float32, b.dtype=int32"):
        B.matmul(constant(A), constant(np.ones((3, 4), np.int32)))
