"""Reductions and segment reductions against NumPy references: axes, keepdims,
dtypes, empty tensors, scalars, integer semantics, errors and jit."""

import jax
import numpy as np
import pytest

from xlaflow._core import dtypes, errors
from xlaflow.ops import reduce_ops as R
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor

X = np.array([[[1.5, -2.0, 3.0], [0.5, 4.0, -1.0]], [[2.0, 0.0, -3.5], [1.0, 1.0, 2.5]]], np.float32)  # [2, 2, 3]
AXES = [(None, False), (-1, True), (1, False), ([0, 2], True), ([], False)]


def _np_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


FLOAT_REFS = {
    "reduce_sum": (R.reduce_sum, np.sum),
    "reduce_mean": (R.reduce_mean, np.mean),
    "reduce_max": (R.reduce_max, np.max),
    "reduce_min": (R.reduce_min, np.min),
    "reduce_prod": (R.reduce_prod, np.prod),
    "reduce_variance": (R.reduce_variance, np.var),
    "reduce_std": (R.reduce_std, np.std),
    "reduce_euclidean_norm": (R.reduce_euclidean_norm, lambda x, axis=None, keepdims=False: np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims))),
    "reduce_logsumexp": (R.reduce_logsumexp, None),
}


def _ref(name, x, axis, keepdims):
    ref = FLOAT_REFS[name][1]
    ax = _np_axis(axis)
    if name == "reduce_logsumexp":
        if ax == ():
            return x
        m = np.max(x, axis=ax, keepdims=True)
        out = np.log(np.sum(np.exp(x - m), axis=ax, keepdims=True)) + m
        return out if keepdims else np.squeeze(out, axis=ax)
    return ref(x, axis=ax, keepdims=keepdims)


@pytest.mark.parametrize("name", sorted(FLOAT_REFS))
@pytest.mark.parametrize("axis,keepdims", AXES)
def test_float_reductions_match_numpy(name, axis, keepdims):
    fn = FLOAT_REFS[name][0]
    out = fn(X, axis=axis, keepdims=keepdims)
    expected = _ref(name, X.astype(np.float64), axis, keepdims)
    assert out.dtype == np.float32 and out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(FLOAT_REFS))
def test_under_jit_and_more_axes(name):
    fn = FLOAT_REFS[name][0]
    for axis, keepdims in [(None, True), (0, False), ((-1, -2), False)]:
        expected = _ref(name, X.astype(np.float64), axis, keepdims)
        np.testing.assert_allclose(fn(X, axis, keepdims).numpy(), expected, rtol=1e-5, atol=1e-5)
    out = jax.jit(lambda t: fn(t, axis=[0, -1]))(constant(X))
    assert isinstance(out, Tensor) and out.shape == (2,)
    np.testing.assert_allclose(np.asarray(out.value), _ref(name, X.astype(np.float64), [0, -1], False), rtol=1e-5)


def test_axis_given_as_tensor_and_scalars():
    assert R.reduce_sum(X, axis=constant([0, 1])).shape == (3,)
    assert R.reduce_sum(X, axis=constant(-1)).shape == (2, 2)
    s = R.reduce_sum(np.float32(2.5))
    assert s.shape == () and float(s) == 2.5
    assert float(R.reduce_max(3.0)) == 3.0
    with pytest.raises(errors.InvalidArgumentError, match=r"reduce_sum: argument `axis` must be in \[0, 0\)"):
        R.reduce_sum(np.float32(1.0), axis=0)


def test_empty_reductions_give_identities():
    e = np.zeros((0, 3), np.float32)
    assert R.reduce_sum(e).numpy() == 0.0
    assert R.reduce_prod(e).numpy() == 1.0
    assert R.reduce_max(e).numpy() == -np.inf
    assert R.reduce_min(e).numpy() == np.inf
    assert np.isnan(R.reduce_mean(e).numpy())
    assert R.reduce_logsumexp(e).numpy() == -np.inf
    assert R.reduce_max(e, axis=0).shape == (3,)
    assert R.reduce_max(np.zeros((0,), np.int32)).numpy() == np.iinfo(np.int32).min
    assert R.reduce_min(np.zeros((0,), np.int32)).numpy() == np.iinfo(np.int32).max
    assert not R.reduce_any(np.zeros((0,), bool)).numpy()
    assert R.reduce_all(np.zeros((0,), bool)).numpy()


def test_integer_reductions_keep_dtype_and_truncate_mean():
    i = np.array([[1, 2], [-3, -4], [5, 0]], np.int32)
    for fn, ref in ((R.reduce_sum, np.sum), (R.reduce_prod, np.prod), (R.reduce_max, np.max), (R.reduce_min, np.min)):
        out = fn(i, axis=0)
        assert out.dtype == np.int32
        assert out.numpy().tolist() == ref(i, axis=0).tolist()
    # TF divides integer sums with truncation toward zero
    assert R.reduce_mean(constant([1, 2])).numpy() == 1
    assert R.reduce_mean(constant([-1, -2])).numpy() == -1
    assert R.reduce_mean(i, axis=1).numpy().tolist() == [1, -3, 2]
    assert R.reduce_mean(i).dtype == np.int32
    # euclidean norm of ints is the floor of the root (sqrt(17) -> 4)
    n = R.reduce_euclidean_norm(constant([[1, 2, 3], [1, 1, 1]]))
    assert n.dtype == np.int32 and n.numpy() == 4
    assert R.reduce_euclidean_norm(constant([3, 4])).numpy() == 5


def test_logsumexp_is_stable_and_handles_infinities():
    big = np.array([1000.0, 1000.0], np.float32)
    assert R.reduce_logsumexp(big).numpy() == pytest.approx(1000.0 + np.log(2.0))
    assert R.reduce_logsumexp(np.array([-np.inf, -np.inf], np.float32)).numpy() == -np.inf
    assert R.reduce_logsumexp(np.array([np.inf, 1.0], np.float32)).numpy() == np.inf


def test_variance_of_complex_is_real():
    z = np.array([1 + 1j, -1 - 1j, 2j], np.complex64)
    out = R.reduce_variance(z)
    assert out.dtype == np.float32
    assert out.numpy() == pytest.approx(np.var(z.astype(np.complex128)), rel=1e-6)


def test_any_all():
    b = np.array([[True, False], [True, True]])
    assert R.reduce_any(b, axis=1).numpy().tolist() == [True, True]
    assert R.reduce_all(b, axis=1).numpy().tolist() == [False, True]
    assert R.reduce_all(b, axis=0, keepdims=True).shape == (1, 2)
    out = jax.jit(lambda t: R.reduce_all(t))(constant(b))
    assert not bool(out.value)


def test_count_nonzero_default_dtype():
    x = np.array([[0.0, 1.5, 0.0], [2.0, 3.0, 0.0]], np.float32)
    out = R.count_nonzero(x)  # int64 requested by default -> int32 without x64, and no warning
    assert out.dtype == (np.int64 if dtypes.x64_enabled() else np.int32) and out.numpy() == 3
    assert R.count_nonzero(x, axis=1).numpy().tolist() == [1, 2]
    assert R.count_nonzero(x, axis=0, keepdims=True).shape == (1, 3)
    assert R.count_nonzero(np.array([True, False, True])).numpy() == 2
    assert R.count_nonzero(x, dtype="float32").dtype == np.float32
    with jax.enable_x64(True):
        assert R.count_nonzero(x).dtype == np.int64


def test_bad_input_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"reduce_sum: argument `axis` must be in \[-3, 3\) .*Received: axis=3"):
        R.reduce_sum(X, axis=3)
    with pytest.raises(errors.InvalidArgumentError, match="reduce_mean: argument `axis` must not repeat an axis"):
        R.reduce_mean(X, axis=[0, -3])
    with pytest.raises(TypeError, match="reduce_any: argument `input_tensor` must be a bool tensor. Received: dtype=float32"):
        R.reduce_any(X)
    with pytest.raises(TypeError, match="reduce_sum: argument `input_tensor` must be a .*Received: dtype=bool"):
        R.reduce_sum(np.array([True]))
    with pytest.raises(TypeError, match="reduce_max: .*Received: dtype=complex64"):
        R.reduce_max(np.array([1j], np.complex64))
    with pytest.raises(TypeError, match="reduce_variance: argument `input_tensor` must be a floating-point or complex tensor. Received: dtype=int32"):
        R.reduce_variance(constant([1, 2]))
    with pytest.raises(TypeError, match="reduce_logsumexp: .*Received: dtype=int32"):
        R.reduce_logsumexp(constant([1, 2]))


# -- segment reductions --------------------------------------------------------------------
DATA = np.array([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [-7.0, 8.0]], np.float32)


def _np_segment(data, ids, num, reducer, empty):
    out = np.full((num,) + data.shape[1:], empty, np.float64)
    for s in range(num):
        rows = data[ids == s]
        if len(rows):
            out[s] = reducer(rows, axis=0)
    return out


@pytest.mark.parametrize("kind,reducer,empty", [
    ("sum", np.sum, 0.0), ("mean", np.mean, 0.0), ("prod", np.prod, 1.0), ("max", np.max, 0.0), ("min", np.min, 0.0),
])
def test_sorted_segments(kind, reducer, empty):
    ids = np.array([0, 0, 2, 2], np.int32)  # segment 1 is empty
    out = getattr(R, f"segment_{kind}")(DATA, ids)
    assert out.dtype == np.float32 and out.shape == (3, 2)
    np.testing.assert_allclose(out.numpy(), _np_segment(DATA, ids, 3, reducer, empty), rtol=1e-6)


@pytest.mark.parametrize("kind,reducer,empty", [
    ("sum", np.sum, 0.0), ("mean", np.mean, 0.0), ("prod", np.prod, 1.0),
    ("max", np.max, np.finfo(np.float32).min), ("min", np.min, np.finfo(np.float32).max),
])
def test_unsorted_segments(kind, reducer, empty):
    ids = np.array([3, -1, 0, 3], np.int32)  # -1 is dropped; segments 1 and 2 are empty
    fn = getattr(R, f"unsorted_segment_{kind}")
    out = fn(DATA, ids, num_segments=4)
    np.testing.assert_allclose(out.numpy(), _np_segment(DATA, ids, 4, reducer, empty), rtol=1e-6)
    jitted = jax.jit(lambda d, i: fn(d, i, 4))(constant(DATA), constant(ids))
    np.testing.assert_allclose(np.asarray(jitted.value), out.numpy())


def test_segment_int_and_multidim_ids():
    data = np.arange(12, dtype=np.int32).reshape(2, 3, 2)
    ids = np.array([[0, 1, 0], [1, 1, 0]], np.int32)
    out = R.unsorted_segment_sum(data, ids, 2)
    assert out.dtype == np.int32 and out.shape == (2, 2)
    flat = data.reshape(6, 2)
    assert out.numpy().tolist() == [flat[[0, 2, 5]].sum(0).tolist(), flat[[1, 3, 4]].sum(0).tolist()]
    assert R.segment_mean(constant([1, 2, 4]), constant([0, 0, 1])).numpy().tolist() == [1, 4]


def test_segment_errors():
    with pytest.raises(errors.InvalidArgumentError, match="segment_sum: argument `segment_ids` must be sorted"):
        R.segment_sum(DATA, np.array([1, 0, 2, 2], np.int32))
    with pytest.raises(errors.InvalidArgumentError, match="segment_sum: argument `segment_ids` must have a shape that is a prefix"):
        R.segment_sum(DATA, np.array([0, 1], np.int32))
    with pytest.raises(TypeError, match="segment_sum: argument `segment_ids` must be a.*integer tensor"):
        R.segment_sum(DATA, np.zeros(4, np.float32))
    with pytest.raises(errors.InvalidArgumentError, match="unsorted_segment_sum: argument `segment_ids` must hold ids below num_segments=2. Received: id 3"):
        R.unsorted_segment_sum(DATA, np.array([0, 1, 3, 0], np.int32), 2)
    with pytest.raises(TypeError, match="segment_sum: the number of segments depends on the values"):
        jax.jit(lambda d, i: R.segment_sum(d, i))(constant(DATA), constant(np.array([0, 0, 1, 1], np.int32)))
