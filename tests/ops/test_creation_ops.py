"""Creation ops against NumPy: zeros, ones, fill, zeros_like, ones_like, eye, range,
linspace."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401
from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.ops import array_ops as A
from xlaflow.ops import creation_ops as C
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable


def check(out, expected, dtype):
    assert isinstance(out, Tensor)
    expected = np.asarray(expected)
    assert out.shape.as_list() == list(expected.shape)
    assert out.dtype is dtype
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)


def test_zeros_and_ones():
    check(C.zeros([2, 3]), np.zeros((2, 3)), dtypes.float32)
    check(C.ones((2,), dtypes.int32), np.ones(2), dtypes.int32)
    check(C.ones([2], "bool"), [True, True], dtypes.bool)
    check(C.zeros(3), np.zeros(3), dtypes.float32)
    check(C.zeros([]), np.float32(0), dtypes.float32)
    check(C.ones([0, 4]), np.ones((0, 4)), dtypes.float32)
    check(C.zeros(TensorShape([2, 1])), np.zeros((2, 1)), dtypes.float32)
    check(C.zeros(constant([1, 2])), np.zeros((1, 2)), dtypes.float32)
    check(C.ones([constant(2), 2], dtypes.float16), np.ones((2, 2)), dtypes.float16)
    check(C.zeros([2], name="z"), np.zeros(2), dtypes.float32)


def test_shapes_from_tensors_inside_jit():
    out = jax.jit(lambda t: C.zeros(A.shape(t)) + t)(constant(np.ones((2, 3), np.float32)))
    check(out, np.ones((2, 3)), dtypes.float32)
    out = jax.jit(lambda t: C.ones([t.shape[0], 2], dtypes.int32))(constant(np.ones((3,), np.float32)))
    check(out, np.ones((3, 2)), dtypes.int32)


def test_shape_errors():
    with pytest.raises(ValueError, match=r"zeros: argument `shape` must be a list of non-negative ints. Received: \[-1\]"):
        C.zeros([-1])
    with pytest.raises(TypeError, match=r"ones: argument `shape` must be a list of non-negative ints. Received: 'ab'"):
        C.ones("ab")
    with pytest.raises(TypeError, match=r"zeros: argument `shape` must be a list"):
        C.zeros([None, 2])
    with pytest.raises(TypeError, match=r"zeros: argument `shape` must be known when the op is traced"):
        jax.jit(lambda s: C.zeros(s))(constant([2]))


def test_fill():
    check(C.fill([2, 2], 3), np.full((2, 2), 3), dtypes.int32)  # keeps the value's dtype
    check(C.fill([3], 1.5), np.full(3, 1.5), dtypes.float32)
    check(C.fill([2], constant(2.0, dtypes.float16)), np.full(2, 2.0), dtypes.float16)
    check(C.fill(constant([1, 2]), True), np.full((1, 2), True), dtypes.bool)
    check(C.fill([0], 7), np.zeros(0), dtypes.int32)
    check(C.fill([], 7), 7, dtypes.int32)
    out = jax.jit(lambda v: C.fill([2, 2], v))(constant(4.0))
    check(out, np.full((2, 2), 4.0), dtypes.float32)
    with pytest.raises(ValueError, match=r"fill: argument `value` must be a scalar. Received: shape \(2,\)"):
        C.fill([2], [1, 2])


def test_zeros_like_and_ones_like():
    m = np.arange(6, dtype=np.int32).reshape(2, 3)
    check(C.zeros_like(constant(m)), np.zeros((2, 3)), dtypes.int32)
    check(C.ones_like(constant(m)), np.ones((2, 3)), dtypes.int32)
    check(C.zeros_like(constant(m), dtype=dtypes.float32), np.zeros((2, 3)), dtypes.float32)
    check(C.ones_like(Variable([1.0, 2.0])), [1.0, 1.0], dtypes.float32)
    check(C.ones_like([[1, 2]]), [[1, 1]], dtypes.int32)
    check(C.zeros_like(constant(1.5)), np.float32(0), dtypes.float32)
    check(C.ones_like(constant(np.zeros((0, 2), np.float32))), np.zeros((0, 2)), dtypes.float32)
    out = jax.jit(lambda t: C.ones_like(t, dtype=dtypes.bool))(constant(m))
    check(out, np.ones((2, 3), bool), dtypes.bool)
    check(jax.jit(C.zeros_like)(constant(m)), np.zeros((2, 3)), dtypes.int32)


def test_eye():
    check(C.eye(3), np.eye(3), dtypes.float32)
    check(C.eye(2, 3), np.eye(2, 3), dtypes.float32)
    check(C.eye(2, dtype=dtypes.int32), np.eye(2), dtypes.int32)
    check(C.eye(2, batch_shape=[3]), np.broadcast_to(np.eye(2), (3, 2, 2)), dtypes.float32)
    check(C.eye(2, 2, batch_shape=[2, 1]), np.broadcast_to(np.eye(2), (2, 1, 2, 2)), dtypes.float32)
    check(C.eye(0), np.zeros((0, 0)), dtypes.float32)
    check(C.eye(constant(2)), np.eye(2), dtypes.float32)
    check(jax.jit(lambda: C.eye(3, 2))(), np.eye(3, 2), dtypes.float32)
    with pytest.raises(ValueError, match=r"eye: argument `num_rows` must be a non-negative int. Received: -1"):
        C.eye(-1)
    with pytest.raises(ValueError, match=r"eye: argument `num_columns` must be a non-negative int. Received: 2.5"):
        C.eye(2, 2.5)


def test_range():
    check(C.range(5), np.arange(5), dtypes.int32)
    check(C.range(1, 10, 3), np.arange(1, 10, 3), dtypes.int32)
    check(C.range(5, 0, -2), np.arange(5, 0, -2), dtypes.int32)
    check(C.range(0.0, 1.0, 0.25), np.arange(0, 1, 0.25), dtypes.float32)
    check(C.range(0, 2, 0.5), np.arange(0, 2, 0.5), dtypes.float32)  # any float argument: float32
    check(C.range(3, dtype=dtypes.float32), [0.0, 1.0, 2.0], dtypes.float32)
    check(C.range(start=1, limit=3), [1, 2], dtypes.int32)
    check(C.range(constant(3)), [0, 1, 2], dtypes.int32)
    check(C.range(5, 2), np.zeros(0), dtypes.int32)
    check(C.range(0), np.zeros(0), dtypes.int32)
    check(jax.jit(lambda: C.range(2, 8, 2))(), [2, 4, 6], dtypes.int32)
    with pytest.raises(ValueError, match=r"range: argument `delta` must not be zero. Received: 0"):
        C.range(0, 5, 0)


def test_linspace():
    check(C.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5), dtypes.float32)
    check(C.linspace(0, 10, 3), [0.0, 5.0, 10.0], dtypes.float32)  # integer ends: float32
    check(C.linspace(constant(0.0), constant(1.0), 3), [0.0, 0.5, 1.0], dtypes.float32)
    check(C.linspace(2.0, 3.0, 1), [2.0], dtypes.float32)
    check(C.linspace(2.0, 3.0, 0), np.zeros(0), dtypes.float32)
    check(C.linspace(constant(1.0, dtypes.float16), 2.0, 3), [1.0, 1.5, 2.0], dtypes.float16)
    # tensor-valued start/stop lay the values along `axis`
    check(C.linspace([0.0, 10.0], [1.0, 20.0], 3), np.linspace([0.0, 10.0], [1.0, 20.0], 3), dtypes.float32)
    check(C.linspace([0.0, 10.0], [1.0, 20.0], 3, axis=-1), np.linspace([0.0, 10.0], [1.0, 20.0], 3, axis=-1), dtypes.float32)
    out = jax.jit(lambda a, b: C.linspace(a, b, 4))(constant(0.0), constant(3.0))
    check(out, [0.0, 1.0, 2.0, 3.0], dtypes.float32)
    with pytest.raises(ValueError, match=r"linspace: argument `num` must be a non-negative int. Received: 2.5"):
        C.linspace(0.0, 1.0, 2.5)
