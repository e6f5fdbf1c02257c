"""tensor[key] follows NumPy's indexing rules, with IndexError instead of JAX's clamp."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401 - installs the operators
from xlaflow._core import dtypes, errors
from xlaflow.ops import dispatch
from xlaflow.ops.convert import constant
from xlaflow.ops.indexing import split_key, strided_slice
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)

KEYS = [
    0,
    -1,
    (1, 2),
    (1, -3, 3),
    slice(None),
    slice(1, None),
    slice(None, None, -1),
    (slice(None), slice(None, None, -2)),
    (slice(None), slice(2, 0, -1), slice(None, None, 3)),
    (slice(-5, 10),),  # out-of-range slice bounds clip, as in NumPy
    Ellipsis,
    (Ellipsis, 1),
    (0, Ellipsis, 1),
    (Ellipsis, slice(1, 3)),
    None,
    (None, 0),
    (slice(None), None, 1),
    (Ellipsis, None),
    (0, None, Ellipsis, None),
    [1, 0],
    ([1, 0, 1],),
    (slice(None), [2, 0]),
    (slice(None), [[0, 1], [2, 2]]),
    (slice(None), [0, -1]),  # negative index arrays count from the end
    ([0, 1], [1, 2]),  # two advanced indices broadcast
    ([0, 1], slice(None), [3, 0]),
    np.array([True, False]),
    (slice(None), np.array([False, True, True])),
    np.array([[True, False, True], [False, False, True]]),
    (1, slice(None), np.array([True, False, False, True])),
    [],
]


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_indexing_matches_numpy(key):
    out = constant(X)[key]
    expected = X[key]
    assert isinstance(out, Tensor)
    assert out.dtype is dtypes.float32
    assert out.shape.as_list() == list(expected.shape)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_index_tensors():
    t = constant(X)
    np.testing.assert_array_equal(t[constant(1)].numpy(), X[1])
    np.testing.assert_array_equal(t[constant(np.array([1, 0], np.int32))].numpy(), X[[1, 0]])
    np.testing.assert_array_equal(t[:, constant(np.array([True, False, True]))].numpy(), X[:, [True, False, True]])
    np.testing.assert_array_equal(t[t > 20.0].numpy(), X[X > 20.0])  # a bool tensor as a mask
    np.testing.assert_array_equal(t[constant(1):].numpy(), X[1:])  # tensor slice bounds
    np.testing.assert_array_equal(t[np.int32(1), np.int64(2)].numpy(), X[1, 2])


def test_scalar_and_empty_tensors():
    s = constant(5.0)
    assert s[...].shape == [] and float(s[...]) == 5.0
    assert s[None].shape == [1]
    e = constant(np.zeros((0, 3), np.float32))
    assert e[:, 1].shape == [0]
    assert e[1:].shape == [0, 3]
    with pytest.raises(errors.IndexOutOfRangeError, match="out of bounds for axis 0 with size 0"):
        e[0]


@pytest.mark.parametrize("key,axis,size", [(2, 0, 2), (-3, 0, 2), ((0, 3), 1, 3), ((0, 0, -5), 2, 4), ((Ellipsis, 4), 2, 4)])
def test_out_of_range_int_index_raises(key, axis, size):
    with pytest.raises(errors.IndexOutOfRangeError, match=rf"strided_slice: index -?\d+ is out of bounds for axis {axis} with size {size}"):
        constant(X)[key]


def test_out_of_range_error_is_an_index_error():
    with pytest.raises(IndexError):
        constant(X)[5]
    # so Python's iteration protocol on a class without __iter__ would stop; ours iterates rows
    assert len(list(constant(X))) == 2


def test_out_of_range_index_array_raises():
    with pytest.raises(errors.IndexOutOfRangeError, match=r"strided_slice: index 2 is out of bounds for axis 0 with size 2"):
        constant(X)[[0, 2]]
    with pytest.raises(errors.IndexOutOfRangeError, match=r"index -4 is out of bounds for axis 1 with size 3"):
        constant(X)[:, [-4]]
    with pytest.raises(errors.IndexOutOfRangeError, match=r"index 4 is out of bounds for axis 2"):
        constant(X)[..., constant(np.array([[0], [4]], np.int32))]


def test_bad_keys():
    t = constant(X)
    with pytest.raises(errors.IndexOutOfRangeError, match=r"too many indices for a tensor of rank 3. Received: 4 indices"):
        t[0, 0, 0, 0]
    with pytest.raises(errors.InvalidArgumentError, match=r"an index can only have a single ellipsis"):
        t[..., ...]
    with pytest.raises(errors.InvalidArgumentError, match="slice step cannot be zero"):
        t[::0]
    with pytest.raises(TypeError, match=r"an index must be an int, slice, None, Ellipsis or an integer/bool tensor. Received: 1.0"):
        t[1.0]
    with pytest.raises(TypeError, match=r"index tensors must be integer or bool. Received: dtype=float32"):
        t[constant(np.array([1.0], np.float32))]
    with pytest.raises(TypeError, match=r"slice bounds must be ints or None. Received: 1.5"):
        t[1.5:]
    with pytest.raises(TypeError, match=r"an index must be"):
        t["a"]


def test_variable_indexing():
    v = Variable(np.array([1.0, 2.0, 3.0], np.float32))
    np.testing.assert_array_equal(v[1:].numpy(), [2.0, 3.0])
    assert float(v[-1]) == 3.0
    with pytest.raises(errors.IndexOutOfRangeError):
        v[3]


def test_indexing_under_jit():
    t = constant(X)
    out = jax.jit(lambda a: a[1, ::-1, None, 2:])(t)
    np.testing.assert_array_equal(out.numpy(), X[1, ::-1, None, 2:])
    # traced integer index arrays and scalars
    idx = constant(np.array([2, 0], np.int32))
    np.testing.assert_array_equal(jax.jit(lambda a, i: a[:, i])(t, idx).numpy(), X[:, [2, 0]])
    np.testing.assert_array_equal(jax.jit(lambda a, i: a[i])(t, constant(1)).numpy(), X[1])
    # static int indices are still range-checked while tracing
    with pytest.raises(errors.IndexOutOfRangeError, match="out of bounds"):
        jax.jit(lambda a: a[2])(t)


def test_traced_bool_mask_is_a_clear_error():
    with pytest.raises(TypeError, match=r"boolean mask index needs concrete values.*xlaflow.where"):
        jax.jit(lambda a, m: a[m])(constant(X), constant([True, False]))


def test_traced_slice_bound_is_a_clear_error():
    with pytest.raises(TypeError, match=r"must be known when the op is traced"):
        jax.jit(lambda a, i: a[i:])(constant(X), constant(1))


def test_gradient_through_indexing():
    t = constant(np.arange(4, dtype=np.float32))
    g = jax.grad(lambda a: (a[1:3] * a[1:3]).value.sum() + a[[0, 0]].value.sum())(t)
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0, 4.0, 0.0])


def test_recorded_as_one_strided_slice_op():
    class Recorder:
        calls: list = []

        def record(self, op, inputs, arrays, statics, outputs):
            self.calls.append((op.name, statics["template"], len(arrays["arrays"])))

    r = Recorder()
    dispatch.push_recorder(r)
    try:
        constant(X)[0, ..., [1, 2], None]
    finally:
        dispatch.pop_recorder(r)
    assert r.calls == [("StridedSlice", (("i", 0), ("e",), ("a", 0), ("n",)), 1)]


def test_split_key_and_strided_slice_directly():
    template, arrays = split_key((slice(1, None, 2), None, 0))
    assert template == (("s", 1, None, 2), ("n",), ("i", 0))
    assert arrays == []
    out = strided_slice(jnp.asarray(X), [], template=template)
    np.testing.assert_array_equal(out.numpy(), X[1::2, None, 0])
