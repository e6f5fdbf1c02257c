"""The op cases whose results are pinned to real TensorFlow.

One table, read by two programs: ``tools/golden/make_ops_golden.py`` runs every case on
real TensorFlow and stores inputs and outputs in ``ops_tf.npz``;
``test_ops_match_tf.py`` runs the same calls on xlaflow with the stored inputs and
compares. A case is a function ``call(tf, **inputs)`` written against TF's public API
(``tf`` is ``tensorflow`` in the generator and ``xlaflow`` in the test), so both sides
call the same names with the same arguments. The inputs are NumPy arrays (float32 /
int32 / bool), built here from fixed seeds.

Cases are picked where TF's definition is not the obvious NumPy formula: rounding,
integer division, SAME padding, ties, overflow-safe losses and so on. ``tf.random``
is absent on purpose: xlaflow's generator is JAX's, not TF's.

This module imports neither TensorFlow nor xlaflow.
"""

from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

F32_RTOL, F32_ATOL = 1e-5, 1e-6


class Case(NamedTuple):
    """One golden case: ``call(tf, **inputs)`` gives a tensor or a nest of tensors."""

    name: str
    inputs: dict[str, np.ndarray]
    call: Callable[..., Any]
    rtol: float
    atol: float
    signed_zeros: bool  # also compare the sign of zero results (-0.0 vs 0.0)


CASES: list[Case] = []


def case(name: str, *, rtol: float = F32_RTOL, atol: float = F32_ATOL, signed_zeros: bool = False, **inputs: Any):
    """Register the decorated ``call(tf, **inputs)`` as case ``name``."""
    assert "/" not in name and name not in {c.name for c in CASES}, name

    def register(call: Callable[..., Any]) -> Callable[..., Any]:
        CASES.append(Case(name, {k: np.asarray(v) for k, v in inputs.items()}, call, rtol, atol, signed_zeros))
        return call

    return register


def f32(values: Any) -> np.ndarray:
    return np.asarray(values, np.float32)


def i32(values: Any) -> np.ndarray:
    return np.asarray(values, np.int32)


def randn(seed: int, *shape: int, scale: float = 1.0) -> np.ndarray:
    return (np.random.RandomState(seed).randn(*shape) * scale).astype(np.float32)


def randint(seed: int, low: int, high: int, *shape: int) -> np.ndarray:
    return np.random.RandomState(seed).randint(low, high, size=shape).astype(np.int32)


INF = np.inf
NAN = np.nan
HALVES = f32([-3.5, -2.5, -1.5, -0.5, -0.0, 0.5, 1.5, 2.5, 3.5, 0.49999997, -0.49999997, 2.4, -2.6, 1e8 + 0.5])
ACT_X = f32(np.concatenate([np.linspace(-6, 6, 25), [-100, -30, -16, -15, -1e-4, 1e-4, 15, 16, 20, 30, 100]]))
WELL_CONDITIONED = (np.random.RandomState(7).randn(3, 3, 3) + 3 * np.eye(3) * np.array([1, -1, 1])[:, None, None]).astype(np.float32)

# ----------------------------------------------------------------------------- rounding, division, cast


@case("round_half_to_even", x=HALVES, signed_zeros=True)
def _(tf, x):
    return tf.math.round(x)


@case("round_top_level_int32", x=i32([-3, 0, 7]))
def _(tf, x):
    return tf.round(x)


FDIV_A = i32([7, -7, 7, -7, 0, -1, 1, 5, -5, 2147483647, -2147483647])
FDIV_B = i32([2, 2, -2, -2, 3, 3, -3, -5, 5, 2, -2])


@case("floordiv_int32", x=FDIV_A, y=FDIV_B)
def _(tf, x, y):
    return tf.math.floordiv(x, y)


@case("floormod_int32", x=FDIV_A, y=FDIV_B)
def _(tf, x, y):
    return tf.math.floormod(x, y)


@case("floordiv_floormod_int32_operators", x=FDIV_A, y=FDIV_B)
def _(tf, x, y):
    a, b = tf.constant(x), tf.constant(y)
    return a // b, a % b


FDIV_FA = f32([7.5, -7.5, 7.5, -7.5, 6.0, -6.0, 0.0, 1.0, -1.0, 1.0, 0.3, -0.3, 5.0, 1e10])
FDIV_FB = f32([2.0, 2.0, -2.0, -2.0, -3.0, 3.0, -3.0, 0.1, 0.1, 3.0, 0.1, 0.1, 0.5, 3.0])


@case("floordiv_float32", x=FDIV_FA, y=FDIV_FB, signed_zeros=True)
def _(tf, x, y):
    return tf.math.floordiv(x, y)


@case("floormod_float32", x=FDIV_FA, y=FDIV_FB, signed_zeros=True)
def _(tf, x, y):
    return tf.math.floormod(x, y)


@case("floordiv_floormod_float32_by_zero", x=f32([1.0, -1.0, 0.0, 2.0]), y=f32([0.0, 0.0, 0.0, -0.0]))
def _(tf, x, y):
    return tf.math.floordiv(x, y), tf.math.floormod(x, y)


TDIV_A = i32([7, -7, 1, 0, 2147483647, -3])
TDIV_B = i32([2, 2, 3, 5, 3, -4])


@case("truediv_int32", x=TDIV_A, y=TDIV_B)
def _(tf, x, y):
    return tf.math.truediv(x, y), tf.divide(x, y)


@case("truediv_int32_operator", x=TDIV_A, y=TDIV_B)
def _(tf, x, y):
    return tf.constant(x) / tf.constant(y)


@case("cast_float_to_int32_truncates", x=f32([-2.7, -1.5, -0.5, -0.0, 0.3, 0.7, 1.5, 2.5, -7.99, 16777216.0]))
def _(tf, x):
    return tf.cast(x, tf.int32)


@case("cast_float_to_int32_large", x=f32([2147483520.0, -2147483648.0, 1e9, -1e9, 16777217.0]))
def _(tf, x):
    return tf.cast(x, tf.int32)


# Outside int32's range TF's CPU kernel is a C++ static_cast (undefined behaviour; x86
# gives INT_MIN), while XLA saturates. The test expects this case to differ.
@case("cast_float_to_int32_out_of_range", x=f32([3e9, -3e9, 1e20, -1e20, 2147483648.0]))
def _(tf, x):
    return tf.cast(x, tf.int32)


@case("cast_to_bool", x=f32([0.0, -0.0, 1e-30, -2.0, 0.5, NAN, INF, -INF]), n=i32([0, 1, -1, 7]))
def _(tf, x, n):
    return tf.cast(x, tf.bool), tf.cast(n, tf.bool), tf.cast(tf.cast(x, tf.bool), tf.float32)


@case("cast_int32_to_float32_rounds", n=i32([16777217, 16777219, -16777217, 2147483647]))
def _(tf, n):
    return tf.cast(n, tf.float32)


# ----------------------------------------------------------------------------- reductions


RMEAN_INT = i32([[1, 2, -3, 4], [-1, -2, 4, 5], [7, -8, 2, 0]])


@case("reduce_mean_int32", x=RMEAN_INT)
def _(tf, x):
    return (tf.math.reduce_mean(x), tf.math.reduce_mean(x, axis=0), tf.math.reduce_mean(x, axis=1),
            tf.reduce_mean(x, axis=[0, 1], keepdims=True))


@case("reduce_mean_float32", x=randn(1, 3, 4))
def _(tf, x):
    return tf.math.reduce_mean(x), tf.math.reduce_mean(x, axis=-1, keepdims=True)


VAR_X = np.concatenate([randn(2, 2, 5), randn(3, 2, 5) + 1000.0]).astype(np.float32)


@case("reduce_variance_std", x=VAR_X)
def _(tf, x):
    return (tf.math.reduce_variance(x), tf.math.reduce_variance(x, axis=0), tf.math.reduce_variance(x, axis=1, keepdims=True),
            tf.math.reduce_std(x), tf.math.reduce_std(x, axis=1), tf.math.reduce_std(x, axis=[0, 1], keepdims=True))


@case("reduce_logsumexp_inf_rows", x=f32([[-INF, -INF, -INF], [1.0, 2.0, 3.0], [-INF, 0.0, -INF],
                                          [1000.0, 1000.0, -1000.0], [INF, 1.0, 2.0], [-90.0, -100.0, -110.0]]))
def _(tf, x):
    return (tf.math.reduce_logsumexp(x, axis=1), tf.math.reduce_logsumexp(x, axis=1, keepdims=True),
            tf.reduce_logsumexp(x[1:4]), tf.reduce_logsumexp(x[:1]))


TIES = f32([[1.0, 3.0, 3.0, 0.0], [2.0, 2.0, -1.0, 2.0], [-5.0, -5.0, -5.0, -5.0]])


@case("argmax_argmin_ties", x=TIES)
def _(tf, x):
    return (tf.math.argmax(x, axis=1), tf.math.argmax(x, axis=0), tf.argmin(x, axis=1), tf.argmin(x, axis=0),
            tf.math.argmax(x, axis=1, output_type=tf.int32), tf.argmax(x[0]))


@case("argmax_int32_ties", x=i32([[4, 9, 9], [0, 0, -2]]))
def _(tf, x):
    return tf.math.argmax(x, axis=-1, output_type=tf.int32), tf.math.argmin(x, axis=0, output_type=tf.int32)


@case("top_k_ties", x=f32([[1.0, 3.0, 3.0, 2.0, 3.0, 0.0], [5.0, 5.0, 5.0, 5.0, 1.0, 6.0]]), v=f32([2.0, 7.0, 7.0, -1.0]))
def _(tf, x, v):
    return tf.math.top_k(x, k=3), tf.nn.top_k(v, k=2), tf.math.top_k(x, k=6).indices


@case("top_k_int32", x=i32([[3, 1, 3, 3, 2], [-1, -1, 0, -2, 0]]))
def _(tf, x):
    return tf.math.top_k(x, k=4)


# ----------------------------------------------------------------------------- scans


SCAN_F = randn(4, 3, 4)
SCAN_I = randint(5, -3, 4, 3, 4)


@case("cumsum_exclusive_reverse", x=SCAN_F, n=SCAN_I)
def _(tf, x, n):
    return (tf.math.cumsum(x), tf.math.cumsum(x, axis=1), tf.math.cumsum(x, axis=1, exclusive=True),
            tf.math.cumsum(x, axis=1, reverse=True), tf.math.cumsum(x, axis=0, exclusive=True, reverse=True),
            tf.cumsum(n, axis=-1, exclusive=True), tf.cumsum(n, axis=0, reverse=True))


@case("cumprod_exclusive_reverse", x=SCAN_F, n=SCAN_I)
def _(tf, x, n):
    return (tf.math.cumprod(x, axis=1), tf.math.cumprod(x, axis=1, exclusive=True), tf.math.cumprod(x, axis=0, reverse=True),
            tf.math.cumprod(x, axis=1, exclusive=True, reverse=True), tf.math.cumprod(n, axis=1, exclusive=True))


# ----------------------------------------------------------------------------- activations


BIG_LOGITS = f32([[1000.0, 1001.0, 1002.0, 999.0], [-1000.0, -1000.0, -1000.0, -1000.0],
                  [0.0, -INF, 1.0, 2.0], [88.0, 89.0, -104.0, 0.0], [3.0, 1.0, 0.2, -7.0]])


@case("softmax_large_logits", x=BIG_LOGITS)
def _(tf, x):
    return tf.nn.softmax(x), tf.nn.softmax(x[:, 1:], axis=0), tf.math.softmax(x[1:2])


@case("log_softmax_large_logits", x=BIG_LOGITS)
def _(tf, x):
    return tf.nn.log_softmax(x), tf.nn.log_softmax(x[:, 1:], axis=0), tf.math.log_softmax(x[3])


@case("gelu_exact_and_tanh", x=ACT_X)
def _(tf, x):
    return tf.nn.gelu(x), tf.nn.gelu(x, approximate=True), tf.nn.gelu(x, approximate=False)


@case("selu_elu", x=ACT_X)
def _(tf, x):
    return tf.nn.selu(x), tf.nn.elu(x)


@case("leaky_relu_relu6_relu", x=ACT_X)
def _(tf, x):
    return tf.nn.leaky_relu(x), tf.nn.leaky_relu(x, alpha=0.01), tf.nn.relu6(x), tf.nn.relu(x)


@case("silu_swish", x=ACT_X)
def _(tf, x):
    return tf.nn.silu(x), tf.nn.silu(x, beta=0.5), tf.nn.swish(x)


@case("softplus_log_sigmoid_large", x=f32(np.concatenate([ACT_X, [-1000.0, -88.0, -87.0, 88.0, 1000.0]])))
def _(tf, x):
    return tf.math.softplus(x), tf.nn.softplus(x), tf.math.log_sigmoid(x), tf.math.sigmoid(x)


# ----------------------------------------------------------------------------- losses


SOFT_LABELS = np.random.RandomState(9).dirichlet(np.ones(4), size=5).astype(np.float32)
SIG_X = f32([-1000.0, -100.0, -20.0, -1.0, 0.0, 1.0, 20.0, 100.0, 1000.0, -0.5])
SIG_Z = f32([0.0, 1.0, 0.5, 1.0, 0.0, 0.3, 0.0, 1.0, 0.0, 1.0])


@case("softmax_cross_entropy_with_logits", labels=SOFT_LABELS, logits=np.nan_to_num(BIG_LOGITS, neginf=-50.0))
def _(tf, labels, logits):
    return (tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits),
            tf.nn.softmax_cross_entropy_with_logits(labels=labels.T, logits=logits.T, axis=0))


@case("sparse_softmax_cross_entropy_with_logits", labels=i32([2, 0, 3, 2, 1]), logits=np.nan_to_num(BIG_LOGITS, neginf=-50.0))
def _(tf, labels, logits):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)


@case("sigmoid_cross_entropy_large_logits", labels=SIG_Z, logits=SIG_X)
def _(tf, labels, logits):
    return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)


@case("weighted_cross_entropy_large_logits", labels=SIG_Z, logits=SIG_X)
def _(tf, labels, logits):
    return (tf.nn.weighted_cross_entropy_with_logits(labels=labels, logits=logits, pos_weight=3.0),
            tf.nn.weighted_cross_entropy_with_logits(labels=labels, logits=logits, pos_weight=0.25))


@case("l2_loss", x=randn(10, 3, 5), n=f32([3.0, -4.0]))
def _(tf, x, n):
    return tf.nn.l2_loss(x), tf.nn.l2_loss(n)


# ----------------------------------------------------------------------------- normalization and clipping


BN_X = (randn(11, 4, 3, 2, 5) * 2.0 + 3.0).astype(np.float32)


@case("moments", x=BN_X)
def _(tf, x):
    return tf.nn.moments(x, axes=[0]), tf.nn.moments(x, axes=[0, 1, 2], keepdims=True), tf.nn.moments(x, axes=[1, 3])


@case("batch_normalization", x=BN_X, mean=randn(12, 5), variance=np.abs(randn(13, 5)) + 0.1,
      offset=randn(14, 5), scale=randn(15, 5))
def _(tf, x, mean, variance, offset, scale):
    return (tf.nn.batch_normalization(x, mean, variance, offset, scale, variance_epsilon=1e-3),
            tf.nn.batch_normalization(x, mean, variance, None, None, variance_epsilon=1e-5))


@case("l2_normalize_zero_and_tiny_rows", x=f32([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1e-7, -2e-7, 2e-7], [1e20, 1e20, 0.0]]))
def _(tf, x):
    return (tf.math.l2_normalize(x, axis=1), tf.math.l2_normalize(x[:3], axis=0), tf.nn.l2_normalize(x[:3]),
            tf.math.l2_normalize(x[:3], axis=-1, epsilon=1e-4))


CLIP_T = randn(16, 2, 3, scale=2.0)


@case("clip_by_norm", t=CLIP_T)
def _(tf, t):
    return (tf.clip_by_norm(t, 1.0), tf.clip_by_norm(t, 100.0), tf.clip_by_norm(t, 1.5, axes=[1]),
            tf.clip_by_norm(t, 0.5, axes=0))


@case("clip_by_global_norm_none_entries", a=CLIP_T, b=randn(17, 4))
def _(tf, a, b):
    clipped, norm = tf.clip_by_global_norm([a, None, b], 2.0)
    unclipped, norm2 = tf.clip_by_global_norm([a, b], 1000.0)
    return clipped, norm, unclipped, norm2, tf.linalg.global_norm([a, None, b])


@case("clip_by_value", x=randn(18, 3, 4, scale=3.0), lo=randn(19, 4) - 1.0, n=randint(20, -10, 10, 6))
def _(tf, x, lo, n):
    return tf.clip_by_value(x, -1.0, 2.5), tf.clip_by_value(x, lo, 1.0), tf.clip_by_value(n, -3, 4)


# ----------------------------------------------------------------------------- linear algebra


VEC = randn(21, 2, 5)
MAT = randn(22, 2, 3, 4)


@case("norm_vector_ords", v=VEC)
def _(tf, v):
    return (tf.norm(v), tf.norm(v, axis=1), tf.linalg.norm(v, ord=1, axis=1), tf.linalg.norm(v, ord=2, axis=-1),
            tf.linalg.norm(v, ord=np.inf, axis=1), tf.linalg.norm(v, ord=3, axis=1), tf.linalg.norm(v, ord=0.5, axis=0),
            tf.linalg.norm(v, axis=1, keepdims=True))


@case("norm_matrix_ords", m=MAT)
def _(tf, m):
    return (tf.norm(m), tf.linalg.norm(m, ord="fro", axis=[-2, -1]), tf.linalg.norm(m, ord=1, axis=[-2, -1]),
            tf.linalg.norm(m, ord=np.inf, axis=[-2, -1]), tf.linalg.norm(m, ord=2, axis=[-2, -1]),
            tf.linalg.norm(m, ord="euclidean", axis=[1, 2], keepdims=True))


@case("einsum", a=randn(23, 2, 3, 4), b=randn(24, 2, 4, 5), m=randn(25, 4, 4), v=randn(26, 3), w=randn(27, 5))
def _(tf, a, b, m, v, w):
    return (tf.einsum("bij,bjk->bik", a, b), tf.einsum("ij,jk->ik", a[0], b[0]), tf.einsum("ii->i", m),
            tf.einsum("ii", m), tf.einsum("ijk->", a), tf.einsum("i,j->ij", v, w), tf.einsum("...ij,...jk->...ik", a, b),
            tf.einsum("ijk->kij", a), tf.einsum("bij,bkj->bik", a, a), tf.einsum("ij,j->i", m, m[0]))


@case("tensordot", a=randn(28, 3, 4, 5), b=randn(29, 4, 5, 2), c=randn(30, 5, 2, 3))
def _(tf, a, b, c):
    return (tf.tensordot(a, b, axes=2), tf.tensordot(a[:, :, 0], b[:, 0, :], axes=1), tf.tensordot(a[:, :, 0], b[:, 0, :], axes=[[1], [0]]),
            tf.tensordot(a[0, :2, :2], c[0, 0], axes=0), tf.tensordot(a, c, axes=[[0, 2], [2, 0]]))


@case("det_inv_slogdet", m=WELL_CONDITIONED)
def _(tf, m):
    return tf.linalg.det(m), tf.linalg.inv(m), tf.linalg.slogdet(m), tf.linalg.logdet(tf.matmul(m, m, transpose_b=True))


# ----------------------------------------------------------------------------- convolution and pooling


IMG = randn(31, 2, 7, 6, 3)
SEQ = randn(32, 2, 9, 3)


@case("conv1d", x=SEQ, k=randn(33, 3, 3, 4))
def _(tf, x, k):
    return (tf.nn.conv1d(x, k, stride=2, padding="SAME"), tf.nn.conv1d(x, k, stride=1, padding="VALID"),
            tf.nn.conv1d(x, k, stride=1, padding="SAME", dilations=2))


@case("conv2d_same_valid_stride2", x=IMG, k=randn(34, 3, 3, 3, 4))
def _(tf, x, k):
    return (tf.nn.conv2d(x, k, strides=1, padding="SAME"), tf.nn.conv2d(x, k, strides=2, padding="SAME"),
            tf.nn.conv2d(x, k, strides=[1, 2, 2, 1], padding="VALID"), tf.nn.conv2d(x, k[:2], strides=[2, 1], padding="SAME"))


@case("conv2d_dilation2", x=IMG, k=randn(35, 2, 3, 3, 4))
def _(tf, x, k):
    return (tf.nn.conv2d(x, k, strides=1, padding="SAME", dilations=2),
            tf.nn.conv2d(x, k, strides=1, padding="VALID", dilations=[1, 2, 2, 1]))


@case("conv2d_explicit_padding", x=IMG, k=randn(36, 3, 3, 3, 2))
def _(tf, x, k):
    return tf.nn.conv2d(x, k, strides=2, padding=[[0, 0], [1, 2], [0, 1], [0, 0]])


@case("conv2d_transpose", x=randn(37, 2, 4, 3, 4), k=randn(38, 3, 3, 5, 4))
def _(tf, x, k):
    return (tf.nn.conv2d_transpose(x, k, output_shape=[2, 8, 6, 5], strides=2, padding="SAME"),
            tf.nn.conv2d_transpose(x, k, output_shape=[2, 7, 5, 5], strides=2, padding="SAME"),
            tf.nn.conv2d_transpose(x, k, output_shape=[2, 9, 7, 5], strides=[1, 2, 2, 1], padding="VALID"),
            tf.nn.conv2d_transpose(x, k, output_shape=[2, 4, 3, 5], strides=1, padding="SAME"))


@case("depthwise_conv2d", x=IMG, k=randn(39, 3, 3, 3, 2))
def _(tf, x, k):
    return (tf.nn.depthwise_conv2d(x, k, strides=[1, 2, 2, 1], padding="SAME"),
            tf.nn.depthwise_conv2d(x, k, strides=[1, 1, 1, 1], padding="VALID"),
            tf.nn.depthwise_conv2d(x, k, strides=[1, 1, 1, 1], padding="SAME", dilations=[2, 2]))


@case("pool2d_same_stride2", x=IMG)
def _(tf, x):
    return (tf.nn.max_pool2d(x, ksize=3, strides=2, padding="SAME"), tf.nn.avg_pool2d(x, ksize=3, strides=2, padding="SAME"),
            tf.nn.max_pool2d(x, ksize=2, strides=2, padding="SAME"), tf.nn.avg_pool2d(x, ksize=2, strides=2, padding="SAME"),
            tf.nn.avg_pool2d(x, ksize=[3, 2], strides=[1, 2], padding="SAME"), tf.nn.max_pool2d(-x, ksize=3, strides=1, padding="SAME"))


@case("pool2d_valid", x=IMG)
def _(tf, x):
    return tf.nn.max_pool2d(x, ksize=3, strides=2, padding="VALID"), tf.nn.avg_pool2d(x, ksize=2, strides=[1, 2, 2, 1], padding="VALID")


@case("pool1d", x=SEQ)
def _(tf, x):
    return (tf.nn.max_pool1d(x, ksize=3, strides=2, padding="SAME"), tf.nn.avg_pool1d(x, ksize=3, strides=2, padding="SAME"),
            tf.nn.avg_pool1d(x, ksize=2, strides=2, padding="SAME"), tf.nn.max_pool1d(x, ksize=2, strides=1, padding="VALID"),
            tf.nn.avg_pool1d(x, ksize=4, strides=3, padding="VALID"))


@case("bias_add", x=randn(40, 2, 3, 4), b=randn(41, 4), y=randn(42, 2, 3, 4, 5), c=randn(43, 3))
def _(tf, x, b, y, c):
    return tf.nn.bias_add(x, b), tf.nn.bias_add(y, c, data_format="NCHW")


# ----------------------------------------------------------------------------- gather, one_hot, pad, tile


@case("one_hot", i=i32([0, 2, -1, 1, 3]), m=i32([[0, 2], [-1, 1]]))
def _(tf, i, m):
    return (tf.one_hot(i, 3), tf.one_hot(i, 3, on_value=5.0, off_value=-1.0), tf.one_hot(i, 3, axis=0),
            tf.one_hot(m, 4, on_value=7, off_value=2), tf.one_hot(m, 3, axis=1), tf.one_hot(m, 3, dtype=tf.int32),
            tf.one_hot(i, 3, on_value=True, off_value=False))


@case("gather_batch_dims", p=randn(44, 2, 4, 3), i=i32([[0, 3], [2, 2]]), j=i32([[[1], [0]], [[3], [3]]]))
def _(tf, p, i, j):
    return (tf.gather(p, i, axis=1, batch_dims=1), tf.gather(p, i[0], axis=1), tf.gather(p, i % 2),
            tf.gather(p, i % 3, axis=-1), tf.gather(p, j, axis=1, batch_dims=1))


@case("gather_nd", p=randn(45, 3, 4, 2), i=i32([[0, 1], [2, 3], [1, 0]]), s=i32([[1], [0]]), b=i32([[1, 0], [3, 1]]))
def _(tf, p, i, s, b):
    return tf.gather_nd(p, i), tf.gather_nd(p, s), tf.gather_nd(p[:2], b, batch_dims=1), tf.gather_nd(p, i[:, None, :])


PAD_X = f32(np.arange(1, 13).reshape(3, 4))


@case("pad_reflect_symmetric", x=PAD_X, n=i32(np.arange(6).reshape(2, 3)))
def _(tf, x, n):
    return (tf.pad(x, [[1, 2], [3, 2]], mode="REFLECT"), tf.pad(x, [[2, 3], [4, 1]], mode="SYMMETRIC"),
            tf.pad(x, [[1, 0], [0, 2]], constant_values=-1.5), tf.pad(n, [[1, 1], [2, 2]], mode="reflect"),
            tf.pad(n, [[0, 2], [3, 3]], mode="symmetric"))


@case("tile", x=PAD_X, n=i32([[1, 2]]))
def _(tf, x, n):
    return tf.tile(x, [2, 1]), tf.tile(x, [1, 3]), tf.tile(n, [3, 2]), tf.tile(x[None], [2, 1, 2])


# ----------------------------------------------------------------------------- more TF-specific definitions


@case("rint_and_sign", x=HALVES, z=f32([-0.0, 0.0, NAN, -INF, 3.0]), signed_zeros=True)
def _(tf, x, z):
    return tf.math.rint(x), tf.math.sign(z), tf.math.ceil(x), tf.math.floor(x)


@case("divide_no_nan_xdivy", x=f32([0.0, 1.0, -2.0, 0.0, 3.0]), y=f32([0.0, 0.0, 4.0, INF, -0.5]))
def _(tf, x, y):
    return tf.math.divide_no_nan(x, y), tf.math.xdivy(x, y), tf.math.reciprocal_no_nan(y)


@case("reduce_euclidean_norm_count_nonzero", n=i32([[1, 2, 3], [1, 1, 1], [0, 0, 0]]), x=f32([[0.0, 1.5, -0.0], [NAN, 0.0, 2.0]]))
def _(tf, n, x):
    return (tf.math.reduce_euclidean_norm(n), tf.math.reduce_euclidean_norm(n, axis=1), tf.math.reduce_euclidean_norm(x[:, :2], axis=0),
            tf.math.count_nonzero(x), tf.math.count_nonzero(n, axis=0), tf.math.count_nonzero(x, axis=1, dtype=tf.int32))


@case("cumulative_logsumexp", x=f32([[-INF, 0.0, 1.0, -INF], [1000.0, 1000.0, -5.0, 2.0]]))
def _(tf, x):
    return (tf.math.cumulative_logsumexp(x, axis=1), tf.math.cumulative_logsumexp(x, axis=1, exclusive=True),
            tf.math.cumulative_logsumexp(x, axis=1, reverse=True), tf.math.cumulative_logsumexp(x, axis=0, exclusive=True, reverse=True))


@case("sort_argsort_ties", x=f32([[3.0, 1.0, 3.0, -0.0, 1.0, 0.0], [2.0, 2.0, 2.0, -1.0, 5.0, -1.0]]), n=i32([4, -2, 4, 7, -2]))
def _(tf, x, n):
    return (tf.sort(x), tf.sort(x, direction="DESCENDING"), tf.argsort(x), tf.argsort(x, direction="DESCENDING"),
            tf.argsort(x, axis=0, stable=True), tf.argsort(n), tf.argsort(n, direction="DESCENDING"), tf.sort(n, direction="DESCENDING"))


SEG_DATA = randn(46, 6, 2)


@case("segment_reductions_empty_segments", d=SEG_DATA, ids=i32([0, 0, 2, 2, 2, 4]), u=i32([3, 0, 3, -1, 0, 3]))
def _(tf, d, ids, u):
    return (tf.math.segment_sum(d, ids), tf.math.segment_mean(d, ids), tf.math.segment_max(d, ids), tf.math.segment_min(d, ids),
            tf.math.segment_prod(d, ids), tf.math.unsorted_segment_sum(d, u, 5), tf.math.unsorted_segment_mean(d, u, 5),
            tf.math.unsorted_segment_max(d, u, 5), tf.math.unsorted_segment_min(d, u, 5), tf.math.unsorted_segment_prod(d, u, 5))


@case("special_functions", x=f32([0.1, 0.5, 1.0, 2.5, 7.0, 30.0]), p=f32([-0.99, -0.5, 0.0, 0.3, 0.9, 0.999]), m=f32([-2.5, -0.5, 1e-3]))
def _(tf, x, p, m):
    return (tf.math.lgamma(x), tf.math.lgamma(m), tf.math.digamma(x), tf.math.digamma(m), tf.math.erf(p * 3),
            tf.math.erfc(p * 5), tf.math.erfinv(p), tf.math.expm1(m), tf.math.log1p(p))


@case("log_poisson_loss", z=f32([0.0, 0.5, 1.0, 1.5, 3.0, 10.0]), c=f32([-1.0, 0.0, 0.3, 2.0, 1.1, 2.3]))
def _(tf, z, c):
    return tf.nn.log_poisson_loss(z, c), tf.nn.log_poisson_loss(z, c, compute_full_loss=True)


@case("weighted_and_normalize_moments", x=BN_X[:, :, 0, 0], w=np.abs(randn(47, 4, 1)))
def _(tf, x, w):
    return (tf.nn.weighted_moments(x, axes=[0], frequency_weights=w), tf.nn.weighted_moments(x, axes=[0, 1], frequency_weights=w, keepdims=True),
            tf.nn.normalize_moments(tf.constant(4.0), tf.reduce_sum(x, 0), tf.reduce_sum(x * x, 0), None),
            tf.nn.normalize_moments(tf.constant(4.0), tf.reduce_sum(x - 1.0, 0), tf.reduce_sum((x - 1.0) ** 2, 0), 1.0))


@case("crelu_softsign_embedding_lookup", x=f32([[-2.0, 0.5], [3.0, -0.0]]), p=randn(48, 5, 3, scale=3.0), ids=i32([[4, 0], [2, 4]]))
def _(tf, x, p, ids):
    return (tf.nn.crelu(x), tf.nn.crelu(x, axis=0), tf.nn.softsign(x), tf.nn.embedding_lookup(p, ids),
            tf.nn.embedding_lookup(p, ids, max_norm=1.0))


@case("separable_atrous_conv1d_transpose", x=IMG, dk=randn(49, 3, 3, 3, 2), pk=randn(50, 1, 1, 6, 4), s=SEQ, k=randn(51, 3, 5, 3))
def _(tf, x, dk, pk, s, k):
    return (tf.nn.separable_conv2d(x, dk, pk, strides=[1, 1, 1, 1], padding="SAME"),
            tf.nn.separable_conv2d(x, dk, pk, strides=[1, 2, 2, 1], padding="VALID"),
            tf.nn.atrous_conv2d(x, dk[..., :1].repeat(4, axis=-1), rate=2, padding="SAME"),
            tf.nn.conv1d_transpose(s, k, output_shape=[2, 18, 5], strides=2, padding="SAME"),
            tf.nn.conv1d_transpose(s, k, output_shape=[2, 11, 5], strides=1, padding="VALID"))


@case("conv3d_pool3d", x=randn(52, 1, 5, 4, 6, 2), k=randn(53, 2, 3, 3, 2, 3))
def _(tf, x, k):
    return (tf.nn.conv3d(x, k, strides=[1, 2, 1, 2, 1], padding="SAME"), tf.nn.max_pool3d(x, ksize=3, strides=2, padding="SAME"),
            tf.nn.avg_pool3d(x, ksize=[2, 3, 3], strides=2, padding="SAME"))


@case("linalg_diag_band", m=randn(54, 2, 3, 4), d=randn(55, 2, 3))
def _(tf, m, d):
    return (tf.linalg.diag_part(m), tf.linalg.diag_part(m, k=1), tf.linalg.diag_part(m, k=(-1, 1), padding_value=9.0),
            tf.linalg.diag_part(m, k=(-1, 2), align="LEFT_RIGHT"), tf.linalg.diag(d), tf.linalg.diag(d, k=1, num_rows=5, num_cols=4),
            tf.linalg.set_diag(m, d), tf.linalg.band_part(m, 1, 0), tf.linalg.band_part(m, -1, 1), tf.linalg.trace(m),
            tf.linalg.adjoint(m))


SPD = np.einsum("bij,bkj->bik", WELL_CONDITIONED, WELL_CONDITIONED) + np.eye(3, dtype=np.float32)


@case("linalg_solvers_spectra", a=WELL_CONDITIONED, s=SPD.astype(np.float32), r=randn(56, 3, 3, 2), v=randn(57, 3, 3))
def _(tf, a, s, r, v):
    return (tf.linalg.solve(a, r), tf.linalg.solve(a, r, adjoint=True), tf.linalg.cholesky(s),
            tf.linalg.triangular_solve(tf.linalg.cholesky(s), r), tf.linalg.triangular_solve(tf.linalg.adjoint(tf.linalg.cholesky(s)), r, lower=False),
            tf.linalg.eigvalsh(s), tf.linalg.svd(a, compute_uv=False), tf.linalg.matvec(a, v), tf.linalg.matvec(a, v, transpose_a=True),
            tf.linalg.logdet(s))
