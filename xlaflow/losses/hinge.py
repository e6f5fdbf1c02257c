"""Hinge losses (hinge, squared hinge, categorical hinge), as functions and classes.

``hinge`` and ``squared_hinge`` expect labels in {-1, 1}; labels that are all 0 or 1
are first mapped to -1/1, as Keras does (decided on the values, so it also works on
traced inputs).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from xlaflow.losses.base import _KerasLoss, check_broadcast, loss_op


def _to_signed_labels(y_true: Any) -> Any:
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def _cast(fn: str, y_true: Any, y_pred: Any) -> Any:
    y_true = y_true.astype(y_pred.dtype)
    check_broadcast(fn, y_true, y_pred)
    return y_true


@loss_op("KerasHinge")
def hinge(y_true, y_pred):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)`` with labels in {-1, 1}."""
    y_true = _to_signed_labels(_cast("hinge", y_true, y_pred))
    return jnp.mean(jnp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


@loss_op("KerasSquaredHinge")
def squared_hinge(y_true, y_pred):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)`` with labels in {-1, 1}."""
    y_true = _to_signed_labels(_cast("squared_hinge", y_true, y_pred))
    return jnp.mean(jnp.square(jnp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


@loss_op("KerasCategoricalHinge")
def categorical_hinge(y_true, y_pred):
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` over the last axis."""
    y_true = _cast("categorical_hinge", y_true, y_pred)
    pos = jnp.sum(y_true * y_pred, axis=-1)
    neg = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(neg - pos + 1.0, jnp.zeros((), y_pred.dtype))


class Hinge(_KerasLoss):
    """Hinge loss; labels are -1/1 (0/1 labels are converted)."""

    _fn = staticmethod(hinge)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_KerasLoss):
    """Squared hinge loss; labels are -1/1 (0/1 labels are converted)."""

    _fn = staticmethod(squared_hinge)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "squared_hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_KerasLoss):
    """Categorical hinge loss on one-hot labels."""

    _fn = staticmethod(categorical_hinge)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
