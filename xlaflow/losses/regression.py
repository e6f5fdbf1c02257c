"""Regression losses: mean squared/absolute (percentage/logarithmic) error, Huber,
log-cosh and cosine similarity, as functions and as :class:`Loss` classes.

Each function averages over the last axis (``cosine_similarity`` sums over
``axis``), after casting ``y_true`` to ``y_pred``'s dtype and squeezing/expanding a
trailing size-1 axis so both have one rank (Keras' rule). The Keras epsilon (1e-7)
guards the divisions and logarithms exactly where Keras puts it.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.losses.base import EPSILON, _KerasLoss, loss_op, prepare


@loss_op("KerasMeanSquaredError")
def mean_squared_error(y_true, y_pred):
    """``mean(square(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = prepare("mean_squared_error", y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


@loss_op("KerasMeanAbsoluteError")
def mean_absolute_error(y_true, y_pred):
    """``mean(abs(y_true - y_pred), axis=-1)``."""
    y_true, y_pred = prepare("mean_absolute_error", y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


@loss_op("KerasMeanAbsolutePercentageError")
def mean_absolute_percentage_error(y_true, y_pred):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``."""
    y_true, y_pred = prepare("mean_absolute_percentage_error", y_true, y_pred)
    diff = jnp.abs((y_true - y_pred) / jnp.maximum(jnp.abs(y_true), jnp.asarray(EPSILON, y_pred.dtype)))
    return 100.0 * jnp.mean(diff, axis=-1)


@loss_op("KerasMeanSquaredLogarithmicError")
def mean_squared_logarithmic_error(y_true, y_pred):
    """``mean(square(log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)), axis=-1)``."""
    y_true, y_pred = prepare("mean_squared_logarithmic_error", y_true, y_pred)
    eps = jnp.asarray(EPSILON, y_pred.dtype)
    first = jnp.log(jnp.maximum(y_pred, eps) + 1.0)
    second = jnp.log(jnp.maximum(y_true, eps) + 1.0)
    return jnp.mean(jnp.square(first - second), axis=-1)


def _l2_normalize(x: Any, axis: int) -> Any:
    inv_norm = jax.lax.rsqrt(jnp.sum(jnp.square(x), axis=axis, keepdims=True))
    return x * jnp.minimum(inv_norm, jnp.asarray(1.0 / EPSILON, x.dtype))


@loss_op("KerasCosineSimilarity")
def cosine_similarity(y_true, y_pred, axis=-1):
    """``-sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: -1 for equal directions."""
    y_true, y_pred = prepare("cosine_similarity", y_true, y_pred)
    return -jnp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


@loss_op("KerasHuber")
def huber(y_true, y_pred, delta=1.0):
    """Quadratic for ``|error| <= delta``, linear beyond; averaged over the last axis."""
    y_true, y_pred = prepare("huber", y_true, y_pred)
    delta = jnp.asarray(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    half = jnp.asarray(0.5, y_pred.dtype)
    return jnp.mean(jnp.where(abs_error <= delta, half * jnp.square(error), delta * abs_error - half * jnp.square(delta)), axis=-1)


@loss_op("KerasLogCosh")
def log_cosh(y_true, y_pred):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed without overflow."""
    y_true, y_pred = prepare("log_cosh", y_true, y_pred)
    x = y_pred - y_true
    return jnp.mean(x + jax.nn.softplus(-2.0 * x) - jnp.asarray(np.log(2.0), x.dtype), axis=-1)


class MeanSquaredError(_KerasLoss):
    """Mean of squares of errors between labels and predictions."""

    _fn = staticmethod(mean_squared_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(_KerasLoss):
    """Mean of absolute errors between labels and predictions."""

    _fn = staticmethod(mean_absolute_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_KerasLoss):
    """Mean absolute percentage error between labels and predictions."""

    _fn = staticmethod(mean_absolute_percentage_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_KerasLoss):
    """Mean squared logarithmic error between labels and predictions."""

    _fn = staticmethod(mean_squared_logarithmic_error)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(_KerasLoss):
    """Negative cosine similarity between labels and predictions along ``axis``."""

    _fn = staticmethod(cosine_similarity)

    def __init__(self, axis: int = -1, reduction: Any = "sum_over_batch_size", name: str = "cosine_similarity", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, axis=axis)


class Huber(_KerasLoss):
    """Huber loss with threshold ``delta`` (default 1.0)."""

    _fn = staticmethod(huber)

    def __init__(self, delta: float = 1.0, reduction: Any = "sum_over_batch_size", name: str = "huber_loss", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, delta=delta)


class LogCosh(_KerasLoss):
    """Logarithm of the hyperbolic cosine of the prediction error."""

    _fn = staticmethod(log_cosh)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "log_cosh", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
