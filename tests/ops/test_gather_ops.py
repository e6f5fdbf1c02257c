"""Index and mask ops against NumPy: gather, gather_nd, where, boolean_mask, one_hot,
reverse, tensor_scatter_nd_update/add."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401
from xlaflow._core import dtypes, errors
from xlaflow.ops import gather_ops as G
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

P = np.arange(12, dtype=np.float32).reshape(3, 4)
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


def i32(x):
    return np.asarray(x, np.int32)


def check(out, expected, dtype=None):
    assert isinstance(out, Tensor)
    expected = np.asarray(expected)
    assert out.shape.as_list() == list(expected.shape)
    if dtype is not None:
        assert out.dtype is dtype
    np.testing.assert_array_equal(out.numpy(), expected)


# -- gather -------------------------------------------------------------------------


def test_gather():
    check(G.gather(constant(P), [2, 0]), P[[2, 0]], dtypes.float32)
    check(G.gather(constant(P), [[3, 0]], axis=-1), np.take(P, [[3, 0]], axis=-1))
    check(G.gather(constant(P), 1), P[1])
    check(G.gather(constant(P), constant(i32([1, 1])), axis=1), P[:, [1, 1]])
    check(G.gather(constant(P), np.zeros((0,), np.int32)), np.zeros((0, 4)))
    check(G.gather(Variable(P), [0]), P[[0]])
    check(G.gather(constant([True, False]), [1, 0]), [False, True], dtypes.bool)


def test_gather_batch_dims():
    idx = i32([[0, 1], [1, 2], [3, 3]])
    check(G.gather(constant(P), idx, batch_dims=1), np.take_along_axis(P, idx, axis=1))
    idx3 = i32([[0, 2], [1, 1]])
    expected = np.stack([X[b][:, idx3[b]] for b in range(2)])  # axis=2, batch_dims=1
    check(G.gather(constant(X), idx3, axis=2, batch_dims=1), expected)
    check(G.gather(constant(P), idx, batch_dims=-1), np.take_along_axis(P, idx, axis=1))


def test_gather_errors():
    with pytest.raises(errors.IndexOutOfRangeError, match=r"gather: indices\[1\] = 3 is not in \[0, 3\)"):
        G.gather(constant(P), [0, 3])
    with pytest.raises(errors.IndexOutOfRangeError, match=r"gather: indices\[0\] = -1 is not in \[0, 3\)"):
        G.gather(constant(P), [-1])
    with pytest.raises(TypeError, match=r"gather: argument `indices` must be an integer tensor. Received: dtype=float32"):
        G.gather(constant(P), constant([1.0]))
    with pytest.raises(errors.InvalidArgumentError, match=r"gather: argument `axis` must be in \[-2, 2\)"):
        G.gather(constant(P), [0], axis=2)


def test_gather_under_jit():
    f = jax.jit(lambda p, i: G.gather(p, i, axis=1))
    check(f(constant(P), constant(i32([3, 0]))), P[:, [3, 0]])
    # out-of-range traced indices cannot be checked: they fill with zeros (no silent clamp)
    check(f(constant(P), constant(i32([4]))), np.zeros((3, 1)))


# -- gather_nd ----------------------------------------------------------------------


def test_gather_nd():
    check(G.gather_nd(constant(P), [[0, 1], [2, 3]]), [P[0, 1], P[2, 3]])
    check(G.gather_nd(constant(P), [[1], [0]]), P[[1, 0]])
    check(G.gather_nd(constant(X), [[[1, 2]], [[0, 0]]]), np.stack([X[1, 2], X[0, 0]])[:, None])
    check(G.gather_nd(constant(P), i32([1, 2])), P[1, 2])
    check(G.gather_nd(constant(P), np.zeros((0, 2), np.int32)), np.zeros((0,)))
    check(G.gather_nd(constant(P), i32([[1], [2], [3]]), batch_dims=1), [P[0, 1], P[1, 2], P[2, 3]])
    check(jax.jit(lambda p, i: G.gather_nd(p, i))(constant(P), constant(i32([[2, 1]]))), [P[2, 1]])


def test_gather_nd_errors():
    with pytest.raises(errors.IndexOutOfRangeError, match=r"gather_nd: indices\[0\] = 4 is not in \[0, 4\)"):
        G.gather_nd(constant(P), [[0, 4]])
    with pytest.raises(errors.InvalidArgumentError, match=r"gather_nd: indices.shape\[-1\] \(3\) must be <= the rank of `params` \(2\)"):
        G.gather_nd(constant(P), [[0, 0, 0]])
    with pytest.raises(TypeError, match="gather_nd: argument `indices` must be an integer tensor"):
        G.gather_nd(constant(P), [[0.0, 1.0]])


# -- where / boolean_mask -------------------------------------------------------------


def test_where_three_args():
    cond = np.array([[True, False, True, False]])
    check(G.where(constant(cond), constant(P), 0.0), np.where(cond, P, 0.0), dtypes.float32)
    check(G.where(cond, P, -P), np.where(cond, P, -P))
    check(G.where(constant(True), constant([1, 2]), constant([3, 4])), [1, 2], dtypes.int32)
    h = constant([1.0, 2.0], dtypes.float16)
    assert G.where(constant([True, False]), h, 0.5).dtype is dtypes.float16
    check(G.where(constant(np.zeros((0,), bool)), constant(np.zeros((0,), np.float32)), 1.0), np.zeros((0,)))
    out = jax.jit(lambda c, a: G.where(c, a, a * 10.0))(constant(cond), constant(P))
    check(out, np.where(cond, P, P * 10.0))


def test_where_one_arg():
    cond = np.array([[True, False], [False, True], [True, True]])
    out = G.where(constant(cond))
    check(out, np.argwhere(cond), dtypes.int32)  # int64 in TF; int32 while x64 is off, without a warning
    check(G.where(constant([False, False])), np.zeros((0, 1), np.int32))
    check(G.where(constant(True)), np.zeros((1, 0), np.int32))


def test_where_errors():
    with pytest.raises(TypeError, match=r"where: argument `condition` must be a bool tensor. Received: dtype=int32"):
        G.where(constant([1, 0]), 1.0, 2.0)
    with pytest.raises(ValueError, match=r"where: arguments `x` and `y` must be given together"):
        G.where(constant([True]), constant([1.0]))
    with pytest.raises(errors.InvalidArgumentError, match=r"where: `condition`, `x` and `y` must broadcast together. Received: shapes \(2,\), \(3,\), \(\)"):
        G.where(constant([True, False]), constant([1.0, 2.0, 3.0]), 0.0)
    with pytest.raises(errors.InvalidArgumentError, match=r"where: arguments `x` and `y` must have the same dtype. Received: x.dtype=float32, y.dtype=int32"):
        G.where(constant([True]), constant([1.0]), constant([1]))
    with pytest.raises(TypeError, match=r"where: with only `condition`, the result size depends on its values"):
        jax.jit(lambda c: G.where(c))(constant([True, False]))


def test_boolean_mask():
    check(G.boolean_mask(constant(P), [True, False, True]), P[[True, False, True]])
    check(G.boolean_mask(constant(P), constant(P > 5.0)), P[P > 5.0])
    check(G.boolean_mask(constant(P), [True, False, True, False], axis=1), P[:, [True, False, True, False]])
    check(G.boolean_mask(constant(X), np.ones((3, 4), bool), axis=-2), X.reshape(2, 12))
    check(G.boolean_mask(constant(P), [False, False, False]), np.zeros((0, 4)))


def test_boolean_mask_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"boolean_mask: argument `mask` must have the shape of tensor.shape\[0:1\] \(\[3\]\). Received: mask.shape=\[2\]"):
        G.boolean_mask(constant(P), [True, False])
    with pytest.raises(TypeError, match=r"boolean_mask: argument `mask` must be a bool tensor"):
        G.boolean_mask(constant(P), [1, 0, 1])
    with pytest.raises(TypeError, match=r"boolean_mask: the result size depends on the mask's values"):
        jax.jit(lambda t, m: G.boolean_mask(t, m))(constant(P), constant([True, False, True]))


# -- one_hot / reverse --------------------------------------------------------------


def test_one_hot():
    idx = [0, 2, 5, -1]
    expected = np.array([[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]], np.float32)  # out of range: zeros row
    check(G.one_hot(idx, 3), expected, dtypes.float32)
    check(G.one_hot([0, 2], 3, on_value=5.0, off_value=-1.0), [[5, -1, -1], [-1, -1, 5]], dtypes.float32)
    check(G.one_hot([0, 2], 3, axis=0), [[1, 0], [0, 0], [0, 1]])
    check(G.one_hot([[0], [1]], 2, axis=1), np.array([[[1], [0]], [[0], [1]]], np.float32))
    check(G.one_hot([0, 2], 3, dtype=dtypes.int32), [[1, 0, 0], [0, 0, 1]], dtypes.int32)
    check(G.one_hot(1, 3), [0, 1, 0])
    check(G.one_hot(np.zeros((0,), np.int32), 3), np.zeros((0, 3)))
    check(G.one_hot([0, 1], constant(2)), [[1, 0], [0, 1]])
    check(jax.jit(lambda i: G.one_hot(i, 4, on_value=2.0))(constant(i32([3, 9]))), [[0, 0, 0, 2], [0, 0, 0, 0]])


def test_one_hot_dtype_follows_on_off_values():
    # TF: dtype, else the dtype of on_value/off_value, else float32
    assert G.one_hot([0], 2, on_value=5, off_value=0).dtype is dtypes.int32
    assert G.one_hot([0], 2, on_value=True, off_value=False).dtype is dtypes.bool
    assert G.one_hot([0], 2, off_value=constant(0.0, dtypes.float16)).dtype is dtypes.float16
    assert G.one_hot([0], 2, on_value=constant(1, dtypes.int8), off_value=-1).dtype is dtypes.int8
    out = G.one_hot([1], 2, on_value=3, off_value=1, dtype=dtypes.float32)
    check(out, [[1.0, 3.0]], dtypes.float32)


def test_one_hot_errors():
    with pytest.raises(TypeError, match=r"one_hot: argument `indices` must be an integer tensor. Received: dtype=float32"):
        G.one_hot([0.0, 1.0], 3)
    with pytest.raises(ValueError, match=r"one_hot: argument `depth` must be a non-negative int. Received: -1"):
        G.one_hot([0], -1)
    with pytest.raises(errors.InvalidArgumentError, match=r"one_hot: argument `axis` must be in \[-2, 2\)"):
        G.one_hot([0], 3, axis=2)
    with pytest.raises(ValueError, match=r"one_hot: argument `on_value` must be a scalar"):
        G.one_hot([0], 3, on_value=[1.0, 2.0])
    with pytest.raises(errors.InvalidArgumentError, match=r"arguments `on_value` and `off_value` must have the same dtype"):
        G.one_hot([0], 3, on_value=constant(1.0), off_value=constant(0))


def test_reverse():
    check(G.reverse(constant(P), [-1]), P[:, ::-1])
    check(G.reverse(constant(P), [0, 1]), P[::-1, ::-1])
    check(G.reverse(constant(X), 1), X[:, ::-1])
    check(G.reverse(constant(P), []), P)
    check(G.reverse(constant(np.zeros((0, 2), np.float32)), [0]), np.zeros((0, 2)))
    check(jax.jit(lambda t: G.reverse(t, [0]))(constant(P)), P[::-1])
    with pytest.raises(errors.InvalidArgumentError, match=r"reverse: argument `axis` must be in \[-2, 2\) for a tensor of rank 2. Received: axis=2"):
        G.reverse(constant(P), [2])


# -- scatter ------------------------------------------------------------------------


def test_tensor_scatter_nd_update_and_add():
    expected = P.copy()
    expected[0, 0], expected[2, 3] = 100.0, 200.0
    check(G.tensor_scatter_nd_update(constant(P), [[0, 0], [2, 3]], [100.0, 200.0]), expected, dtypes.float32)
    rows = P.copy()
    rows[1] = 9.0
    check(G.tensor_scatter_nd_update(constant(P), [[1]], [[9.0, 9.0, 9.0, 9.0]]), rows)
    added = P.copy()
    added[0, 0] += 2.0  # duplicate indices accumulate
    added[1, 2] += 1.0
    check(G.tensor_scatter_nd_add(constant(P), [[0, 0], [0, 0], [1, 2]], [1.0, 1.0, 1.0]), added)
    check(G.tensor_scatter_nd_add(constant([1, 2, 3]), [[2]], [10]), [1, 2, 13], dtypes.int32)
    check(G.tensor_scatter_nd_update(constant(P), np.zeros((0, 2), np.int32), np.zeros((0,), np.float32)), P)
    out = jax.jit(lambda t, i, u: G.tensor_scatter_nd_add(t, i, u))(constant(P), constant(i32([[1, 1]])), constant(np.ones(1, np.float32)))
    expected_jit = P.copy()
    expected_jit[1, 1] += 1.0
    check(out, expected_jit)
    out = jax.jit(lambda t, i, u: G.tensor_scatter_nd_update(t, i, u))(constant(P), constant(i32([[1, 1]])), constant(np.zeros(1, np.float32)))
    expected_jit[1, 1] = 0.0
    check(out, expected_jit)


def test_scatter_errors():
    with pytest.raises(errors.IndexOutOfRangeError, match=r"tensor_scatter_nd_update: indices\[0\] = 3 is not in \[0, 3\)"):
        G.tensor_scatter_nd_update(constant(P), [[3, 0]], [1.0])
    with pytest.raises(errors.IndexOutOfRangeError, match=r"tensor_scatter_nd_add: indices\[0\] = -1 is not in \[0, 4\)"):
        G.tensor_scatter_nd_add(constant(P), [[0, -1]], [1.0])
    with pytest.raises(errors.InvalidArgumentError, match=r"tensor_scatter_nd_update: arguments `tensor` and `updates` must have the same dtype"):
        G.tensor_scatter_nd_update(constant(P), [[0, 0]], constant([1]))
    with pytest.raises(errors.InvalidArgumentError, match=r"tensor_scatter_nd_update: argument `updates` must have shape indices.shape\[:-1\] \+ tensor.shape\[2:\] = \[1\]. Received: updates.shape=\[2\]"):
        G.tensor_scatter_nd_update(constant(P), [[0, 0]], [1.0, 2.0])
    with pytest.raises(TypeError, match=r"tensor_scatter_nd_update: argument `indices` must be an integer tensor"):
        G.tensor_scatter_nd_update(constant(P), [[0.0, 0.0]], [1.0])


def test_embedding_lookup_rows_shards_and_max_norm():
    table = np.arange(12, dtype=np.float32).reshape(6, 2)
    np.testing.assert_array_equal(G.embedding_lookup(table, [0, 5, 3]).numpy(), table[[0, 5, 3]])
    # "mod" sharding: id i is row i // 2 of shard i % 2
    shards = [table[0::2], table[1::2]]
    np.testing.assert_array_equal(G.embedding_lookup(shards, [[0, 5], [3, 2]]).numpy(), table[[[0, 5], [3, 2]]])
    row = table[5]
    np.testing.assert_allclose(G.embedding_lookup(table, [5], max_norm=1.0).numpy()[0], row / np.linalg.norm(row), rtol=1e-6)
    with pytest.raises(errors.IndexOutOfRangeError, match=r"gather: indices\[0\] = 6 is not in \[0, 6\)"):
        G.embedding_lookup(table, [6])
    with pytest.raises(ValueError, match=r"embedding_lookup: shards in `params` must have equal numbers of rows"):
        G.embedding_lookup([table[:3], table[3:5]], [0])
