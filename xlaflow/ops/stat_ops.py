"""Statistics and normalization ops of ``tf.nn``: moments, weighted_moments,
normalize_moments, batch_normalization (and its TF 1 form
``batch_norm_with_global_normalization``) and dropout.

``moments`` follows TF exactly: the variance is the mean squared deviation from the
mean (the population variance), with the mean held constant for its gradient, and
float16/bfloat16 inputs are reduced in float32. ``dropout`` keeps each element with
probability ``1 - rate`` and scales kept ones by ``1 / (1 - rate)``; its random key is
drawn like any stateful random op's (see :mod:`xlaflow.ops.random_ops`).
"""

from __future__ import annotations

import functools

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.engine import compiler
from xlaflow._core import errors
from xlaflow.ops import rng
from xlaflow.ops.activation_ops import check_floating
from xlaflow.ops.array_ops import check_axes
from xlaflow.ops.dispatch import op
from xlaflow.ops.random_ops import random_key

_LOW_PRECISION = (jnp.float16, jnp.bfloat16)


def _axes(name: str, axes, rank: int) -> tuple[int, ...]:
    if axes is None:
        raise ValueError(f"{name}: argument `axes` must be a list of ints. Received: None")
    return check_axes(name, axes, rank, "axes")


def _widen(x):
    return x.astype(jnp.float32) if x.dtype in _LOW_PRECISION else x


def _div_no_nan(a, b):
    return jnp.where(b == 0, jnp.zeros_like(a), a / jnp.where(b == 0, jnp.ones_like(b), b))


@op("Moments", tensors=("x", "shift"))
def moments(x, axes, shift=None, keepdims=False):
    """Mean and variance of ``x`` over ``axes``: ``(mean, mean((x - mean) ** 2))``.

    ``shift`` is accepted and unused, as in TF 2. With ``keepdims`` the reduced axes
    stay as size-1 dimensions.

    Raises:
      TypeError: ``x`` is not floating.
      InvalidArgumentError: an axis is outside the rank or repeated.
    """
    check_floating("moments", "x", x)
    ax = _axes("moments", axes, x.ndim)
    y = _widen(x)
    mean = jnp.mean(y, axis=ax, keepdims=True)
    variance = jnp.mean(jnp.square(y - jax.lax.stop_gradient(mean)), axis=ax, keepdims=True)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, ax), jnp.squeeze(variance, ax)
    return mean.astype(x.dtype), variance.astype(x.dtype)


@op("WeightedMoments", tensors=("x", "frequency_weights"))
def weighted_moments(x, axes, frequency_weights, keepdims=False):
    """Frequency-weighted mean and variance of ``x`` over ``axes``; weights broadcast
    to ``x`` and a zero total weight gives 0 (not NaN).

    Raises:
      TypeError: ``x`` is not floating.
      InvalidArgumentError: bad axes, or weights that do not broadcast to ``x``.
    """
    name = "weighted_moments"
    check_floating(name, "x", x)
    ax = _axes(name, axes, x.ndim)
    y = _widen(x)
    w = frequency_weights.astype(y.dtype)
    try:
        w_full = jnp.broadcast_to(w, jnp.broadcast_shapes(w.shape, y.shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            f"{name}: argument `frequency_weights` must broadcast to x's shape {list(x.shape)}. "
            f"Received: shape {list(w.shape)}"
        ) from None
    if w_full.shape != y.shape:
        raise errors.InvalidArgumentError(
            f"{name}: argument `frequency_weights` must broadcast to x's shape {list(x.shape)}. Received: shape {list(w.shape)}"
        )
    total = jnp.sum(w_full, axis=ax, keepdims=True)
    mean = _div_no_nan(jnp.sum(w_full * y, axis=ax, keepdims=True), total)
    variance = _div_no_nan(jnp.sum(w_full * jnp.square(y - mean), axis=ax, keepdims=True), total)
    if not keepdims:
        mean, variance = jnp.squeeze(mean, ax), jnp.squeeze(variance, ax)
    return mean.astype(x.dtype), variance.astype(x.dtype)


@op("NormalizeMoments", tensors=("counts", "mean_ss", "variance_ss", "shift"),
    same_dtype=("counts", "mean_ss", "variance_ss", "shift"))
def normalize_moments(counts, mean_ss, variance_ss, shift):
    """Mean and variance from sufficient statistics: ``mean = mean_ss / counts (+ shift)``,
    ``variance = variance_ss / counts - (mean_ss / counts) ** 2``."""
    divisor = 1 / counts
    shifted_mean = mean_ss * divisor
    mean = shifted_mean if shift is None else shifted_mean + shift
    return mean, variance_ss * divisor - jnp.square(shifted_mean)


@op("BatchNormalization", tensors=("x", "mean", "variance", "offset", "scale"))
def batch_normalization(x, mean, variance, offset, scale, variance_epsilon):
    """``scale * (x - mean) / sqrt(variance + variance_epsilon) + offset``, computed as
    TF does (``x * inv + (offset - mean * inv)`` with ``inv = scale * rsqrt(...)``);
    ``offset``/``scale`` may be None. Statistics may be float32 for float16 ``x``.

    Raises:
      TypeError: ``x`` is not floating.
      InvalidArgumentError: the statistics do not broadcast to ``x``.
    """
    name = "batch_normalization"
    check_floating(name, "x", x)
    shapes = {"mean": mean, "variance": variance, "offset": offset, "scale": scale}
    for arg, v in shapes.items():
        if v is None:
            continue
        try:
            np.broadcast_shapes(jnp.shape(v), x.shape)
        except ValueError:
            raise errors.InvalidArgumentError(
                f"{name}: argument `{arg}` must broadcast to x's shape {list(x.shape)}. Received: shape {list(jnp.shape(v))}"
            ) from None
    inv = jax.lax.rsqrt(variance + variance_epsilon)
    if scale is not None:
        inv = inv * scale
    shift = -mean * inv if offset is None else offset - mean * inv
    return x * inv.astype(x.dtype) + shift.astype(x.dtype)


def batch_norm_with_global_normalization(input, mean, variance, beta, gamma, variance_epsilon,  # noqa: A002
                                        scale_after_normalization, name=None):
    """:func:`batch_normalization` with TF 1's argument names: ``beta`` is the offset,
    ``gamma`` the scale (used only if ``scale_after_normalization``)."""
    scale = gamma if scale_after_normalization else None
    return batch_normalization(input, mean, variance, beta, scale, variance_epsilon)


def _noise_shape(noise_shape, x) -> tuple[int, ...]:
    if noise_shape is None:
        return x.shape
    dims = [noise_shape] if isinstance(noise_shape, int) else list(noise_shape)
    if len(dims) == x.ndim:
        dims = [x.shape[i] if d is None else d for i, d in enumerate(dims)]
    try:
        ok = np.broadcast_shapes(tuple(int(d) for d in dims), x.shape) == x.shape
    except (ValueError, TypeError):
        ok = False
    if not ok:
        raise errors.InvalidArgumentError(
            f"dropout: argument `noise_shape` must broadcast to x's shape {list(x.shape)}. Received: {noise_shape!r}"
        )
    return tuple(int(d) for d in dims)


@op("Dropout", tensors=("x", "rate", "key"), jit=False)
def _dropout(x, rate, noise_shape, seed, key):
    check_floating("dropout", "x", x)
    if rate.ndim != 0:
        raise errors.InvalidArgumentError(f"dropout: argument `rate` must be a scalar. Received: shape {list(rate.shape)}")
    if not isinstance(rate, jax.core.Tracer) and not 0 <= float(rate) < 1:
        raise ValueError(f"dropout: argument `rate` must be a float in [0, 1). Received: {float(rate)}")
    shape = _noise_shape(noise_shape, x)
    return _dropout_core(rng.next_key(seed) if key is None else key, x, rate, shape=shape)


@functools.partial(compiler.jit, static_argnames=("shape",))
def _dropout_core(raw, x, rate, *, shape):
    """One compiled call: draw the keep mask and scale the kept elements."""
    rate = rate.astype(x.dtype)
    keep = jax.random.uniform(rng.as_key(raw), shape, x.dtype) >= rate
    return jnp.where(keep, x * (1 / (1 - rate)), jnp.zeros((), x.dtype))


def dropout(x, rate, noise_shape=None, seed=None, name=None):
    """Zeroes each element of ``x`` with probability ``rate`` and scales the others by
    ``1 / (1 - rate)``, so the expected sum is unchanged.

    ``noise_shape`` (broadcastable to ``x``; None entries take x's size) shares one
    keep/drop decision along its size-1 dimensions. ``seed`` is an op seed (see
    :func:`xlaflow.random.set_seed`).

    Example: ``dropout(x, rate=0.5, noise_shape=[batch, 1])`` drops whole rows.

    Raises:
      ValueError: ``rate`` is not in ``[0, 1)``.
      TypeError: ``x`` is not floating.
      InvalidArgumentError: ``noise_shape`` does not broadcast to ``x``.
    """
    return _dropout(x, rate, noise_shape, seed, random_key(seed, x, rate))
