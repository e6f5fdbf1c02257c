"""Tensor: the immutable value, its Python protocol, printing and operators."""

from __future__ import annotations

import copy
import operator

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401 - installs the operators
from xlaflow._core import dtypes, errors
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Reference, Tensor
from xlaflow.ops.variable import Variable

F = np.array([[1.5, -2.0, 3.0], [0.25, 4.0, -1.0]], np.float32)
G = np.array([2.0, -0.5, 1.0], np.float32)  # broadcasts against F
I = np.array([[7, -3, 5], [1, 12, -8]], np.int32)
J = np.array([2, 3, -4], np.int32)


def f32(x):
    return constant(np.asarray(x, np.float32))


# -- construction and basic properties ---------------------------------------------


def test_wraps_a_jax_array():
    arr = jnp.arange(3.0)
    t = Tensor(arr)
    assert t.value is arr
    assert t.dtype is dtypes.float32
    with pytest.raises(TypeError, match=r"Tensor wraps a jax.Array.*Received: ndarray"):
        Tensor(np.zeros(2))
    with pytest.raises(TypeError, match="Received: list"):
        Tensor([1.0])


def test_shape_is_a_tensor_shape():
    t = constant(np.zeros((2, 3), np.float32))
    assert isinstance(t.shape, TensorShape)
    assert t.shape == [2, 3]
    assert t.shape.as_list() == [2, 3]
    assert t.shape.rank == 2
    assert t.get_shape() == t.shape
    assert t.ndim == 2
    assert constant(1.0).shape.as_list() == []
    assert constant(np.zeros((0, 4), np.float32)).shape.as_list() == [0, 4]


def test_immutable():
    t = f32([1.0, 2.0])
    with pytest.raises(TypeError, match="does not support item assignment"):
        t[0] = 3.0
    with pytest.raises(AttributeError):
        t.foo = 1
    assert copy.copy(t) is t
    assert copy.deepcopy(t) is t


def test_numpy_and_array_protocols():
    t = constant(F)
    n = t.numpy()
    assert isinstance(n, np.ndarray) and n.dtype == np.float32
    np.testing.assert_array_equal(n, F)
    np.testing.assert_array_equal(np.asarray(t), F)
    assert np.asarray(t, dtype=np.int32).dtype == np.int32
    j = jnp.asarray(t)
    assert isinstance(j, jax.Array)
    np.testing.assert_allclose(np.asarray(jnp.sin(t)), np.sin(F), rtol=1e-6)  # jnp functions accept Tensors
    s = constant(2.5).numpy()
    assert isinstance(s, np.float32) and s == 2.5  # scalars come back as NumPy scalars


def test_device():
    assert constant(1.0).device  # e.g. "TFRT_CPU_0"
    seen = []
    jax.jit(lambda t: seen.append(t.device) or t)(constant(1.0))
    assert seen == [""]  # a traced tensor has no device yet


# -- printing -----------------------------------------------------------------------


def test_str_and_repr_match_tf():
    t = constant(1.0)
    assert str(t) == "tf.Tensor(1.0, shape=(), dtype=float32)"
    assert repr(t) == "<tf.Tensor: shape=(), dtype=float32, numpy=1.0>"
    assert str(constant(0.1)) == "tf.Tensor(0.1, shape=(), dtype=float32)"
    assert repr(constant(3)) == "<tf.Tensor: shape=(), dtype=int32, numpy=3>"
    assert repr(constant(True)) == "<tf.Tensor: shape=(), dtype=bool, numpy=True>"
    assert str(constant([1.0, 2.0])) == "tf.Tensor([1. 2.], shape=(2,), dtype=float32)"
    assert repr(constant([1.0, 2.0])) == "<tf.Tensor: shape=(2,), dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    # multi-line values start on a new line, as in TF
    assert str(constant([[1, 2], [3, 4]])) == "tf.Tensor(\n[[1 2]\n [3 4]], shape=(2, 2), dtype=int32)"
    assert repr(constant([[1, 2], [3, 4]])) == (
        "<tf.Tensor: shape=(2, 2), dtype=int32, numpy=\narray([[1, 2],\n       [3, 4]], dtype=int32)>"
    )


def test_format():
    t = constant(1.5)
    assert f"{t}" == "1.5"
    assert f"{t:.2f}" == "1.50"
    assert f"{constant(3):03d}" == "003"
    assert f"{constant([1.0])}" == str(constant([1.0]))


def test_traced_str():
    seen = []

    def fn(t):
        seen.append((str(t), repr(t), f"{t}"))
        return t

    jax.jit(fn)(constant(1.0))
    s, r, f = seen[0]
    assert "traced" in s and "shape=()" in s and "float32" in s
    assert "traced" in r
    assert f == s


# -- Python conversions -------------------------------------------------------------


def test_scalar_conversions():
    assert float(constant(2.5)) == 2.5 and isinstance(float(constant(2.5)), float)
    assert int(constant(2.9)) == 2
    assert int(constant(7)) == 7
    assert bool(constant(0.0)) is False
    assert bool(constant(True)) is True
    assert complex(constant(1.0)) == 1 + 0j
    assert [10, 20, 30][constant(1)] == 20  # __index__
    assert list(range(constant(3))) == [0, 1, 2]


def test_bool_of_non_scalar_is_a_clear_error():
    with pytest.raises(ValueError, match=r"truth value of a tensor with more than one element is ambiguous.*shape \(2,\)"):
        bool(constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        if constant([True]):
            pass


def test_float_int_of_non_scalar():
    with pytest.raises(ValueError, match=r"float\(\): only a tensor with a single element can be converted.*\(2,\)"):
        float(constant([1.0, 2.0]))
    with pytest.raises(ValueError, match="int"):
        int(constant([1, 2]))
    assert float(constant([3.0])) == 3.0  # one element is fine


def test_index_needs_integer():
    with pytest.raises(TypeError, match=r"Only integer tensors can be used as an index. Received: dtype=float32"):
        [1, 2][constant(1.0)]


def test_concrete_value_needed_inside_jit():
    def bad(t):
        return float(t)

    with pytest.raises(TypeError, match=r"float\(\) needs a concrete value.*traced inside a compiled function"):
        jax.jit(bad)(constant(1.0))
    with pytest.raises(TypeError, match=r"bool\(\) needs a concrete value"):
        jax.jit(lambda t: t if t else t)(constant(1.0))
    with pytest.raises(TypeError, match=r"numpy\(\) needs a concrete value"):
        jax.jit(lambda t: t.numpy())(constant(1.0))


def test_len_and_iteration():
    t = constant(np.arange(6, dtype=np.int32).reshape(3, 2))
    assert len(t) == 3
    rows = list(t)
    assert len(rows) == 3 and all(isinstance(r, Tensor) for r in rows)
    np.testing.assert_array_equal(rows[2].numpy(), [4, 5])
    assert len(constant(np.zeros((0, 2), np.float32))) == 0
    assert list(constant(np.zeros((0, 2), np.float32))) == []
    with pytest.raises(TypeError, match=r"len\(\) of a scalar tensor is undefined"):
        len(constant(1.0))
    with pytest.raises(TypeError, match="Cannot iterate over a scalar tensor"):
        iter(constant(1.0))


def test_unhashable_and_ref():
    t = constant(1.0)
    with pytest.raises(TypeError, match=r"unhashable.*tensor.ref\(\)"):
        hash(t)
    r = t.ref()
    assert isinstance(r, Reference)
    assert r == t.ref() and hash(r) == hash(t.ref())
    assert r != constant(1.0).ref()
    assert r.deref() is t
    assert {r: 1}[t.experimental_ref()] == 1


# -- pytree -------------------------------------------------------------------------


def test_pytree_through_jit_and_grad():
    t = f32([1.0, 2.0, 3.0])
    leaves, tree = jax.tree_util.tree_flatten(t)
    assert len(leaves) == 1 and leaves[0] is t.value
    assert isinstance(jax.tree_util.tree_unflatten(tree, leaves), Tensor)

    out = jax.jit(lambda x: x * 2.0 + 1.0)(t)
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(out.numpy(), [3.0, 5.0, 7.0])

    g = jax.grad(lambda x: (x * x).value.sum())(t)
    assert isinstance(g, Tensor)
    np.testing.assert_allclose(g.numpy(), [2.0, 4.0, 6.0])

    # nested containers of Tensors
    outs = jax.jit(lambda d: {"s": d["a"] + d["b"], "p": [d["a"] * d["b"]]})({"a": t, "b": f32([1.0, 1.0, 1.0])})
    np.testing.assert_allclose(outs["s"].numpy(), [2.0, 3.0, 4.0])
    np.testing.assert_allclose(outs["p"][0].numpy(), [1.0, 2.0, 3.0])


# -- operators ----------------------------------------------------------------------

ARITH = [
    (operator.add, np.add),
    (operator.sub, np.subtract),
    (operator.mul, np.multiply),
    (operator.truediv, np.true_divide),
    (operator.pow, np.power),
]


@pytest.mark.parametrize("py_op,np_op", ARITH, ids=lambda f: getattr(f, "__name__", ""))
def test_float_arithmetic_broadcasts_like_numpy(py_op, np_op):
    a = np.abs(F) if py_op is operator.pow else F
    out = py_op(constant(a), constant(G))
    assert isinstance(out, Tensor) and out.dtype is dtypes.float32
    np.testing.assert_allclose(out.numpy(), np_op(a, G), rtol=1e-6)
    # reflected: NumPy array on the left gives a Tensor, not an ndarray
    left = py_op(G, constant(a))
    assert isinstance(left, Tensor) and left.dtype is dtypes.float32
    np.testing.assert_allclose(left.numpy(), np_op(G, a), rtol=1e-6)


INT_OPS = [
    (operator.add, np.add),
    (operator.sub, np.subtract),
    (operator.mul, np.multiply),
    (operator.floordiv, np.floor_divide),
    (operator.mod, np.mod),
    (operator.and_, np.bitwise_and),
    (operator.or_, np.bitwise_or),
    (operator.xor, np.bitwise_xor),
]


@pytest.mark.parametrize("py_op,np_op", INT_OPS, ids=lambda f: getattr(f, "__name__", ""))
def test_integer_operators(py_op, np_op):
    out = py_op(constant(I), constant(J))
    assert out.dtype is dtypes.int32
    np.testing.assert_array_equal(out.numpy(), np_op(I, J))
    left = py_op(J, constant(I))
    assert isinstance(left, Tensor) and left.dtype is dtypes.int32
    np.testing.assert_array_equal(left.numpy(), np_op(J, I))


def test_floor_division_and_mod_follow_python_signs():
    x = constant(np.array([-7, 7, -7, 7], np.int32))
    y = constant(np.array([2, -2, -2, 2], np.int32))
    np.testing.assert_array_equal((x // y).numpy(), [-4, -4, 3, 3])
    np.testing.assert_array_equal((x % y).numpy(), [1, -1, -1, 1])
    xf = constant(np.array([-7.5, 7.5], np.float32))
    np.testing.assert_allclose((xf // 2.0).numpy(), [-4.0, 3.0])
    np.testing.assert_allclose((xf % 2.0).numpy(), [0.5, 1.5])


def test_int_true_division_gives_float():
    out = constant(np.array([1, 3], np.int32)) / constant(np.array([2, 2], np.int32))
    assert out.dtype.is_floating
    np.testing.assert_allclose(out.numpy(), [0.5, 1.5])


def test_shifts_and_invert():
    x = constant(np.array([1, 4, -8], np.int32))
    np.testing.assert_array_equal((x << 2).numpy(), [4, 16, -32])
    np.testing.assert_array_equal((x >> 1).numpy(), [0, 2, -4])
    np.testing.assert_array_equal((1 << constant(np.array([0, 3], np.int32))).numpy(), [1, 8])
    np.testing.assert_array_equal((~x).numpy(), ~np.array([1, 4, -8], np.int32))
    assert (~x).dtype is dtypes.int32


def test_bool_logic_operators():
    a = constant([True, True, False, False])
    b = constant([True, False, True, False])
    np.testing.assert_array_equal((a & b).numpy(), [True, False, False, False])
    np.testing.assert_array_equal((a | b).numpy(), [True, True, True, False])
    np.testing.assert_array_equal((a ^ b).numpy(), [False, True, True, False])
    np.testing.assert_array_equal((~a).numpy(), [False, False, True, True])
    np.testing.assert_array_equal((a & True).numpy(), [True, True, False, False])
    assert (a & b).dtype is dtypes.bool


def test_bitwise_on_floats_is_a_type_error():
    with pytest.raises(TypeError, match=r"bitwise_and: argument `x` must be an integer or bool tensor"):
        constant([1.0]) & constant([2.0])
    with pytest.raises(TypeError, match=r"invert: argument `x` must be an integer or bool tensor"):
        ~constant([1.0])


def test_unary_operators():
    t = constant(F)
    np.testing.assert_array_equal((-t).numpy(), -F)
    assert (+t) is t
    np.testing.assert_array_equal(abs(t).numpy(), np.abs(F))
    np.testing.assert_array_equal(abs(constant(I)).numpy(), np.abs(I))
    assert abs(constant(I)).dtype is dtypes.int32


def test_matmul_operator():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(12, dtype=np.float32).reshape(3, 4)
    np.testing.assert_allclose((constant(a) @ constant(b)).numpy(), a @ b)
    left = a @ constant(b)
    assert isinstance(left, Tensor)
    np.testing.assert_allclose(left.numpy(), a @ b)
    with pytest.raises(errors.InvalidArgumentError, match=r"matmul: the inner dimensions"):
        constant(a) @ constant(a)


COMPARE = [
    (operator.lt, np.less),
    (operator.le, np.less_equal),
    (operator.gt, np.greater),
    (operator.ge, np.greater_equal),
    (operator.eq, np.equal),
    (operator.ne, np.not_equal),
]


@pytest.mark.parametrize("py_op,np_op", COMPARE, ids=lambda f: getattr(f, "__name__", ""))
def test_comparisons(py_op, np_op):
    g = np.array([1.5, 4.0, -1.0], np.float32)
    out = py_op(constant(F), constant(g))
    assert out.dtype is dtypes.bool
    np.testing.assert_array_equal(out.numpy(), np_op(F, g))
    left = py_op(g, constant(F))  # NumPy on the left reflects (lt <-> gt)
    assert isinstance(left, Tensor)
    np.testing.assert_array_equal(left.numpy(), np_op(g, F))
    np.testing.assert_array_equal(py_op(constant(F), 1.5).numpy(), np_op(F, 1.5))
    np.testing.assert_array_equal(py_op(1.5, constant(F)).numpy(), np_op(1.5, F))


def test_equality_with_none_and_incompatible_shapes():
    t = constant([1.0, 2.0])
    assert (t == None) is False  # noqa: E711
    assert (t != None) is True  # noqa: E711
    assert (t == constant([1.0, 2.0, 3.0])) is False
    assert (t != constant([1.0, 2.0, 3.0])) is True
    np.testing.assert_array_equal((t == [1.0, 5.0]).numpy(), [True, False])


def test_equality_dtype_mismatch_raises_like_tf():
    with pytest.raises(errors.InvalidArgumentError, match=r"equal: arguments `x` and `y` must have the same dtype"):
        constant([1.0]) == constant([1])


def test_python_scalar_promotion():
    # a Python float does not upcast float32 or float16
    assert (constant([1.0]) * 2.5).dtype is dtypes.float32
    h = constant([1.0, 2.0], dtypes.float16)
    assert (h * 2.5).dtype is dtypes.float16
    assert (2.5 * h).dtype is dtypes.float16
    assert (h + 1).dtype is dtypes.float16
    # int32 + 1 stays int32; an integral float converts, as in TF
    assert (constant([1]) + 1).dtype is dtypes.int32
    out = constant([1]) + 1.0
    assert out.dtype is dtypes.int32 and out.numpy().tolist() == [2]
    # NumPy scalars adopt the tensor's dtype too
    assert (h + np.float64(1.0)).dtype is dtypes.float16
    assert (constant([1.0]) + np.float32(1.0)).dtype is dtypes.float32


def test_python_scalar_that_does_not_fit_is_an_error():
    with pytest.raises(TypeError, match=r"add: argument `y` cannot be converted to dtype int32 without losing information"):
        constant([1]) + 1.5
    with pytest.raises(TypeError, match=r"multiply: argument `x` cannot be converted to dtype int32"):
        0.5 * constant([1])  # reflected: multiply(0.5, t)
    with pytest.raises(ValueError, match=r"add: argument `y` does not fit in int8"):
        constant([1], dtypes.int8) + 300
    with pytest.raises(TypeError, match="cannot be converted to dtype float32"):
        constant([1.0]) + 1j


def test_numpy_operand_adopts_tensor_dtype():
    h = constant([1.0, 2.0], dtypes.float16)
    out = np.array([1.0, 2.0], np.float32) + h
    assert isinstance(out, Tensor) and out.dtype is dtypes.float16
    with pytest.raises(TypeError, match=r"cannot be converted to dtype int32"):
        constant([1]) + np.array([1.5], np.float32)


def test_broadcast_error_names_shapes():
    with pytest.raises(errors.InvalidArgumentError, match=r"add: arguments `x` and `y` must have broadcast-compatible shapes. Received: x.shape=\(2,\), y.shape=\(3,\)"):
        constant([1.0, 2.0]) + constant([1.0, 2.0, 3.0])


def test_dtype_mismatch_between_tensors():
    with pytest.raises(errors.InvalidArgumentError, match=r"add: arguments `x` and `y` must have the same dtype. Received: x.dtype=float32, y.dtype=int32"):
        constant([1.0]) + constant([1])


def test_operators_on_empty_and_scalar_tensors():
    e = constant(np.zeros((0, 3), np.float32))
    assert (e + constant(G)).shape == [0, 3]
    assert (e * 2.0).shape == [0, 3]
    s = constant(2.0) * constant(3.0)
    assert s.shape == [] and float(s) == 6.0


def test_operators_inside_jit():
    def fn(a, b):
        return [a + b, a - b, a * b, a / b, a ** 2.0, -a, abs(a), a[None, :] @ b[:, None], a < b, a == b]

    a, b = f32([1.0, -2.0, 3.0]), f32([2.0, 2.0, 2.0])
    outs = jax.jit(fn)(a, b)
    expected = fn(a, b)
    for o, e in zip(outs, expected):
        assert isinstance(o, Tensor) and o.dtype == e.dtype
        np.testing.assert_allclose(o.numpy(), e.numpy())


def test_variable_gets_the_same_operators():
    v = Variable(np.array([1.0, 2.0], np.float32))
    assert isinstance(v + 1.0, Tensor)
    np.testing.assert_array_equal((2.0 * v).numpy(), [2.0, 4.0])
    np.testing.assert_array_equal((np.ones(2, np.float32) - v).numpy(), [0.0, -1.0])
    np.testing.assert_array_equal((v > 1.5).numpy(), [False, True])
    np.testing.assert_array_equal((-v).numpy(), [-1.0, -2.0])
