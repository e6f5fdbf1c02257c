"""tf.nn losses against NumPy formulas written from their definitions."""

import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import loss_ops as L
from xlaflow.ops.tensor import Tensor

rs = np.random.RandomState(0)
LOGITS = rs.randn(4, 5).astype(np.float32)
PROBS = rs.dirichlet(np.ones(5), size=4).astype(np.float32)


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _log_softmax(x):
    x = x.astype(np.float64)
    m = x.max(-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(-1, keepdims=True))


def test_sigmoid_cross_entropy_matches_definition():
    z = (rs.rand(4, 5) > 0.5).astype(np.float32)
    out = L.sigmoid_cross_entropy_with_logits(labels=z, logits=LOGITS)
    p = _sigmoid(LOGITS.astype(np.float64))
    ref = -(z * np.log(p) + (1 - z) * np.log(1 - p))
    assert out.dtype == np.float32 and out.shape == (4, 5)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_sigmoid_cross_entropy_is_stable_for_large_logits():
    out = L.sigmoid_cross_entropy_with_logits(np.array([0.0, 1.0], np.float32), np.array([100.0, -100.0], np.float32))
    np.testing.assert_allclose(out.numpy(), [100.0, 100.0], rtol=1e-6)
    assert L.sigmoid_cross_entropy_with_logits(labels=1.0, logits=0.0).shape == ()


def test_weighted_cross_entropy():
    z = (rs.rand(4, 5) > 0.5).astype(np.float32)
    out = L.weighted_cross_entropy_with_logits(z, LOGITS, 3.0)
    p = _sigmoid(LOGITS.astype(np.float64))
    ref = -(3.0 * z * np.log(p) + (1 - z) * np.log(1 - p))
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5, atol=1e-6)


def test_softmax_cross_entropy_keywords_and_reference():
    out = L.softmax_cross_entropy_with_logits(logits=LOGITS, labels=PROBS)
    ref = -(PROBS * _log_softmax(LOGITS)).sum(-1)
    assert out.shape == (4,) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5)


def test_softmax_cross_entropy_axis_and_float16():
    out = L.softmax_cross_entropy_with_logits(PROBS.T, LOGITS.T, axis=0)
    np.testing.assert_allclose(out.numpy(), -(PROBS * _log_softmax(LOGITS)).sum(-1), rtol=1e-5)
    out = L.softmax_cross_entropy_with_logits(PROBS.T, LOGITS.T, axis=-2)
    assert out.shape == (4,)
    h = L.softmax_cross_entropy_with_logits(PROBS.astype(np.float16), LOGITS.astype(np.float16))
    assert h.dtype == np.float16
    np.testing.assert_allclose(h.numpy().astype(np.float32), -(PROBS * _log_softmax(LOGITS)).sum(-1), rtol=1e-2)


def test_softmax_cross_entropy_casts_labels_like_tf2():
    onehot = np.eye(5, dtype=np.int32)[[0, 1, 2, 3]]
    out = L.softmax_cross_entropy_with_logits(Tensor._wrap(jnp.asarray(onehot)), Tensor._wrap(jnp.asarray(LOGITS)))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), -_log_softmax(LOGITS)[np.arange(4), [0, 1, 2, 3]], rtol=1e-5)


def test_softmax_cross_entropy_gradient_flows_into_labels():
    g = jax.grad(lambda lab: L.softmax_cross_entropy_with_logits(Tensor._wrap(lab), LOGITS).value.sum())(jnp.asarray(PROBS))
    np.testing.assert_allclose(np.asarray(g), -_log_softmax(LOGITS), rtol=1e-5)


def test_sparse_softmax_cross_entropy():
    labels = np.array([0, 4, 2, 1], np.int32)
    out = L.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=LOGITS)
    ref = -_log_softmax(LOGITS)[np.arange(4), labels]
    assert out.shape == (4,) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-5)
    # scalar label with 1-D logits, and an empty batch
    assert abs(float(L.sparse_softmax_cross_entropy_with_logits(np.int32(2), LOGITS[0])) - ref[0] * 0 - (-_log_softmax(LOGITS)[0, 2])) < 1e-5
    assert L.sparse_softmax_cross_entropy_with_logits(np.zeros((0,), np.int32), np.zeros((0, 3), np.float32)).shape == (0,)


def test_sparse_softmax_cross_entropy_out_of_range():
    with pytest.raises(errors.InvalidArgumentError, match=r"sparse_softmax_cross_entropy_with_logits: Received a label value of 5 which is outside the valid range of \[0, 5\)"):
        L.sparse_softmax_cross_entropy_with_logits(np.array([0, 5, 1, 1], np.int32), LOGITS)
    with pytest.raises(errors.InvalidArgumentError, match=r"label value of -1"):
        L.sparse_softmax_cross_entropy_with_logits(np.array([0, -1, 1, 1], np.int32), LOGITS)
    traced = jax.jit(lambda lab: L.sparse_softmax_cross_entropy_with_logits(Tensor._wrap(lab), LOGITS).value)
    out = np.asarray(traced(jnp.array([0, 5, 1, 1], jnp.int32)))
    assert np.isnan(out[1]) and np.isfinite(out[[0, 2, 3]]).all()


def test_cross_entropy_errors():
    same_shape = r"`labels` and `logits` must have the same shape. Received: labels.shape=\[4, 4\], logits.shape=\[4, 5\]"
    with pytest.raises(errors.InvalidArgumentError, match=same_shape):
        L.softmax_cross_entropy_with_logits(labels=PROBS[:, :4], logits=LOGITS)
    sigmoid_shape = r"sigmoid_cross_entropy_with_logits: arguments `labels` and `logits` must have the same shape"
    with pytest.raises(errors.InvalidArgumentError, match=sigmoid_shape):
        L.sigmoid_cross_entropy_with_logits(labels=PROBS[0], logits=LOGITS)
    with pytest.raises(ValueError, match=r"`labels` and `logits` must both be given"):
        L.sigmoid_cross_entropy_with_logits(logits=LOGITS)
    with pytest.raises(errors.InvalidArgumentError, match=r"arguments `labels` and `logits` must have the same dtype"):
        L.sigmoid_cross_entropy_with_logits(Tensor._wrap(jnp.ones((4, 5), jnp.int32)), Tensor._wrap(jnp.asarray(LOGITS)))
    with pytest.raises(TypeError, match=r"argument `labels` must be an int32 or int64 tensor"):
        L.sparse_softmax_cross_entropy_with_logits(PROBS, LOGITS)
    with pytest.raises(errors.InvalidArgumentError, match=r"rank of labels = rank of logits - 1"):
        L.sparse_softmax_cross_entropy_with_logits(np.zeros((4, 5), np.int32), LOGITS)
    with pytest.raises(TypeError, match=r"softmax_cross_entropy_with_logits: argument `logits` must be a floating"):
        L.softmax_cross_entropy_with_logits(np.ones((2, 2), np.int32), np.ones((2, 2), np.int32))


def test_reduce_mean_of_softmax_cross_entropy_seed_example():
    y = np.eye(5, dtype=np.float32)[[0, 1, 2, 3]]
    per_example = L.softmax_cross_entropy_with_logits(logits=LOGITS, labels=y)
    ref = -_log_softmax(LOGITS)[np.arange(4), [0, 1, 2, 3]].mean()
    assert abs(float(np.mean(per_example.numpy())) - ref) < 1e-5


def test_losses_under_jit():
    f = jax.jit(lambda a, b: L.softmax_cross_entropy_with_logits(labels=a, logits=b))
    out = f(Tensor._wrap(jnp.asarray(PROBS)), Tensor._wrap(jnp.asarray(LOGITS)))
    np.testing.assert_allclose(np.asarray(out.value), -(PROBS * _log_softmax(LOGITS)).sum(-1), rtol=1e-5)
    g = jax.jit(lambda t: L.l2_loss(t))(Tensor._wrap(jnp.asarray(LOGITS)))
    np.testing.assert_allclose(float(g.value), (LOGITS.astype(np.float64) ** 2).sum() / 2, rtol=1e-5)


def test_l2_loss():
    out = L.l2_loss(LOGITS)
    assert out.shape == () and out.dtype == np.float32
    np.testing.assert_allclose(float(out), (LOGITS.astype(np.float64) ** 2).sum() / 2, rtol=1e-6)
    assert float(L.l2_loss(np.float32(3.0))) == 4.5
    assert float(L.l2_loss(np.zeros((0,), np.float32))) == 0.0
    with pytest.raises(TypeError, match=r"l2_loss: argument `t` must be a floating"):
        L.l2_loss(np.array([1, 2], np.int32))


def test_log_poisson_loss():
    targets = np.array([0.0, 1.0, 2.0, 5.0], np.float32)
    c = np.array([0.1, -0.3, 0.7, 1.5], np.float32)
    base = np.exp(c) - c * targets
    np.testing.assert_allclose(L.log_poisson_loss(targets, c).numpy(), base, rtol=1e-6)
    stirling = np.array([0, 0] + [z * math.log(z) - z + 0.5 * math.log(2 * math.pi * z) for z in (2.0, 5.0)])
    np.testing.assert_allclose(L.log_poisson_loss(targets, c, compute_full_loss=True).numpy(), base + stirling, rtol=1e-5)


def test_compute_average_loss():
    per = np.array([1.0, 2.0, 3.0, 6.0], np.float32)
    assert float(L.compute_average_loss(per)) == 3.0
    assert float(L.compute_average_loss(per, global_batch_size=8)) == 1.5
    w = np.array([1.0, 0.0, 1.0, 0.5], np.float32)
    assert float(L.compute_average_loss(per, sample_weight=w)) == pytest.approx((1 + 3 + 3) / 4)
    assert float(L.compute_average_loss(np.zeros((0,), np.float32))) == 0.0
    with pytest.raises(errors.InvalidArgumentError, match=r"`per_example_loss` must have rank >= 1"):
        L.compute_average_loss(np.float32(1.0))
    with pytest.raises(ValueError, match=r"`global_batch_size` must be a positive int. Received: 0"):
        L.compute_average_loss(per, global_batch_size=0)
    assert float(L.scale_regularization_loss(np.array([1.0, 2.0], np.float32))) == 3.0
