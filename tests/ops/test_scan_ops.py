"""cumsum/cumprod/cumulative_logsumexp, argmax/argmin, top_k, sort/argsort and
bincount against NumPy references: options, index dtypes, ties, errors and jit."""

import warnings

import jax
import numpy as np
import pytest

from xlaflow._core import dtypes, errors
from xlaflow.ops import scan_ops as S
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor

INDEX = np.int64 if dtypes.x64_enabled() else np.int32  # TF's int64 default, narrowed without x64
X = np.array([[1.0, -2.0, 3.0, 0.5], [4.0, 0.25, -1.0, 2.0], [-3.0, 2.0, 2.0, 1.0]], np.float32)


def _np_scan(fn, identity, x, axis, exclusive, reverse):
    x = np.moveaxis(x.astype(np.float64), axis, -1)
    if reverse:
        x = x[..., ::-1]
    if exclusive:
        x = np.concatenate([np.full(x.shape[:-1] + (1,), identity), x[..., :-1]], axis=-1)
    out = fn(x, axis=-1)
    if reverse:
        out = out[..., ::-1]
    return np.moveaxis(out, -1, axis)


def _np_cumlogsumexp(x, axis):
    return np.log(np.cumsum(np.exp(x), axis=axis))


SCANS = {
    "cumsum": (S.cumsum, np.cumsum, 0.0),
    "cumprod": (S.cumprod, np.cumprod, 1.0),
    "cumulative_logsumexp": (S.cumulative_logsumexp, _np_cumlogsumexp, -np.inf),
}


@pytest.mark.parametrize("name", sorted(SCANS))
@pytest.mark.parametrize("axis,exclusive,reverse", [(0, False, False), (1, True, False), (-1, False, True), (0, True, True)])
def test_scans_match_numpy(name, axis, exclusive, reverse):
    fn, ref, identity = SCANS[name]
    out = fn(X, axis=axis, exclusive=exclusive, reverse=reverse)
    assert out.dtype == np.float32 and out.shape == X.shape
    with np.errstate(divide="ignore"):
        expected = _np_scan(ref, identity, X, axis, exclusive, reverse)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_scans_ints_empty_and_jit():
    i = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    out = S.cumsum(i, axis=1, exclusive=True)
    assert out.dtype == np.int32 and out.numpy().tolist() == [[0, 1, 3], [0, 4, 9]]
    assert S.cumprod(i, axis=1, reverse=True).numpy().tolist() == [[6, 6, 3], [120, 30, 6]]
    assert S.cumsum(np.zeros((0, 2), np.float32), exclusive=True).shape == (0, 2)
    out = jax.jit(lambda t: S.cumsum(t, axis=-1, exclusive=True, reverse=True))(constant(X))
    assert isinstance(out, Tensor)
    np.testing.assert_allclose(np.asarray(out.value), _np_scan(np.cumsum, 0, X, 1, True, True), rtol=1e-6)


def test_scan_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"cumsum: argument `axis` must be in \[-2, 2\)"):
        S.cumsum(X, axis=2)
    with pytest.raises(errors.InvalidArgumentError, match="cumsum: argument `x` must have rank >= 1"):
        S.cumsum(1.0)
    with pytest.raises(TypeError, match="cumprod: argument `x` must be a .*Received: dtype=bool"):
        S.cumprod(np.array([True, False]))
    with pytest.raises(TypeError, match="cumulative_logsumexp: .*Received: dtype=int32"):
        S.cumulative_logsumexp(constant([1, 2]))


@pytest.mark.parametrize("fn,ref", [(S.argmax, np.argmax), (S.argmin, np.argmin)])
def test_argmax_argmin(fn, ref):
    out = fn(X)  # TF2: axis defaults to 0
    assert out.dtype == INDEX  # int64 by default, int32 without x64 -- and no warning
    assert out.numpy().tolist() == ref(X, axis=0).tolist()
    assert fn(X, axis=-1).numpy().tolist() == ref(X, axis=-1).tolist()
    assert fn(X, 1, output_type=dtypes.int32).dtype == np.int32
    assert fn(np.array([2.0, 5.0, 5.0, 1.0], np.float32)).numpy() == ref([2.0, 5.0, 5.0, 1.0])  # first index on ties
    out = jax.jit(lambda t: fn(t, axis=1))(constant(X))
    assert np.asarray(out.value).tolist() == ref(X, axis=1).tolist()
    assert fn(np.array([False, True]), 0).numpy() == ref([False, True])


@pytest.mark.skipif(dtypes.x64_enabled(), reason="checks the narrowing rules of 32-bit mode")
def test_argmax_output_type_rules():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert S.argmax(X).dtype == np.int32
    dtypes._reset_downcast_warnings()
    with pytest.warns(dtypes.XlaflowDowncastWarning, match="int64 requested"):
        assert S.argmax(X, output_type=dtypes.int64).dtype == np.int32  # explicit request narrows with a warning
    with jax.enable_x64(True):
        assert S.argmax(X).dtype == np.int64
        assert S.argmin(X, output_type=dtypes.int64).dtype == np.int64
    with pytest.raises(TypeError, match="argmax: argument `output_type` must be an integer dtype"):
        S.argmax(X, output_type=dtypes.float32)


def test_arg_errors():
    with pytest.raises(errors.InvalidArgumentError, match="argmax: the reduced axis must not be empty"):
        S.argmax(np.zeros((0, 3), np.float32))
    with pytest.raises(errors.InvalidArgumentError, match=r"argmin: argument `axis` must be in \[-2, 2\)"):
        S.argmin(X, axis=2)
    with pytest.raises(errors.InvalidArgumentError, match="argmax: argument `input` must have rank >= 1"):
        S.argmax(1.0)
    with pytest.raises(TypeError, match="argmax: argument `input` must be .*Received: dtype=complex64"):
        S.argmax(np.array([1j], np.complex64))


def test_top_k():
    v = np.array([[3.0, 1.0, 3.0, 2.0, 5.0], [0.0, -1.0, 4.0, 4.0, 4.0]], np.float32)
    res = S.top_k(v, k=3)
    assert type(res).__name__ == "TopKV2" and res._fields == ("values", "indices")
    values, indices = res
    assert values.dtype == np.float32 and indices.dtype == np.int32
    assert values.numpy().tolist() == [[5.0, 3.0, 3.0], [4.0, 4.0, 4.0]]
    assert indices.numpy().tolist() == [[4, 0, 2], [2, 3, 4]]  # equal values: lower index first
    np.testing.assert_array_equal(np.take_along_axis(v, indices.numpy(), -1), values.numpy())
    assert S.top_k(v).values.shape == (2, 1)  # k defaults to 1
    assert S.top_k(v, 0).values.shape == (2, 0)
    assert S.top_k(constant([3, 7, 5]), constant(2)).values.numpy().tolist() == [7, 5]
    out = jax.jit(lambda t: S.top_k(t, 2))(constant(v))
    assert isinstance(out.values, Tensor) and np.asarray(out.indices.value).tolist() == [[4, 0], [2, 3]]


def test_top_k_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"top_k: argument `input` must have at least k=6 entries in its last axis. Received: input.shape=\[5\]"):
        S.top_k(np.arange(5, dtype=np.float32), 6)
    with pytest.raises(ValueError, match="top_k: argument `k` must be a non-negative int. Received: k=-1"):
        S.top_k(X, -1)
    with pytest.raises(errors.InvalidArgumentError, match="top_k: argument `input` must have rank >= 1"):
        S.top_k(1.0)
    with pytest.raises(TypeError, match="top_k: argument `input` must be .*Received: dtype=bool"):
        S.top_k(np.array([True]))


def test_sort_and_argsort():
    for axis in (-1, 0):
        asc = S.sort(X, axis=axis)
        assert asc.dtype == np.float32
        np.testing.assert_array_equal(asc.numpy(), np.sort(X, axis=axis))
        np.testing.assert_array_equal(S.sort(X, axis=axis, direction="DESCENDING").numpy(), -np.sort(-X, axis=axis))
        idx = S.argsort(X, axis=axis)
        assert idx.dtype == np.int32
        np.testing.assert_array_equal(idx.numpy(), np.argsort(X, axis=axis, kind="stable"))
    ties = constant([2, 1, 2, 1, 3])
    assert S.argsort(ties).numpy().tolist() == [1, 3, 0, 2, 4]
    assert S.argsort(ties, direction="DESCENDING").numpy().tolist() == [4, 0, 2, 1, 3]  # stable in both directions
    assert S.sort(ties, direction="DESCENDING").dtype == np.int32
    out = jax.jit(lambda t: S.argsort(t, direction="DESCENDING"))(constant(X))
    np.testing.assert_array_equal(np.asarray(out.value), np.argsort(-X, axis=-1, kind="stable"))
    assert S.sort(np.zeros((2, 0), np.float32)).shape == (2, 0)


def test_sort_errors():
    with pytest.raises(ValueError, match="sort: argument `direction` must be 'ASCENDING' or 'DESCENDING'. Received: 'UP'"):
        S.sort(X, direction="UP")
    with pytest.raises(errors.InvalidArgumentError, match=r"argsort: argument `axis` must be in \[-2, 2\)"):
        S.argsort(X, axis=5)
    with pytest.raises(errors.InvalidArgumentError, match="sort: argument `values` must have rank >= 1"):
        S.sort(1.0)


def test_bincount():
    arr = np.array([1, 1, 3, 0, 3, 3], np.int32)
    out = S.bincount(arr)
    assert out.dtype == np.int32 and out.numpy().tolist() == np.bincount(arr).tolist()
    assert S.bincount(arr, minlength=6).numpy().tolist() == np.bincount(arr, minlength=6).tolist()
    assert S.bincount(arr, maxlength=2).numpy().tolist() == [1, 2]
    w = np.array([0.5, 1.0, 2.0, 1.0, 1.0, 1.0], np.float32)
    weighted = S.bincount(arr, weights=w)
    assert weighted.dtype == np.float32
    np.testing.assert_allclose(weighted.numpy(), np.bincount(arr, weights=w))
    assert S.bincount(arr, binary_output=True).numpy().tolist() == [1, 1, 0, 1]
    assert S.bincount(arr, dtype=dtypes.float32).dtype == np.float32
    assert S.bincount(np.zeros((0,), np.int32)).shape == (0,)
    rows = np.array([[0, 1, 1], [2, 2, 2]], np.int32)
    assert S.bincount(rows, axis=-1).numpy().tolist() == [[1, 2, 0], [0, 0, 3]]
    out = jax.jit(lambda t: S.bincount(t, minlength=5, maxlength=5))(constant(arr))
    assert np.asarray(out.value).tolist() == np.bincount(arr, minlength=5).tolist()


def test_bincount_errors():
    with pytest.raises(errors.InvalidArgumentError, match="bincount: argument `arr` must be non-negative. Received: value -1"):
        S.bincount(constant([1, -1]))
    with pytest.raises(TypeError, match="bincount: argument `arr` must be a.*integer tensor. Received: dtype=float32"):
        S.bincount(np.array([1.0], np.float32))
    with pytest.raises(TypeError, match="bincount: the output length depends on the values of `arr`"):
        jax.jit(lambda t: S.bincount(t))(constant([1, 2]))
    with pytest.raises(ValueError, match="bincount: arguments `weights` and `binary_output` must not be used together"):
        S.bincount(constant([1]), weights=np.ones(1, np.float32), binary_output=True)
