"""Pooling of tf.nn against naive NumPy loops (TF's SAME rules included)."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import pool_ops as P
from xlaflow.ops.tensor import Tensor

rs = np.random.RandomState(0)


def naive_pool(x, ksize, strides, padding, kind):
    """Channels-last pooling over the valid (unpadded) elements of each window."""
    n = x.ndim - 2
    if padding == "VALID":
        pads = [(0, 0)] * n
        out_sp = [(x.shape[1 + i] - ksize[i]) // strides[i] + 1 for i in range(n)]
    else:
        out_sp = [-(-x.shape[1 + i] // strides[i]) for i in range(n)]
        totals = [max((o - 1) * s + k - size, 0) for o, s, k, size in zip(out_sp, strides, ksize, x.shape[1:-1])]
        pads = [(t // 2, t - t // 2) for t in totals]
    out = np.zeros((x.shape[0], *out_sp, x.shape[-1]), np.float64)
    for pos in itertools.product(*[range(o) for o in out_sp]):
        sl = []
        for i, p in enumerate(pos):
            start = p * strides[i] - pads[i][0]
            sl.append(slice(max(start, 0), min(start + ksize[i], x.shape[1 + i])))
        window = x[(slice(None), *sl, slice(None))].reshape(x.shape[0], -1, x.shape[-1])
        out[(slice(None), *pos, slice(None))] = window.max(1) if kind == "MAX" else window.mean(1)
    return out


@pytest.mark.parametrize("ksize,strides,padding", [(2, 2, "VALID"), (3, 2, "SAME"), (3, 1, "SAME"), (2, 3, "SAME"), ([3, 2], [2, 1], "VALID")])
@pytest.mark.parametrize("kind", ["MAX", "AVG"])
def test_pool2d_matches_naive(ksize, strides, padding, kind):
    x = rs.randn(2, 7, 6, 3).astype(np.float32)
    fn = P.max_pool2d if kind == "MAX" else P.avg_pool2d
    out = fn(x, ksize, strides, padding)
    k = [ksize] * 2 if isinstance(ksize, int) else ksize
    s = [strides] * 2 if isinstance(strides, int) else strides
    ref = naive_pool(x.astype(np.float64), k, s, padding, kind)
    assert out.dtype == np.float32 and out.shape == ref.shape
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_avg_pool_same_averages_valid_elements_only():
    x = np.ones((1, 3, 3, 1), np.float32)
    out = P.avg_pool2d(x, 3, 1, "SAME")
    np.testing.assert_allclose(out.numpy(), np.ones((1, 3, 3, 1)))  # not 4/9 at the corners
    x = np.arange(4, dtype=np.float32).reshape(1, 4, 1)
    np.testing.assert_allclose(P.avg_pool1d(x, 2, 2, "SAME").numpy().ravel(), [0.5, 2.5])
    np.testing.assert_allclose(P.avg_pool1d(x, 3, 3, "SAME").numpy().ravel(), [0.5, 2.5])  # windows [-1..1], [2..4]


def test_max_pool_same_never_picks_padding():
    x = -np.ones((1, 3, 3, 1), np.float32) * 5
    np.testing.assert_allclose(P.max_pool2d(x, 3, 1, "SAME").numpy(), x)
    xi = np.array([[[-7], [-3], [-9]]], np.int32)
    out = P.max_pool1d(xi, 2, 2, "SAME")
    assert out.dtype == np.int32 and out.numpy().ravel().tolist() == [-3, -9]


def test_generic_forms_and_data_formats():
    x = rs.randn(2, 6, 5, 3).astype(np.float32)
    ref = naive_pool(x, [2, 2], [2, 2], "SAME", "MAX")
    for ks, st in ((2, 2), ([2, 2], [2, 2]), ([1, 2, 2, 1], [1, 2, 2, 1])):
        np.testing.assert_allclose(P.max_pool(x, ks, st, "SAME").numpy(), ref)
    nchw = P.max_pool(np.transpose(x, (0, 3, 1, 2)), 2, 2, "SAME", data_format="NCHW")
    np.testing.assert_allclose(np.transpose(nchw.numpy(), (0, 2, 3, 1)), ref)
    nchw = P.avg_pool2d(np.transpose(x, (0, 3, 1, 2)), [1, 1, 3, 3], [1, 1, 2, 2], "SAME", data_format="NCHW")
    np.testing.assert_allclose(np.transpose(nchw.numpy(), (0, 2, 3, 1)), naive_pool(x, [3, 3], [2, 2], "SAME", "AVG"), rtol=1e-5)
    x1 = rs.randn(2, 9, 4).astype(np.float32)
    np.testing.assert_allclose(P.max_pool1d(x1, 3, 2, "SAME").numpy(), naive_pool(x1, [3], [2], "SAME", "MAX"))
    np.testing.assert_allclose(P.avg_pool(x1, 3, 2, "VALID").numpy(), naive_pool(x1, [3], [2], "VALID", "AVG"), rtol=1e-5)
    x3 = rs.randn(1, 4, 5, 3, 2).astype(np.float32)
    np.testing.assert_allclose(P.max_pool3d(x3, 2, 2, "SAME").numpy(), naive_pool(x3, [2] * 3, [2] * 3, "SAME", "MAX"))
    np.testing.assert_allclose(P.avg_pool3d(x3, 2, 1, "VALID").numpy(), naive_pool(x3, [2] * 3, [1] * 3, "VALID", "AVG"), rtol=1e-5)
    generic = P.pool(x, [2, 2], "AVG", strides=[2, 2], padding="SAME")
    np.testing.assert_allclose(generic.numpy(), naive_pool(x, [2, 2], [2, 2], "SAME", "AVG"), rtol=1e-5)


def test_max_pool_explicit_padding_and_pool_dilations():
    x = rs.randn(1, 4, 4, 1).astype(np.float32)
    out = P.max_pool2d(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])
    padded = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], constant_values=-np.inf)
    np.testing.assert_allclose(out.numpy(), naive_pool(padded, [2, 2], [2, 2], "VALID", "MAX"))
    x1 = np.arange(6, dtype=np.float32).reshape(1, 6, 1)
    dil = P.pool(x1, [2], "MAX", padding="VALID", dilations=[2])
    np.testing.assert_allclose(dil.numpy().ravel(), [2, 3, 4, 5])


def test_pool_under_jit_and_gradient():
    x = rs.randn(1, 4, 4, 2).astype(np.float32)
    out = jax.jit(lambda t: P.avg_pool2d(t, 2, 2, "VALID"))(Tensor._wrap(jnp.asarray(x)))
    np.testing.assert_allclose(np.asarray(out.value), naive_pool(x, [2, 2], [2, 2], "VALID", "AVG"), rtol=1e-5)
    g = jax.grad(lambda a: P.max_pool2d(Tensor._wrap(a), 2, 2, "VALID").value.sum())(jnp.asarray(x))
    assert float(g.sum()) == 8.0  # one winner per window


def test_pool_errors():
    x = rs.randn(1, 4, 4, 2).astype(np.float32)
    with pytest.raises(errors.InvalidArgumentError, match=r"max_pool2d: argument `input` must have rank 4"):
        P.max_pool2d(x[0], 2, 2, "VALID")
    with pytest.raises(errors.InvalidArgumentError, match=r"max_pool: argument `input` must have rank 3, 4 or 5"):
        P.max_pool(x[0, 0], 2, 2, "VALID")
    with pytest.raises(errors.InvalidArgumentError, match=r"avg_pool2d: argument `ksize` must be 1 in the batch and channel dimensions"):
        P.avg_pool2d(x, [2, 2, 2, 1], 1, "VALID")
    with pytest.raises(errors.InvalidArgumentError, match=r"the pooling window \(\[1, 5, 5, 1\]\) must fit"):
        P.max_pool2d(x, 5, 1, "VALID")
    with pytest.raises(TypeError, match=r"avg_pool2d: argument `input` must be a floating"):
        P.avg_pool2d(np.ones((1, 2, 2, 1), np.int32), 2, 2, "VALID")
    with pytest.raises(ValueError, match=r"avg_pool2d: argument `padding` must be 'SAME' or 'VALID'"):
        P.avg_pool2d(x, 2, 2, [[0, 0], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match=r"pool: argument `pooling_type` must be 'MAX' or 'AVG'"):
        P.pool(x, [2, 2], "MIN")
    with pytest.raises(ValueError, match=r"argument `strides` must hold positive ints"):
        P.max_pool2d(x, 2, 0, "VALID")
