"""clip_by_value, clip_by_norm, global_norm and clip_by_global_norm against NumPy
versions of TF's formulas, including None gradients, non-finite norms and jit."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import clip_ops as K
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

X = np.array([[-3.0, -0.5, 0.0], [0.25, 2.0, 6.0]], np.float32)
G1 = np.array([3.0, 4.0], np.float32)
G2 = np.array([[1.0, 2.0], [2.0, 4.0]], np.float32)


def test_clip_by_value():
    out = K.clip_by_value(X, -1.0, 2.0)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), np.clip(X, -1.0, 2.0))
    lo = np.array([0.0, -1.0, 1.0], np.float32)
    np.testing.assert_array_equal(K.clip_by_value(X, lo, 1.5).numpy(), np.minimum(np.maximum(X, lo), 1.5))
    i = K.clip_by_value(constant([-5, 0, 5]), -2, 3)
    assert i.dtype == np.int32 and i.numpy().tolist() == [-2, 0, 3]
    h = K.clip_by_value(jnp.asarray(X, jnp.float16), 0.0, 1.0)
    assert h.dtype == np.float16  # Python bounds stay weakly typed
    assert float(K.clip_by_value(7.0, 0.0, 1.0)) == 1.0
    out = jax.jit(lambda t: K.clip_by_value(t, -1.0, 1.0))(constant(X))
    np.testing.assert_array_equal(np.asarray(out.value), np.clip(X, -1, 1))


def test_clip_by_value_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"clip_by_value: argument `clip_value_min` must broadcast to the shape of `t` without changing it. Received: t.shape=\[3\], clip_value_min.shape=\[2, 3\]"):
        K.clip_by_value(X[0], X, 1.0)
    with pytest.raises(TypeError, match="must have dtype int32|cannot be converted to dtype int32"):
        K.clip_by_value(constant([1, 2]), 0.5, 3)
    with pytest.raises(errors.InvalidArgumentError, match="must have the same dtype"):
        K.clip_by_value(constant(X), constant(0), 1.0)
    with pytest.raises(TypeError, match="clip_by_value: argument `t` must be .*Received: dtype=bool"):
        K.clip_by_value(np.array([True]), False, True)


def _np_clip_by_norm(t, clip, axes=None):
    t = t.astype(np.float64)
    axes = tuple(axes) if isinstance(axes, list) else axes
    norm = np.sqrt(np.sum(t * t, axis=axes, keepdims=True))
    return t * clip / np.maximum(norm, clip)


@pytest.mark.parametrize("clip,axes", [(1.0, None), (100.0, None), (1.0, 1), (2.0, [0]), (0.5, [0, 1])])
def test_clip_by_norm(clip, axes):
    out = K.clip_by_norm(X, clip, axes=axes)
    assert out.dtype == np.float32 and out.shape == X.shape
    np.testing.assert_allclose(out.numpy(), _np_clip_by_norm(X, clip, axes), rtol=1e-6)


def test_clip_by_norm_zero_tensor_and_gradient():
    zeros = np.zeros(3, np.float32)
    assert K.clip_by_norm(zeros, 1.0).numpy().tolist() == [0.0, 0.0, 0.0]
    grad = jax.grad(lambda a: jnp.sum(K.clip_by_norm(Tensor._wrap(a), 1.0).value))(jnp.zeros(3))
    assert np.all(np.isfinite(np.asarray(grad)))
    out = jax.jit(lambda t: K.clip_by_norm(t, 1.0, axes=[1]))(constant(X))
    np.testing.assert_allclose(np.asarray(out.value), _np_clip_by_norm(X, 1.0, 1), rtol=1e-6)
    tensor_clip = K.clip_by_norm(X, constant(np.float32(1.0)))
    np.testing.assert_allclose(tensor_clip.numpy(), _np_clip_by_norm(X, 1.0), rtol=1e-6)


def test_clip_by_norm_errors():
    with pytest.raises(TypeError, match="clip_by_norm: argument `t` must be a floating-point tensor. Received: dtype=int32"):
        K.clip_by_norm(constant([1, 2]), 1.0)
    with pytest.raises(errors.InvalidArgumentError, match="clip_by_norm: argument `clip_norm` must broadcast to the shape of `t` without changing it"):
        K.clip_by_norm(X[0], np.ones((2, 3), np.float32))
    with pytest.raises(errors.InvalidArgumentError, match=r"clip_by_norm: argument `axes` must be in \[-2, 2\)"):
        K.clip_by_norm(X, 1.0, axes=2)


def test_global_norm():
    out = K.global_norm([G1, None, G2])
    assert isinstance(out, Tensor) and out.dtype == np.float32
    assert out.numpy() == pytest.approx(np.sqrt(25 + 25))
    assert K.global_norm((Variable(G1),)).numpy() == pytest.approx(5.0)
    out = jax.jit(lambda a, b: K.global_norm([a, b]))(constant(G1), constant(G2))
    assert float(out.value) == pytest.approx(np.sqrt(50))


def _np_clip_global(ts, clip):
    norm = np.sqrt(sum(np.sum(t.astype(np.float64) ** 2) for t in ts if t is not None))
    return [None if t is None else t * clip / max(norm, clip) for t in ts], norm


@pytest.mark.parametrize("clip", [1.0, 5.0, 100.0])
def test_clip_by_global_norm(clip):
    ts = [G1, None, G2]
    clipped, norm = K.clip_by_global_norm(ts, clip)
    ref, ref_norm = _np_clip_global(ts, clip)
    assert isinstance(clipped, list) and len(clipped) == 3 and clipped[1] is None
    assert norm.numpy() == pytest.approx(ref_norm)
    for got, want in zip(clipped, ref):
        if want is not None:
            assert got.dtype == np.float32 and got.shape == want.shape
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)


def test_clip_by_global_norm_use_norm_tuple_and_jit():
    clipped, norm = K.clip_by_global_norm((G1, G2), 1.0, use_norm=np.float32(10.0))
    assert norm.numpy() == 10.0
    np.testing.assert_allclose(clipped[0].numpy(), G1 / 10.0, rtol=1e-6)

    def step(a, b):
        out, n = K.clip_by_global_norm([a, None, b], 2.0)
        return out[0], out[2], n

    a, b, n = jax.jit(step)(constant(G1), constant(G2))
    ref, ref_norm = _np_clip_global([G1, G2], 2.0)
    np.testing.assert_allclose(np.asarray(a.value), ref[0], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(b.value), ref[1], rtol=1e-6)
    assert float(n.value) == pytest.approx(ref_norm)


def test_clip_by_global_norm_non_finite_gives_nan():
    for bad in (np.inf, np.nan):
        clipped, norm = K.clip_by_global_norm([np.array([1.0, bad], np.float32), G1], 1.0)
        assert not np.isfinite(norm.numpy())
        assert np.all(np.isnan(clipped[0].numpy())) and np.all(np.isnan(clipped[1].numpy()))


def test_global_norm_errors():
    with pytest.raises(TypeError, match="global_norm: argument `t_list` must be a list or tuple of tensors. Received: ndarray"):
        K.global_norm(G1)
    with pytest.raises(TypeError, match="clip_by_global_norm: argument `t_list` must be a list or tuple of tensors. Received: Tensor"):
        K.clip_by_global_norm(constant(G1), 1.0)
    with pytest.raises(ValueError, match="global_norm: argument `t_list` must hold at least one tensor"):
        K.global_norm([None, None])
    with pytest.raises(errors.InvalidArgumentError, match=r"must have the same dtype. Received: t_list\[0\].dtype=float32, t_list\[1\].dtype=float16"):
        K.global_norm([constant(G1), constant(jnp.asarray(G1, jnp.float16))])
    with pytest.raises(TypeError, match=r"global_norm: argument `t_list\[0\]` must be a floating-point tensor. Received: dtype=int32"):
        K.global_norm([constant([1, 2])])
