"""Accuracy metrics and functions: ``accuracy``, ``binary_accuracy``,
``categorical_accuracy``, ``sparse_categorical_accuracy``, ``top_k_categorical_accuracy``,
``sparse_top_k_categorical_accuracy`` and their ``MeanMetricWrapper`` classes.

Each function returns 1.0/0.0 per sample (float32), with Keras 3's shape rules; the
classes average them over all samples seen (with sample weights). ``top_k`` counts a
label as a hit when fewer than ``k`` classes score strictly higher (ties count as hits,
as ``in_top_k`` does).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from xlaflow.losses.base import loss_op, squeeze_or_expand_to_same_rank
from xlaflow.metrics.reduction import MeanMetricWrapper


@loss_op("KerasAccuracy")
def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` (after casting ``y_true`` to ``y_pred``'s dtype)."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true.astype(y_pred.dtype), y_pred)
    return (y_true == y_pred).astype(jnp.float32)


@loss_op("KerasBinaryAccuracy")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` agrees with ``y_true``."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return (y_true == predicted).astype(jnp.float32)


@loss_op("KerasCategoricalAccuracy")
def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of one-hot ``y_true`` equals the arg-max of ``y_pred``."""
    labels = jnp.argmax(y_true, axis=-1).astype(y_pred.dtype)
    org_shape = labels.shape
    reshape = labels.ndim == y_pred.ndim
    if reshape:
        labels = jnp.squeeze(labels, -1)
    predicted = jnp.argmax(y_pred, axis=-1).astype(labels.dtype)
    matches = (labels == predicted).astype(jnp.float32)
    return jnp.reshape(matches, org_shape) if reshape else matches


@loss_op("KerasSparseCategoricalAccuracy")
def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label ``y_true`` equals the arg-max of ``y_pred``."""
    labels = y_true.astype(y_pred.dtype)
    org_shape = labels.shape
    reshape = labels.ndim == y_pred.ndim and labels.shape[-1] == 1
    if reshape:
        labels = jnp.squeeze(labels, -1)
    predicted = jnp.argmax(y_pred, axis=-1).astype(labels.dtype)
    matches = (labels == predicted).astype(jnp.float32)
    if reshape:
        matches = jnp.reshape(matches, org_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    """Whether each target's score is among the ``k`` largest (ties count as in)."""
    at_label = jnp.take_along_axis(predictions, targets[..., None], axis=-1)
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    rank = 1 + jnp.sum(predictions > at_label, axis=-1)
    return rank <= k


def _top_k_matches(labels: Any, y_pred: Any, k: int) -> Any:
    org_shape = labels.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    if labels.ndim > 1:
        labels = jnp.reshape(labels, (-1,))
    matches = in_top_k(labels.astype(jnp.int32), y_pred, k).astype(jnp.float32)
    return jnp.reshape(matches, org_shape)


@loss_op("KerasTopKCategoricalAccuracy")
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest predictions."""
    labels = jnp.argmax(y_true.astype(y_pred.dtype), axis=-1)
    return _top_k_matches(labels, y_pred, k)


@loss_op("KerasSparseTopKCategoricalAccuracy")
def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions (or, with
    ``from_sorted_ids``, among the first ``k`` ids of ``y_pred``)."""
    if from_sorted_ids:
        labels = y_true.astype(y_pred.dtype)
        org_shape = labels.shape
        flat = jnp.reshape(labels, (-1,)) if labels.ndim > 1 else labels
        preds = jnp.reshape(y_pred, (-1, y_pred.shape[-1])) if y_pred.ndim > 2 else y_pred
        matches = jnp.any(flat[:, None] == preds[:, :k], axis=1).astype(jnp.float32)
        return jnp.reshape(matches, org_shape)
    return _top_k_matches(y_true.astype(jnp.int32), y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels."""

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels."""

    def __init__(self, name: str = "binary_accuracy", dtype: Any = None, threshold: float = 0.5):
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)):
            raise ValueError(f"BinaryAccuracy: argument `threshold` must be a number. Received: threshold={threshold!r}")
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the one-hot label."""

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class matches the integer label."""

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype: Any = None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


def _check_k(owner: str, k: Any) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"{owner}: argument `k` must be a positive int. Received: k={k!r}")


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the top ``k`` predictions."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype: Any = None):
        _check_k("TopKCategoricalAccuracy", k)
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top ``k`` predictions."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype: Any = None,
                 from_sorted_ids: bool = False):
        _check_k("SparseTopKCategoricalAccuracy", k)
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

    def get_config(self) -> dict:
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config
