"""Shape and layout ops against NumPy: cast, reshape, transpose, concat, stack,
unstack, split, squeeze, expand_dims, tile, pad, broadcast_to, shape/rank/size,
identity, stop_gradient."""

from __future__ import annotations

import warnings

import jax
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401
from xlaflow._core import dtypes, errors
from xlaflow.ops import array_ops as A
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
M = np.arange(6, dtype=np.float32).reshape(2, 3)


def check(out, expected, dtype=None):
    assert isinstance(out, Tensor)
    expected = np.asarray(expected)
    assert out.shape.as_list() == list(expected.shape)
    if dtype is not None:
        assert out.dtype is dtype
    np.testing.assert_array_equal(out.numpy(), expected)


def jit(fn, *args):
    return jax.jit(fn)(*[constant(a) for a in args])


# -- check_axis ---------------------------------------------------------------------


def test_check_axis():
    assert A.check_axis("op", -1, 3) == 2
    assert A.check_axis("op", 3, 3, extra=1) == 3
    assert A.check_axis("op", np.int32(1), 2) == 1
    with pytest.raises(errors.InvalidArgumentError, match=r"op: argument `axis` must be in \[-3, 3\) for a tensor of rank 3. Received: axis=3"):
        A.check_axis("op", 3, 3)
    with pytest.raises(TypeError, match=r"op: argument `axis` must be an int. Received: 1.0"):
        A.check_axis("op", 1.0, 3)
    with pytest.raises(TypeError, match="must be an int"):
        A.check_axis("op", True, 3)
    assert A.check_axes("op", None, 2) is None
    assert A.check_axes("op", [0, -1], 3) == (0, 2)
    with pytest.raises(errors.InvalidArgumentError, match=r"op: argument `axis` must not repeat an axis. Received: \[0, -2\]"):
        A.check_axes("op", [0, -2], 2)


# -- cast ---------------------------------------------------------------------------


def test_cast():
    f = np.array([-1.7, -0.5, 0.0, 0.5, 1.7, 2.0], np.float32)
    check(A.cast(constant(f), dtypes.int32), [-1, 0, 0, 0, 1, 2], dtypes.int32)  # truncates toward zero
    check(A.cast(constant(f), "bool"), f != 0, dtypes.bool)
    check(A.cast(constant([0, 3, -2]), dtypes.float16), np.array([0, 3, -2], np.float16), dtypes.float16)
    check(A.cast(constant([True, False]), dtypes.float32), [1.0, 0.0], dtypes.float32)
    check(A.cast(constant([300]), dtypes.uint8), np.array([300], np.int32).astype(np.uint8), dtypes.uint8)
    check(A.cast(constant(2.5), dtypes.int32), 2, dtypes.int32)
    check(A.cast(constant(np.zeros((0, 2), np.float32)), dtypes.int32), np.zeros((0, 2), np.int32))
    check(A.cast(Variable([1.5]), dtypes.int32), [1])
    check(A.cast([1, 2], dtypes.float32), [1.0, 2.0], dtypes.float32)
    check(jit(lambda t: A.cast(t, dtypes.int32), f), f.astype(np.int32))


def test_cast_errors():
    with pytest.raises(TypeError, match="as_dtype"):
        A.cast(constant([1.0]), "float31")


def test_cast_to_64_bit_narrows_with_warning():
    dtypes._reset_downcast_warnings()
    with pytest.warns(dtypes.XlaflowDowncastWarning, match="float64"):
        out = A.cast(constant([1]), dtypes.float64)
    dtypes._reset_downcast_warnings()
    assert out.dtype is dtypes.float32


# -- reshape / transpose ---------------------------------------------------------------


def test_reshape():
    check(A.reshape(constant(X), [4, -1]), X.reshape(4, -1))
    check(A.reshape(constant(X), [-1]), X.reshape(-1))
    check(A.reshape(constant(X), (2, 12)), X.reshape(2, 12))
    check(A.reshape(constant(X), 24), X.reshape(24))
    check(A.reshape(constant([5.0]), []), np.float32(5.0))
    check(A.reshape(constant(5), [1, 1]), [[5]], dtypes.int32)
    check(A.reshape(constant(np.zeros((0, 3), np.float32)), [-1, 3]), np.zeros((0, 3)))
    check(A.reshape(constant(np.zeros((0, 3), np.float32)), [3, 0]), np.zeros((3, 0)))
    check(jit(lambda t: A.reshape(t, [3, 8]), X), X.reshape(3, 8))


@pytest.mark.parametrize("shape", [[5, -1], [-1, -1], [7], [2, -2], [0, -1]])
def test_reshape_errors(shape):
    with pytest.raises(errors.InvalidArgumentError, match=r"reshape: argument `shape` must"):
        A.reshape(constant(M), shape)


def test_reshape_error_message():
    with pytest.raises(errors.InvalidArgumentError, match=r"reshape: argument `shape` must hold as many elements as `tensor` \(6, shape \[2, 3\]\), with at most one -1. Received: shape=\[4\]"):
        A.reshape(constant(M), [4])


def test_transpose():
    check(A.transpose(constant(M)), M.T)
    check(A.transpose(constant(X)), X.transpose())
    check(A.transpose(constant(X), [1, 0, 2]), X.transpose(1, 0, 2))
    check(A.transpose(constant(X), perm=constant([2, 0, 1])), X.transpose(2, 0, 1))
    check(A.transpose(constant(3.0)), np.float32(3.0))
    c = np.array([[1 + 2j, 3 - 1j]], np.complex64)
    check(A.transpose(constant(c), conjugate=True), c.T.conj())
    check(jit(lambda t: A.transpose(t, [2, 1, 0]), X), X.transpose(2, 1, 0))


@pytest.mark.parametrize("perm", [[0, 0], [0], [0, 1, 2], [1, 2]])
def test_transpose_errors(perm):
    with pytest.raises(errors.InvalidArgumentError, match=r"transpose: argument `perm` must be a permutation of 0..1. Received: perm="):
        A.transpose(constant(M), perm)


# -- concat / stack / unstack / split ----------------------------------------------------


def test_concat():
    check(A.concat([constant(M), constant(M + 10)], axis=0), np.concatenate([M, M + 10], 0))
    check(A.concat([constant(M), constant(M[:, :1])], axis=-1), np.concatenate([M, M[:, :1]], -1))
    check(A.concat([constant(M)], 1), M)
    check(A.concat([constant(M), M, [[0.0, 0.0, 0.0]]], 0), np.concatenate([M, M, np.zeros((1, 3))], 0), dtypes.float32)
    check(A.concat([constant(np.zeros((0, 3), np.float32)), constant(M)], 0), M)
    check(A.concat([Variable(M), constant(M)], axis=1), np.concatenate([M, M], 1))
    check(A.concat(constant(X), axis=0), np.concatenate(list(X), 0))  # a tensor is a list of its rows
    check(jit(lambda a, b: A.concat([a, b], -1), M, M), np.concatenate([M, M], -1))


def test_concat_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"concat: every tensor in `values` must match values\[0\].shape=\[2, 3\] except on axis 0. Received: values\[1\].shape=\[2, 2\]"):
        A.concat([constant(M), constant(M[:, :2])], 0)
    with pytest.raises(errors.InvalidArgumentError, match=r"concat: argument `axis` must be in \[-2, 2\)"):
        A.concat([constant(M), constant(M)], 2)
    with pytest.raises(errors.InvalidArgumentError, match=r"rank 0"):
        A.concat([constant(1.0), constant(2.0)], 0)
    with pytest.raises(ValueError, match=r"concat: argument `values` must hold at least one tensor"):
        A.concat([], 0)
    with pytest.raises(errors.InvalidArgumentError, match=r"`values\[0\]` and `values\[1\]` must have the same dtype. Received: values\[0\].dtype=float32, values\[1\].dtype=int32"):
        A.concat([constant(M), constant([[1, 2, 3]])], 0)
    with pytest.raises(TypeError, match=r"concat: argument `values` must be a list of tensors"):
        A.concat(3.0, 0)


def test_stack_and_unstack():
    check(A.stack([constant(M), constant(M + 1)]), np.stack([M, M + 1]))
    check(A.stack([constant(M), constant(M + 1)], axis=-1), np.stack([M, M + 1], -1))
    check(A.stack([constant(1.0), 2.0, np.float32(3.0)]), [1.0, 2.0, 3.0], dtypes.float32)
    check(A.stack([[1, 2], [3, 4]], axis=1), [[1, 3], [2, 4]], dtypes.int32)
    check(A.stack([constant(np.zeros((0,), np.float32))] * 2), np.zeros((2, 0)))
    parts = A.unstack(constant(X), axis=1)
    assert isinstance(parts, list) and len(parts) == 3
    for i, p in enumerate(parts):
        check(p, X[:, i])
    parts = A.unstack(constant(X), num=2)
    check(parts[1], X[1])
    assert A.unstack(constant(np.zeros((0, 2), np.float32))) == []
    assert [float(p) for p in A.unstack(constant([1.0, 2.0]))] == [1.0, 2.0]
    out = jax.jit(lambda t: A.stack(A.unstack(t, axis=-1)[::-1], axis=-1))(constant(M))
    check(out, M[:, ::-1])


def test_stack_unstack_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"stack: every tensor in `values` must have shape \[2, 3\]. Received: values\[1\].shape=\[3\]"):
        A.stack([constant(M), constant(M[0])])
    with pytest.raises(errors.InvalidArgumentError, match=r"stack: argument `axis` must be in \[-3, 3\) for a tensor of rank 2. Received: axis=3"):
        A.stack([constant(M), constant(M)], axis=3)
    with pytest.raises(ValueError, match="stack: argument `values` must hold at least one tensor"):
        A.stack([])
    with pytest.raises(errors.InvalidArgumentError, match=r"unstack: argument `num` must equal the size of axis 0 \(2\). Received: num=3"):
        A.unstack(constant(M), num=3)
    with pytest.raises(errors.InvalidArgumentError, match=r"unstack: argument `axis` must be in \[-2, 2\)"):
        A.unstack(constant(M), axis=2)
    with pytest.raises(errors.InvalidArgumentError, match=r"rank 0"):
        A.unstack(constant(1.0))


def test_split():
    parts = A.split(constant(X), 2, axis=-1)
    assert len(parts) == 2
    for p, e in zip(parts, np.split(X, 2, axis=-1)):
        check(p, e)
    parts = A.split(constant(X), [1, -1, 1], axis=2)
    assert [p.shape.as_list() for p in parts] == [[2, 3, 1], [2, 3, 2], [2, 3, 1]]
    check(parts[1], X[:, :, 1:3])
    parts = A.split(constant(X), constant([3, 0]), axis=1)
    assert [p.shape.as_list() for p in parts] == [[2, 3, 4], [2, 0, 4]]
    check(A.split(constant(M), 1)[0], M)
    out = jax.jit(lambda t: A.split(t, [2, 1], axis=1))(constant(M))
    check(out[0], M[:, :2])
    check(out[1], M[:, 2:])


@pytest.mark.parametrize(
    "arg,match",
    [
        (2, r"split: argument `num_or_size_splits` must divide the size of axis 1 \(3\). Received: 2"),
        (0, r"must divide the size of axis 1"),
        ([1, 1], r"split: argument `num_or_size_splits` must sum to the size of axis 1 \(3\). Received: \[1, 1\]"),
        ([-1, -1], r"must sum to the size of axis 1"),
        ([4, -1], r"must sum to the size of axis 1"),
        ([2, 2, -1], r"must sum to the size of axis 1"),
    ],
)
def test_split_errors(arg, match):
    with pytest.raises(errors.InvalidArgumentError, match=match):
        A.split(constant(M), arg, axis=1)


# -- squeeze / expand_dims / tile / pad / broadcast_to ------------------------------------


def test_squeeze_and_expand_dims():
    z = np.zeros((1, 2, 1, 3), np.float32)
    check(A.squeeze(constant(z)), np.squeeze(z))
    check(A.squeeze(constant(z), axis=-2), np.squeeze(z, -2))
    check(A.squeeze(constant(z), axis=[0, 2]), np.squeeze(z, (0, 2)))
    check(A.squeeze(constant([[5]])), 5)
    check(A.expand_dims(constant(M), 0), M[None])
    check(A.expand_dims(constant(M), -1), M[..., None])  # -1 appends
    check(A.expand_dims(constant(M), -3), M[None])
    check(A.expand_dims(constant(M), 1), M[:, None])
    check(A.expand_dims(constant(2.0), 0), [2.0])
    check(A.expand_dims(constant(np.zeros((0,), np.float32)), -1), np.zeros((0, 1)))
    check(jit(lambda t: A.squeeze(A.expand_dims(t, 1), [1]), M), M)


def test_squeeze_expand_dims_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"squeeze: argument `axis` must name dimensions of size 1. Received: axis=1 for a tensor of shape \[1, 2, 1\]"):
        A.squeeze(constant(np.zeros((1, 2, 1), np.float32)), axis=1)
    with pytest.raises(errors.InvalidArgumentError, match=r"squeeze: argument `axis` must be in \[-3, 3\)"):
        A.squeeze(constant(np.zeros((1, 2, 1), np.float32)), axis=3)
    with pytest.raises(errors.InvalidArgumentError, match=r"expand_dims: argument `axis` must be in \[-3, 3\) for a tensor of rank 2. Received: axis=3"):
        A.expand_dims(constant(M), 3)
    with pytest.raises(errors.InvalidArgumentError, match="expand_dims"):
        A.expand_dims(constant(M), -4)


def test_tile():
    check(A.tile(constant(M), [2, 1]), np.tile(M, (2, 1)))
    check(A.tile(constant(M), constant([1, 3])), np.tile(M, (1, 3)))
    check(A.tile(constant([1, 2]), 2), [1, 2, 1, 2], dtypes.int32)
    check(A.tile(constant(M), [0, 2]), np.zeros((0, 6)))
    check(jit(lambda t: A.tile(t, [2, 2]), M), np.tile(M, (2, 2)))
    with pytest.raises(errors.InvalidArgumentError, match=r"tile: argument `multiples` must have one entry per dimension of `input` \(2\). Received: \[2\]"):
        A.tile(constant(M), [2])


@pytest.mark.parametrize("mode", ["CONSTANT", "REFLECT", "SYMMETRIC", "reflect"])
def test_pad_modes(mode):
    pads = [[1, 1], [2, 0]]
    out = A.pad(constant(M), pads, mode=mode)
    check(out, np.pad(M, pads, mode=mode.lower() if mode != "CONSTANT" else "constant"))


def test_pad():
    check(A.pad(constant(M), [[0, 1], [1, 0]], constant_values=9.0), np.pad(M, [[0, 1], [1, 0]], constant_values=9.0))
    check(A.pad(constant([1, 2]), [[2, 1]], constant_values=-1), [-1, -1, 1, 2, -1], dtypes.int32)
    check(A.pad(constant(M), constant([[1, 0], [0, 0]])), np.pad(M, [[1, 0], [0, 0]]))
    check(A.pad(constant(M), [[1, 1], [2, 2]], "SYMMETRIC"), np.pad(M, [[1, 1], [2, 2]], mode="symmetric"))  # pad == size is ok
    check(A.pad(constant(3.0), []), np.float32(3.0))
    check(A.pad(constant(np.zeros((0, 2), np.float32)), [[1, 0], [0, 0]]), np.zeros((1, 2)))
    h = constant([1.0], dtypes.float16)
    assert A.pad(h, [[1, 1]], constant_values=0.5).dtype is dtypes.float16
    check(jit(lambda t: A.pad(t, [[1, 0], [0, 1]], "REFLECT"), M), np.pad(M, [[1, 0], [0, 1]], mode="reflect"))
    # constant_values may be a traced tensor
    out = jax.jit(lambda t, c: A.pad(t, [[1, 0], [0, 0]], constant_values=c))(constant(M), constant(7.0))
    check(out, np.pad(M, [[1, 0], [0, 0]], constant_values=7.0))


def test_pad_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"pad: argument `paddings` must be \[rank=2, 2\] non-negative ints. Received: \[\[1, 1\]\]"):
        A.pad(constant(M), [[1, 1]])
    with pytest.raises(errors.InvalidArgumentError, match=r"non-negative ints"):
        A.pad(constant(M), [[1, -1], [0, 0]])
    with pytest.raises(ValueError, match=r"pad: argument `mode` must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC'. Received: 'WRAP'"):
        A.pad(constant(M), [[1, 1], [0, 0]], "WRAP")
    with pytest.raises(errors.InvalidArgumentError, match=r"pad: argument `paddings` must be less than the size of each axis in REFLECT mode. Received: paddings\[0\]=\[2, 0\] for axis 0 of size 2"):
        A.pad(constant(M), [[2, 0], [0, 0]], "REFLECT")
    with pytest.raises(errors.InvalidArgumentError, match=r"at most the size of each axis in SYMMETRIC mode. Received: paddings\[1\]=\[0, 4\]"):
        A.pad(constant(M), [[0, 0], [0, 4]], "SYMMETRIC")
    with pytest.raises(TypeError, match=r"pad: argument `constant_values` cannot be converted to dtype int32"):
        A.pad(constant([1, 2]), [[1, 1]], constant_values=1.5)
    with pytest.raises(ValueError, match=r"pad: argument `constant_values` must be a scalar"):
        A.pad(constant([1.0]), [[1, 1]], constant_values=[1.0, 2.0])


def test_broadcast_to():
    check(A.broadcast_to(constant([1.0, 2.0]), [3, 2]), np.broadcast_to([1.0, 2.0], (3, 2)))
    check(A.broadcast_to(constant(5), constant([2, 2])), [[5, 5], [5, 5]], dtypes.int32)
    check(A.broadcast_to(constant(M[:1]), [0, 3]), np.zeros((0, 3)))
    check(jit(lambda t: A.broadcast_to(t, [2, 2, 3]), M), np.broadcast_to(M, (2, 2, 3)))
    with pytest.raises(errors.InvalidArgumentError, match=r"broadcast_to: `input` of shape \[2\] cannot broadcast to argument `shape`. Received: \[3, 3\]"):
        A.broadcast_to(constant([1.0, 2.0]), [3, 3])


# -- shape / rank / size / identity / stop_gradient ----------------------------------------


def test_shape_rank_size():
    check(A.shape(constant(X)), [2, 3, 4], dtypes.int32)
    check(A.shape(constant(1.0)), np.zeros((0,), np.int32), dtypes.int32)
    check(A.rank(constant(X)), 3, dtypes.int32)
    check(A.rank(constant(1.0)), 0)
    check(A.size(constant(X)), 24, dtypes.int32)
    check(A.size(constant(np.zeros((0, 5), np.float32))), 0)
    check(A.size(Variable(M)), 6)
    assert A.shape(constant(X), out_type=dtypes.int32).dtype is dtypes.int32
    # under jit the results are still concrete (shapes are static)
    seen = []

    def fn(t):
        s = A.shape(t)
        seen.append((s.numpy().tolist(), int(A.rank(t)), int(A.size(t))))
        return t

    jax.jit(fn)(constant(X))
    assert seen == [([2, 3, 4], 3, 24)]


def test_shape_out_type_int64_narrows_with_one_warning():
    dtypes._reset_downcast_warnings()
    with pytest.warns(dtypes.XlaflowDowncastWarning, match="int64"):
        out = A.shape(constant(M), out_type=dtypes.int64)
    dtypes._reset_downcast_warnings()
    check(out, [2, 3], dtypes.int32)


def test_identity():
    t = constant(M)
    check(A.identity(t), M)
    v = Variable(M)
    out = A.identity(v)
    v.assign(M + 1)
    check(out, M)  # identity of a Variable reads its current value
    check(jit(A.identity, M), M)


def test_stop_gradient():
    t = constant(np.array([1.0, 2.0, 3.0], np.float32))
    check(A.stop_gradient(t), [1.0, 2.0, 3.0])
    g = jax.grad(lambda x: A.stop_gradient(x * x).value.sum())(t)
    check(g, [0.0, 0.0, 0.0])
    g2 = jax.grad(lambda x: (A.stop_gradient(x) * x).value.sum())(t)
    check(g2, [1.0, 2.0, 3.0])  # only the non-stopped factor contributes
    check(jit(A.stop_gradient, M), M)


def test_no_unexpected_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        A.reshape(constant(M), [-1])
        A.concat([constant(M), M], 0)
        A.pad(constant(M), [[1, 1], [1, 1]])
