"""moments, batch_normalization and dropout against NumPy definitions."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import dispatch, rng
from xlaflow.ops import stat_ops as S
from xlaflow.ops.tensor import Tensor

rs = np.random.RandomState(0)
X = rs.randn(4, 3, 5).astype(np.float32)


def test_moments_matches_numpy():
    mean, var = S.moments(X, axes=[0, 2])
    assert mean.shape == (3,) and var.shape == (3,) and mean.dtype == np.float32
    np.testing.assert_allclose(mean.numpy(), X.astype(np.float64).mean((0, 2)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var.numpy(), X.astype(np.float64).var((0, 2)), rtol=1e-5)
    m2, v2 = S.moments(X, [-1], keepdims=True)
    assert m2.shape == (4, 3, 1)
    np.testing.assert_allclose(v2.numpy(), X.var(-1, keepdims=True), rtol=1e-5)
    m3, v3 = S.moments(X, [0, 1, 2])
    assert m3.shape == () and abs(float(v3) - X.var()) < 1e-5


def test_moments_float16_and_under_jit():
    m, v = S.moments(X.astype(np.float16), [0])
    assert m.dtype == np.float16 and v.dtype == np.float16
    np.testing.assert_allclose(v.numpy().astype(np.float32), X.astype(np.float16).astype(np.float32).var(0), rtol=1e-2, atol=1e-3)
    out = jax.jit(lambda t: S.moments(t, [0]))(Tensor._wrap(jnp.asarray(X)))
    np.testing.assert_allclose(np.asarray(out[1].value), X.var(0), rtol=1e-5)


def test_moments_variance_gradient():
    g = jax.grad(lambda a: S.moments(Tensor._wrap(a), [0])[1].value.sum())(jnp.asarray(X[:, 0, 0]))
    x = X[:, 0, 0].astype(np.float64)
    np.testing.assert_allclose(np.asarray(g), 2 * (x - x.mean()) / x.size, rtol=1e-5, atol=1e-6)


def test_weighted_and_normalized_moments():
    w = rs.rand(4, 1, 5).astype(np.float32)
    m, v = S.weighted_moments(X, [0, 2], w)
    wf = np.broadcast_to(w, X.shape).astype(np.float64)
    ref_m = (wf * X).sum((0, 2)) / wf.sum((0, 2))
    ref_v = (wf * (X - ref_m[None, :, None]) ** 2).sum((0, 2)) / wf.sum((0, 2))
    np.testing.assert_allclose(m.numpy(), ref_m, rtol=1e-5)
    np.testing.assert_allclose(v.numpy(), ref_v, rtol=1e-5)
    zm, zv = S.weighted_moments(X, [0], np.zeros((4, 3, 5), np.float32))
    assert np.all(zm.numpy() == 0) and np.all(zv.numpy() == 0)
    mean, var = S.normalize_moments(4.0, np.float32(10.0), np.float32(30.0), None)
    assert float(mean) == 2.5 and float(var) == 30 / 4 - 2.5**2
    mean, _ = S.normalize_moments(4.0, np.float32(10.0), np.float32(30.0), np.float32(1.0))
    assert float(mean) == 3.5


def test_batch_normalization_formula():
    mean, var = X.mean((0, 1)), X.var((0, 1))
    offset, scale = rs.randn(5).astype(np.float32), rs.rand(5).astype(np.float32)
    out = S.batch_normalization(X, mean, var, offset, scale, 1e-3)
    ref = scale * (X - mean) / np.sqrt(var + 1e-3) + offset
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(S.batch_normalization(X, mean, var, None, None, 1e-3).numpy(), (X - mean) / np.sqrt(var + 1e-3), rtol=1e-5, atol=1e-5)
    half = S.batch_normalization(X.astype(np.float16), mean, var, offset, scale, 1e-3)  # float32 statistics
    assert half.dtype == np.float16
    np.testing.assert_allclose(half.numpy().astype(np.float32), ref, rtol=1e-2, atol=1e-2)
    g = S.batch_norm_with_global_normalization(X, mean, var, offset, scale, 1e-3, True)
    np.testing.assert_allclose(g.numpy(), ref, rtol=1e-5, atol=1e-5)


def test_dropout_scaling_and_rate():
    rng.set_seed(3)
    x = np.ones((100, 100), np.float32)
    out = S.dropout(x, rate=0.25).numpy()
    kept = out != 0
    assert set(np.unique(out)) <= {0.0, np.float32(1 / 0.75)}
    assert abs(kept.mean() - 0.75) < 0.02
    assert np.array_equal(S.dropout(x, 0.0).numpy(), x)
    assert S.dropout(np.zeros((0, 3), np.float32), 0.5).shape == (0, 3)
    h = S.dropout(x.astype(np.float16), 0.5)
    assert h.dtype == np.float16


def test_dropout_noise_shape_shares_decisions():
    rng.set_seed(4)
    out = S.dropout(np.ones((50, 8), np.float32), 0.5, noise_shape=[50, 1]).numpy()
    assert all(len(set(row)) == 1 for row in out)
    out = S.dropout(np.ones((6, 40), np.float32), 0.5, noise_shape=[None, 1]).numpy()
    assert all(len(set(row)) == 1 for row in out)


def test_dropout_is_reproducible_with_seeds():
    x = np.ones((20, 20), np.float32)
    rng.set_seed(11)
    a, b = S.dropout(x, 0.5).numpy(), S.dropout(x, 0.5).numpy()
    rng.set_seed(11)
    a2, b2 = S.dropout(x, 0.5).numpy(), S.dropout(x, 0.5).numpy()
    assert np.array_equal(a, a2) and np.array_equal(b, b2) and not np.array_equal(a, b)
    rng.set_seed(5)
    c = S.dropout(x, 0.5, seed=7).numpy()
    rng.set_seed(5)
    assert np.array_equal(c, S.dropout(x, 0.5, seed=7).numpy())


def test_dropout_records_its_key_so_a_replay_gives_the_same_mask():
    class Recorder:
        calls = []

        def record(self, op, inputs, arrays, statics, outputs):
            self.calls.append((op, arrays, statics, outputs))

    rec = Recorder()
    dispatch.push_recorder(rec)
    try:
        out = S.dropout(np.ones((30,), np.float32), 0.5)
    finally:
        dispatch.pop_recorder(rec)
    op, arrays, statics, recorded = rec.calls[-1]
    assert arrays["key"] is not None
    replay = op.impl(**arrays, **statics)
    assert np.array_equal(np.asarray(replay), out.numpy())


def test_stat_errors():
    with pytest.raises(ValueError, match=r"dropout: argument `rate` must be a float in \[0, 1\). Received: 1.0"):
        S.dropout(X, 1.0)
    with pytest.raises(ValueError, match=r"Received: -0.5"):
        S.dropout(X, -0.5)
    with pytest.raises(TypeError, match=r"dropout: argument `x` must be a floating"):
        S.dropout(np.ones((2,), np.int32), 0.5)
    with pytest.raises(errors.InvalidArgumentError, match=r"dropout: argument `noise_shape` must broadcast to x's shape \[4, 3, 5\]"):
        S.dropout(X, 0.5, noise_shape=[4, 2, 5])
    with pytest.raises(errors.InvalidArgumentError, match=r"moments: argument `axes` must be in \[-3, 3\)"):
        S.moments(X, [3])
    with pytest.raises(TypeError, match=r"moments: argument `x` must be a floating"):
        S.moments(np.ones((2,), np.int32), [0])
    with pytest.raises(errors.InvalidArgumentError, match=r"batch_normalization: argument `mean` must broadcast to x's shape"):
        S.batch_normalization(X, np.zeros(4, np.float32), np.ones(5, np.float32), None, None, 1e-3)
