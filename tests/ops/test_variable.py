"""Variable: a named, mutable state cell usable wherever a tensor is."""

from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401
from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.ops import array_ops, binary_ops
from xlaflow.ops.convert import constant, convert_to_tensor
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable, is_variable

_ids = itertools.count()


def fresh(base: str) -> str:
    """A base name no other test uses (the name counters are process-wide)."""
    return f"{base}_t{next(_ids)}x"


def f32(x):
    return np.asarray(x, np.float32)


# -- creation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "init,dtype,shape",
    [
        (1.0, dtypes.float32, []),
        (3, dtypes.int32, []),
        ([True, False], dtypes.bool, [2]),
        (f32([[1, 2]]), dtypes.float32, [1, 2]),
        (np.zeros((2,), np.int8), dtypes.int8, [2]),
        (jnp.ones(3, jnp.float16), dtypes.float16, [3]),
    ],
)
def test_initial_values(init, dtype, shape):
    v = Variable(init)
    assert v.dtype is dtype
    assert v.shape == shape and isinstance(v.shape, TensorShape)
    np.testing.assert_array_equal(v.numpy(), np.asarray(init))
    assert is_variable(v) and not is_variable(constant(1.0))


def test_initial_value_from_tensor_and_callable():
    t = constant(f32([1, 2]))
    v = Variable(t)
    np.testing.assert_array_equal(v.numpy(), [1, 2])
    calls = []

    def init():
        calls.append(1)
        return constant(f32([[0, 1], [2, 3]]))

    w = Variable(init)
    assert calls == [1]
    assert w.shape == [2, 2]
    assert isinstance(w.initial_value, Tensor)
    np.testing.assert_array_equal(w.initial_value.numpy(), [[0, 1], [2, 3]])
    assert Variable(lambda: 5).dtype is dtypes.int32


def test_dtype_argument():
    assert Variable([1, 2], dtype=dtypes.float32).dtype is dtypes.float32
    assert Variable(0, dtype="float16").dtype is dtypes.float16
    with pytest.raises(TypeError, match=r"Variable: argument `initial_value` cannot be converted to dtype int32"):
        Variable(1.5, dtype=dtypes.int32)
    with pytest.raises(TypeError, match=r"Variable: argument `initial_value` must have dtype float32. Received: a tensor of dtype int32"):
        Variable(constant([1]), dtype=dtypes.float32)


def test_creation_errors():
    with pytest.raises(ValueError, match=r"Variable: argument `initial_value` must be given. Received: None"):
        Variable()
    with pytest.raises(TypeError, match=r"Variable: argument `name` must be a str. Received: 3"):
        Variable(1.0, name=3)
    with pytest.raises(ValueError, match=r"Variable: argument `constraint` must be callable"):
        Variable(1.0, constraint=3)
    with pytest.raises(ValueError, match=r"must have shape compatible with \(3,\). Received: shape \(2,\)"):
        Variable(f32([1, 2]), shape=[3])
    with pytest.raises(TypeError, match="must be a tensor, array, number"):
        Variable("abc")


def test_trainable_and_constraint():
    assert Variable(1.0).trainable is True
    assert Variable(1.0, trainable=False).trainable is False
    c = lambda x: x  # noqa: E731
    assert Variable(1.0, constraint=c).constraint is c
    assert Variable(1.0).constraint is None


def test_unique_names():
    base = fresh("w")
    a, b, c = Variable(1.0, name=base), Variable(1.0, name=base), Variable(1.0, name=base)
    assert (a.name, b.name, c.name) == (f"{base}:0", f"{base}_1:0", f"{base}_2:0")
    assert Variable(1.0, name=f"{base}:0").name == f"{base}_3:0"  # a ':0' suffix is the same base
    other = fresh("v")
    assert Variable(1.0, name=other).name == f"{other}:0"
    assert Variable(1.0).name.startswith("Variable")
    assert Variable(1.0).name.endswith(":0")


def test_repr_like_tf():
    base = fresh("v")
    v = Variable(f32([1, 2]), name=base)
    assert repr(v) == f"<tf.Variable '{base}:0' shape=(2,) dtype=float32, numpy=array([1., 2.], dtype=float32)>"
    s = Variable(1.0, name=base)
    assert repr(s) == f"<tf.Variable '{base}_1:0' shape=() dtype=float32, numpy=1.0>"
    m = Variable(np.eye(2, dtype=np.int32), name=base)
    assert repr(m) == f"<tf.Variable '{base}_2:0' shape=(2, 2) dtype=int32, numpy=\narray([[1, 0],\n       [0, 1]], dtype=int32)>"
    assert str(v) == repr(v)


# -- reading ------------------------------------------------------------------------


def test_read_value_and_numpy():
    v = Variable(f32([1, 2]))
    r = v.read_value()
    assert isinstance(r, Tensor)
    np.testing.assert_array_equal(r.numpy(), [1, 2])
    np.testing.assert_array_equal(v.value().numpy(), [1, 2])
    v.assign(f32([5, 6]))
    np.testing.assert_array_equal(r.numpy(), [1, 2])  # an earlier read is a snapshot
    np.testing.assert_array_equal(v.numpy(), [5, 6])
    s = Variable(2.5)
    assert isinstance(s.numpy(), np.float32) and s.numpy() == 2.5


def test_usable_wherever_a_tensor_is():
    v = Variable(f32([1, 2]))
    np.testing.assert_array_equal(np.asarray(v), [1, 2])
    assert isinstance(jnp.asarray(v), jax.Array)
    np.testing.assert_array_equal(array_ops.reshape(v, [2, 1]).numpy(), [[1], [2]])
    np.testing.assert_array_equal(binary_ops.add(v, v).numpy(), [2, 4])
    np.testing.assert_array_equal((v * 2.0 + v).numpy(), [3, 6])
    np.testing.assert_array_equal(convert_to_tensor(v).numpy(), [1, 2])
    np.testing.assert_array_equal(np.ones(2, np.float32) + v, [2, 3])
    assert len(v) == 2 and [float(x) for x in v] == [1.0, 2.0]
    s = Variable(3.0)
    assert float(s) == 3.0 and int(s) == 3 and bool(s) is True
    assert f"{s:.1f}" == "3.0"
    assert s.ndim == 0 and s.get_shape() == []
    with pytest.raises(TypeError, match="unhashable"):
        hash(v)
    assert v.ref() == v.ref()
    assert v.device


def test_variable_read_inside_jit():
    v = Variable(f32([1, 2]))
    out = jax.jit(lambda t: t + v)(constant(f32([10, 20])))
    np.testing.assert_array_equal(out.numpy(), [11, 22])


# -- writing ------------------------------------------------------------------------


def test_assign_family():
    v = Variable(f32([1, 2]))
    assert v.assign(f32([3, 4])) is v
    np.testing.assert_array_equal(v.numpy(), [3, 4])
    v.assign([5.0, 6.0])  # Python lists convert to the variable's dtype
    v.assign_add(f32([1, 1]))
    np.testing.assert_array_equal(v.numpy(), [6, 7])
    v.assign_sub(constant(f32([2, 2])))
    np.testing.assert_array_equal(v.numpy(), [4, 5])
    v.assign(v * 2.0)
    np.testing.assert_array_equal(v.numpy(), [8, 10])
    v.assign([1, 2])  # ints to a float variable are fine
    assert v.dtype is dtypes.float32
    i = Variable(3)
    i.assign_add(2)
    assert i.numpy() == 5 and i.dtype is dtypes.int32


def test_assign_dtype_errors():
    v = Variable(f32([1, 2]), name=fresh("d"))
    with pytest.raises(TypeError, match=r"Variable.assign: argument `value` must have the variable's dtype float32 \(variable d_t\d+x:0\). Received: dtype int32. Use xlaflow.cast"):
        v.assign(constant([1, 2]))
    with pytest.raises(TypeError, match=r"Variable.assign_add: argument `delta` must have the variable's dtype float32"):
        v.assign_add(constant([1, 2]))
    with pytest.raises(TypeError, match=r"Variable.assign_add: argument `delta` cannot be converted to dtype int32"):
        Variable(1).assign_add(1.5)
    with pytest.raises(TypeError, match="must have the variable's dtype float32"):
        v.assign(Variable([1, 2]))


def test_assign_shape_errors():
    v = Variable(f32([1, 2]), name=fresh("s"))
    with pytest.raises(ValueError, match=r"Variable.assign: argument `value` must have shape \(2,\) \(variable s_t\d+x:0\). Received: shape \(3,\)"):
        v.assign(f32([1, 2, 3]))
    with pytest.raises(ValueError, match=r"Variable.assign_sub: argument `delta` must have shape \(2,\)"):
        v.assign_sub(1.0)  # no broadcasting in assignments, as in TF
    np.testing.assert_array_equal(v.numpy(), [1, 2])  # unchanged after the errors


def test_partial_shape_allows_changing_shape():
    v = Variable(f32([1, 2]), shape=[None])
    assert v.shape == [2]
    v.assign(f32([1, 2, 3]))
    assert v.shape == [3]
    np.testing.assert_array_equal(v.numpy(), [1, 2, 3])
    v.assign_add(f32([1, 1, 1]))
    np.testing.assert_array_equal(v.numpy(), [2, 3, 4])
    with pytest.raises(ValueError, match=r"Variable.assign: argument `value` must have shape \(None,\)"):
        v.assign(f32([[1]]))
    with pytest.raises(ValueError, match=r"Variable.assign_add: argument `delta` must have shape \(3,\). Received: shape \(2,\)"):
        v.assign_add(f32([1, 1]))
    u = Variable(f32([[1, 2]]), shape=TensorShape(None))
    u.assign(f32(5))
    assert u.shape == []
    w = Variable(f32([1, 2]), validate_shape=False)
    w.assign(f32([[1, 2], [3, 4]]))
    assert w.shape == [2, 2]


def test_gradients_flow_through_variable_values():
    v = Variable(f32([1, 2, 3]))
    g = jax.grad(lambda x: (x * v.read_value()).value.sum())(constant(f32([1, 1, 1])))
    np.testing.assert_array_equal(g.numpy(), [1, 2, 3])
