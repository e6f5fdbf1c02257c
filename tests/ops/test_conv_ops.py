"""Convolutions of tf.nn against naive NumPy loops (TF's definitions, not lax)."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import conv_ops as C
from xlaflow.ops.tensor import Tensor

rs = np.random.RandomState(0)


@pytest.fixture(autouse=True)
def _full_precision():
    # GPUs may run float32 convolutions in TF32 (as TF does); compare at full precision.
    with jax.default_matmul_precision("highest"):
        yield


def _same_pads(size, k_eff, s):
    out = -(-size // s)
    total = max((out - 1) * s + k_eff - size, 0)
    return total // 2, total - total // 2


def naive_conv(x, w, strides, padding, dilations=None):
    """Channels-last N-d cross-correlation, one output element at a time."""
    n = x.ndim - 2
    dilations = dilations or (1,) * n
    ks = w.shape[:n]
    k_eff = [(k - 1) * d + 1 for k, d in zip(ks, dilations)]
    if padding == "VALID":
        pads = [(0, 0)] * n
    elif padding == "SAME":
        pads = [_same_pads(x.shape[1 + i], k_eff[i], strides[i]) for i in range(n)]
    else:
        pads = padding
    xp = np.pad(x, [(0, 0)] + list(pads) + [(0, 0)])
    out_sp = [(xp.shape[1 + i] - k_eff[i]) // strides[i] + 1 for i in range(n)]
    groups = x.shape[-1] // w.shape[-2]
    out_per_group = w.shape[-1] // groups
    out = np.zeros((x.shape[0], *out_sp, w.shape[-1]), np.float64)
    for pos in itertools.product(*[range(o) for o in out_sp]):
        for kpos in itertools.product(*[range(k) for k in ks]):
            idx = tuple(p * s + kk * d for p, s, kk, d in zip(pos, strides, kpos, dilations))
            patch = xp[(slice(None), *idx)]  # [batch, in_ch]
            for g in range(groups):
                cin = slice(g * w.shape[-2], (g + 1) * w.shape[-2])
                cout = slice(g * out_per_group, (g + 1) * out_per_group)
                out[(slice(None), *pos, cout)] += patch[:, cin] @ w[(*kpos, slice(None), cout)]
    return out


def naive_conv_transpose(x, w, out_shape, strides, padding):
    """Scatters every input element through the filter (w: spatial + [out_ch, in_ch])."""
    n = x.ndim - 2
    ks = w.shape[:n]
    if padding == "VALID":
        pads = [(0, 0)] * n
    else:
        pads = [_same_pads(out_shape[1 + i], ks[i], strides[i]) for i in range(n)]
    out = np.zeros(out_shape, np.float64)
    for pos in itertools.product(*[range(s) for s in x.shape[1:-1]]):
        for kpos in itertools.product(*[range(k) for k in ks]):
            idx = tuple(p * s + kk - lo for p, s, kk, (lo, _) in zip(pos, strides, kpos, pads))
            if all(0 <= i < out_shape[1 + d] for d, i in enumerate(idx)):
                out[(slice(None), *idx)] += x[(slice(None), *pos)] @ w[kpos].T
    return out


def f32(*shape):
    return rs.randn(*shape).astype(np.float32)


@pytest.mark.parametrize("strides,padding", [(1, "VALID"), (1, "SAME"), (2, "SAME"), (2, "VALID"), (3, "SAME")])
def test_conv2d_matches_naive(strides, padding):
    x, w = f32(2, 7, 6, 3), f32(3, 2, 3, 4)
    out = C.conv2d(x, w, strides, padding)
    ref = naive_conv(x.astype(np.float64), w.astype(np.float64), (strides, strides), padding)
    assert out.dtype == np.float32 and out.shape == ref.shape
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-4)


def test_conv2d_stride_forms_dilations_and_explicit_padding():
    x, w = f32(1, 8, 8, 2), f32(3, 3, 2, 3)
    ref = naive_conv(x, w, (2, 1), "SAME")
    for strides in ([2, 1], [1, 2, 1, 1]):
        np.testing.assert_allclose(C.conv2d(x, w, strides, "SAME").numpy(), ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(C.conv2d(x, w, 1, "VALID", dilations=2).numpy(), naive_conv(x, w, (1, 1), "VALID", (2, 2)), rtol=1e-4, atol=1e-4)
    explicit = [[0, 0], [1, 2], [0, 1], [0, 0]]
    np.testing.assert_allclose(C.conv2d(x, w, 1, explicit).numpy(), naive_conv(x, w, (1, 1), [(1, 2), (0, 1)]), rtol=1e-4, atol=1e-4)


def test_conv2d_nchw_grouped_and_extra_batch_dims():
    x, w = f32(2, 5, 5, 4), f32(3, 3, 4, 6)
    nchw = C.conv2d(np.transpose(x, (0, 3, 1, 2)), w, [1, 1, 2, 2], "SAME", data_format="NCHW")
    np.testing.assert_allclose(np.transpose(nchw.numpy(), (0, 2, 3, 1)), naive_conv(x, w, (2, 2), "SAME"), rtol=1e-4, atol=1e-4)
    wg = f32(3, 3, 2, 6)  # two groups of 2 input channels
    np.testing.assert_allclose(C.conv2d(x, wg, 1, "SAME").numpy(), naive_conv(x, wg, (1, 1), "SAME"), rtol=1e-4, atol=1e-4)
    many = C.conv2d(x.reshape(1, 2, 5, 5, 4), w, 1, "VALID")
    assert many.shape == (1, 2, 3, 3, 6)


def test_conv1d_and_conv3d_and_convolution():
    x, w = f32(2, 9, 3), f32(3, 3, 5)
    ref = naive_conv(x, w, (2,), "SAME")
    np.testing.assert_allclose(C.conv1d(x, w, 2, "SAME").numpy(), ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(C.convolution(x, w, strides=2, padding="SAME").numpy(), ref, rtol=1e-4, atol=1e-4)
    ncw = C.conv1d(np.transpose(x, (0, 2, 1)), w, 2, "SAME", data_format="NCW")
    np.testing.assert_allclose(np.transpose(ncw.numpy(), (0, 2, 1)), ref, rtol=1e-4, atol=1e-4)
    x3, w3 = f32(1, 4, 5, 4, 2), f32(2, 2, 3, 2, 3)
    np.testing.assert_allclose(C.conv3d(x3, w3, [1, 1, 2, 1, 1], "SAME").numpy(), naive_conv(x3, w3, (1, 2, 1), "SAME"), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(C.atrous_conv2d(f32(1, 7, 7, 2) * 0 + 1, np.ones((2, 2, 2, 1), np.float32), 2, "VALID").numpy(), 8.0)


@pytest.mark.parametrize("in_hw,out_hw,strides,padding", [
    ((3, 3), (5, 5), 2, "SAME"), ((3, 3), (6, 6), 2, "SAME"), ((2, 2), (5, 5), 2, "VALID"),
    ((4, 3), (4, 3), 1, "SAME"), ((2, 2), (6, 7), 3, "VALID"),
])
def test_conv2d_transpose_matches_naive(in_hw, out_hw, strides, padding):
    x, w = f32(2, *in_hw, 4), f32(3, 3, 2, 4)
    out_shape = [2, *out_hw, 2]
    out = C.conv2d_transpose(x, w, out_shape, strides, padding)
    ref = naive_conv_transpose(x.astype(np.float64), w.astype(np.float64), out_shape, (strides, strides), padding)
    assert out.shape == tuple(out_shape) and out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-4)


def test_conv_transpose_is_the_adjoint_of_conv():
    x, w = f32(1, 7, 5), f32(3, 5, 2)  # conv1d from 5 to 2 channels
    y = C.conv1d(x, w, 2, "SAME")
    g = f32(*y.shape)
    back = C.conv1d_transpose(g, w, [1, 7, 5], 2, "SAME")
    # <conv(x), g> == <x, conv_transpose(g)>
    assert abs(float((y.numpy() * g).sum()) - float((x * back.numpy()).sum())) < 1e-3
    pad = [[0, 0], [3, 3], [0, 0]]  # explicit padding wider than the filter
    y = C.conv1d(x, w, 2, pad)
    g = f32(*y.shape)
    back = C.conv1d_transpose(g, w, [1, 7, 5], 2, pad)
    assert abs(float((y.numpy() * g).sum()) - float((x * back.numpy()).sum())) < 1e-3
    x3, w3 = f32(1, 3, 3, 3, 2), f32(2, 2, 2, 4, 2)
    assert C.conv3d_transpose(x3, w3, [1, 6, 6, 6, 4], 2).shape == (1, 6, 6, 6, 4)
    assert C.conv_transpose(x3, w3, [1, 6, 6, 6, 4], 2).shape == (1, 6, 6, 6, 4)


def test_depthwise_and_separable():
    x, w = f32(2, 6, 6, 3), f32(3, 3, 3, 2)
    out = C.depthwise_conv2d(x, w, [1, 1, 1, 1], "SAME")
    ref = np.concatenate([naive_conv(x[..., c:c + 1], w[:, :, c:c + 1, :], (1, 1), "SAME") for c in range(3)], -1)
    assert out.shape == (2, 6, 6, 6)
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-4, atol=1e-4)  # channel c*2+m comes from input c
    pw = f32(1, 1, 6, 4)
    sep = C.separable_conv2d(x, w, pw, [1, 2, 2, 1], "VALID")
    mid = np.concatenate([naive_conv(x[..., c:c + 1], w[:, :, c:c + 1, :], (2, 2), "VALID") for c in range(3)], -1)
    np.testing.assert_allclose(sep.numpy(), mid @ pw[0, 0], rtol=1e-4, atol=1e-4)


def test_bias_add():
    v, b = f32(2, 3, 4), f32(4)
    out = C.bias_add(v, b)
    np.testing.assert_allclose(out.numpy(), v + b, rtol=1e-6)
    assert out.dtype == np.float32
    nc = C.bias_add(f32(2, 4, 3), b, data_format="NCHW")
    assert nc.shape == (2, 4, 3)
    np.testing.assert_allclose(C.bias_add(np.zeros((2, 4, 3), np.float32), b, "NC...").numpy(), np.broadcast_to(b[None, :, None], (2, 4, 3)))
    assert C.bias_add(np.array([[1, 2]], np.int32), np.array([10, 20], np.int32)).numpy().tolist() == [[11, 22]]
    per_channel = r"bias_add: argument `bias` must have one entry per channel of `value` \(dimension 2, size 4\). Received: bias.shape=\[3\]"
    with pytest.raises(errors.InvalidArgumentError, match=per_channel):
        C.bias_add(v, f32(3))
    with pytest.raises(errors.InvalidArgumentError, match=r"must be 1-D"):
        C.bias_add(v, f32(1, 4))
    with pytest.raises(errors.InvalidArgumentError, match=r"must have the same dtype"):
        C.bias_add(Tensor._wrap(jnp.asarray(v)), Tensor._wrap(jnp.ones(4, jnp.float16)))


def test_conv_under_jit_and_gradient():
    x, w = f32(1, 5, 5, 2), f32(3, 3, 2, 2)
    f = jax.jit(lambda a, b: C.conv2d(a, b, 1, "SAME"))
    out = f(Tensor._wrap(jnp.asarray(x)), Tensor._wrap(jnp.asarray(w)))
    np.testing.assert_allclose(np.asarray(out.value), naive_conv(x, w, (1, 1), "SAME"), rtol=1e-4, atol=1e-4)
    grad = jax.grad(lambda a: C.conv2d(Tensor._wrap(a), w, 1, "SAME").value.sum())(jnp.asarray(x))
    assert grad.shape == x.shape


def test_conv_errors():
    x, w = f32(1, 5, 5, 3), f32(3, 3, 3, 4)
    bad_len = r"conv2d: argument `strides` must be an int or a list of 1, 2 or 4 ints. Received: \[1, 1, 1\]"
    with pytest.raises(errors.InvalidArgumentError, match=bad_len):
        C.conv2d(x, w, [1, 1, 1], "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv2d: argument `strides` must be 1 in the batch and channel dimensions"):
        C.conv2d(x, w, [2, 1, 1, 1], "SAME")
    with pytest.raises(ValueError, match=r"conv2d: argument `padding` must be 'SAME', 'VALID' or a list"):
        C.conv2d(x, w, 1, "FULL")
    with pytest.raises(ValueError, match=r"conv2d: argument `data_format` must be 'NHWC' or 'NCHW'. Received: 'NWC'"):
        C.conv2d(x, w, 1, "SAME", data_format="NWC")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv2d: the input channels \(3\) must be a multiple"):
        C.conv2d(x, f32(3, 3, 2, 4), 1, "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv2d: argument `input` must have rank 4"):
        C.conv2d(x[0], w, 1, "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv2d: argument `filters` must have rank 4"):
        C.conv2d(x, w[0], 1, "SAME")
    with pytest.raises(TypeError, match=r"conv2d: argument `input` must be a floating"):
        C.conv2d(np.ones((1, 3, 3, 1), np.int32), np.ones((1, 1, 1, 1), np.int32), 1, "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv2d_transpose: argument `output_shape` does not fit the input"):
        C.conv2d_transpose(f32(1, 3, 3, 4), f32(3, 3, 2, 4), [1, 9, 9, 2], 2, "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv2d_transpose: argument `output_shape` must be"):
        C.conv2d_transpose(f32(1, 3, 3, 4), f32(3, 3, 2, 4), [1, 6, 6, 3], 2, "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"conv1d: argument `stride` must be an int or a list of 1 or 3 ints"):
        C.conv1d(f32(1, 5, 3), f32(3, 3, 2), [1, 1], "SAME")
    with pytest.raises(ValueError, match=r"atrous_conv2d: argument `rate` must be a positive int. Received: 0"):
        C.atrous_conv2d(x, w, 0, "SAME")
    with pytest.raises(errors.InvalidArgumentError, match=r"depthwise_conv2d: argument `filter` must be \[height, width, in_channels=3"):
        C.depthwise_conv2d(x, f32(3, 3, 2, 1), [1, 1, 1, 1], "SAME")
