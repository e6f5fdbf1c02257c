"""Probabilistic losses: binary/categorical/sparse categorical crossentropy, binary
and categorical focal crossentropy, Kullback-Leibler divergence and Poisson.

Probabilities are clipped to ``[epsilon, 1 - epsilon]`` with Keras' epsilon (1e-7);
categorical probabilities are first rescaled to sum to one along ``axis``. With
``from_logits=True`` the stable log-sigmoid / log-softmax forms are used instead.
``SparseCategoricalCrossentropy(ignore_class=c)`` zeroes the loss where the label is
``c`` and leaves those positions out of the average (through the reduction's mask).
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import errors
from xlaflow.losses.base import EPSILON, _KerasLoss, check_broadcast, check_same_shape, loss_op
from xlaflow.ops import dispatch, value_checks


def _check_axis(fn: str, axis: Any) -> None:
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"{fn}: argument `axis` must be an int. Received: axis={axis!r}")


def _bce(target: Any, output: Any, from_logits: bool) -> Any:
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (1.0 - target) * jax.nn.log_sigmoid(-output)
    output = jnp.clip(output, EPSILON, 1.0 - EPSILON)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))


def _log_probs(output: Any, from_logits: bool, axis: int) -> Any:
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(output, EPSILON, 1.0 - EPSILON))


def _warn_one_class(fn: str, y_pred: Any) -> None:
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn}, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. "
            f"Received: y_pred.shape={tuple(y_pred.shape)}. Consider using 'binary_crossentropy' if you "
            "only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )


@loss_op("KerasBinaryCrossentropy")
def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy averaged over ``axis``; labels are smoothed toward 0.5."""
    _check_axis("binary_crossentropy", axis)
    y_true = y_true.astype(y_pred.dtype)
    check_same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return jnp.mean(_bce(y_true, y_pred, from_logits), axis=axis)


@loss_op("KerasBinaryFocalCrossentropy")
def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                              label_smoothing=0.0, axis=-1):
    """Binary crossentropy scaled by ``(1 - p_t) ** gamma`` (and by ``alpha`` / ``1 - alpha``
    with ``apply_class_balancing``), averaged over ``axis``."""
    _check_axis("binary_focal_crossentropy", axis)
    y_true = y_true.astype(y_pred.dtype)
    check_same_shape("binary_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = jax.nn.sigmoid(y_pred)
    bce = _bce(y_true, y_pred, False)
    p_t = y_true * y_pred + (1.0 - y_true) * (1.0 - y_pred)
    focal = jnp.power(1.0 - p_t, gamma) * bce
    if apply_class_balancing:
        focal = (y_true * alpha + (1.0 - y_true) * (1.0 - alpha)) * focal
    return jnp.mean(focal, axis=axis)


@loss_op("KerasCategoricalCrossentropy")
def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot (or soft) labels and class probabilities along ``axis``."""
    _check_axis("categorical_crossentropy", axis)
    y_true = y_true.astype(y_pred.dtype)
    _warn_one_class("categorical_crossentropy", y_pred)
    check_same_shape("categorical_crossentropy", y_true, y_pred)
    if y_pred.ndim < 1:
        raise errors.InvalidArgumentError(
            "categorical_crossentropy: arguments `y_true` and `y_pred` must have rank >= 1. Received: rank 0"
        )
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    return -jnp.sum(y_true * _log_probs(y_pred, from_logits, axis), axis=axis)


@loss_op("KerasCategoricalFocalCrossentropy")
def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1):
    """Categorical crossentropy scaled by ``alpha * (1 - p) ** gamma``, summed over ``axis``."""
    _check_axis("categorical_focal_crossentropy", axis)
    y_true = y_true.astype(y_pred.dtype)
    _warn_one_class("categorical_focal_crossentropy", y_pred)
    check_broadcast("categorical_focal_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_true.shape[-1]
    if from_logits:
        y_pred = jax.nn.softmax(y_pred, axis=axis)
    output = jnp.clip(y_pred / jnp.sum(y_pred, axis=axis, keepdims=True), EPSILON, 1.0 - EPSILON)
    cce = -y_true * jnp.log(output)
    return jnp.sum(jnp.power(1.0 - output, gamma) * alpha * cce, axis=axis)


def _sparse_labels_in_range(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """TF's check: every label (but ``ignore_class``) is a class id of ``y_pred``."""
    if getattr(y_pred, "ndim", 0) < 1:
        return
    xp = np if isinstance(y_true, np.ndarray) else jnp
    labels = y_true.astype(xp.int32)  # Keras casts float labels too
    if ignore_class is not None:
        labels = xp.where(labels == ignore_class, 0, labels)
    value_checks.label_range(labels, y_pred.shape[axis], "sparse_categorical_crossentropy")


@dispatch.op("KerasSparseCategoricalCrossentropy", tensors=("y_true", "y_pred"), check=_sparse_labels_in_range)
def _sparse_cce_masked(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """(losses, valid mask or None): the sparse crossentropy and where it counts."""
    fn = "sparse_categorical_crossentropy"
    _check_axis(fn, axis)
    if y_pred.ndim < 1:
        raise errors.InvalidArgumentError(f"{fn}: argument `y_pred` must have rank >= 1. Received: rank 0")
    class_axis = axis % y_pred.ndim
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis)
    res_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
    valid = None
    if ignore_class is not None:
        valid = y_true != jnp.asarray(ignore_class, y_true.dtype)
        y_true = jnp.where(valid, y_true, 0)
        # Ignored rows become ones (not zeros): same values, no NaN in their gradient.
        y_pred = jnp.where(jnp.expand_dims(valid, axis), y_pred, jnp.ones((), y_pred.dtype))
    target = y_true.astype(jnp.int32)
    if tuple(target.shape) != res_shape:
        raise errors.InvalidArgumentError(
            f"{fn}: argument `y_true` must have the shape of `y_pred` without its class axis "
            f"{res_shape} (or with a size-1 axis there). Received: y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}"
        )
    one_hot = jax.nn.one_hot(target, y_pred.shape[axis], axis=axis, dtype=y_pred.dtype)
    res = -jnp.sum(one_hot * _log_probs(y_pred, from_logits, axis), axis=axis)
    if valid is None:
        return res, None
    valid = jnp.reshape(valid, res_shape)
    return jnp.where(valid, res, jnp.zeros((), res.dtype)), valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy between integer labels and class probabilities (or logits) along ``axis``.

    Positions whose label equals ``ignore_class`` give 0.
    """
    from xlaflow.losses.base import loss_input

    return _sparse_cce_masked(loss_input(y_true), loss_input(y_pred), from_logits=from_logits, ignore_class=ignore_class, axis=axis)[0]


def _sparse_cce_with_mask(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    from xlaflow.losses.base import loss_input

    return tuple(_sparse_cce_masked(loss_input(y_true), loss_input(y_pred), from_logits=from_logits,
                                    ignore_class=ignore_class, axis=axis))


# (values, mask): what Keras attaches to the values as their mask, for the metric wrapper.
sparse_categorical_crossentropy.with_mask = _sparse_cce_with_mask  # type: ignore[attr-defined]


@loss_op("KerasKLDivergence")
def kl_divergence(y_true, y_pred):
    """``sum(y_true * log(y_true / y_pred), axis=-1)`` with both clipped to ``[eps, 1]``."""
    y_true = y_true.astype(y_pred.dtype)
    check_broadcast("kl_divergence", y_true, y_pred)
    y_true = jnp.clip(y_true, EPSILON, 1.0)
    y_pred = jnp.clip(y_pred, EPSILON, 1.0)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


@loss_op("KerasPoisson")
def poisson(y_true, y_pred):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``."""
    y_true = y_true.astype(y_pred.dtype)
    check_broadcast("poisson", y_true, y_pred)
    return jnp.mean(y_pred - y_true * jnp.log(y_pred + EPSILON), axis=-1)


class BinaryCrossentropy(_KerasLoss):
    """Crossentropy between binary labels and predicted probabilities (or logits)."""

    _fn = staticmethod(binary_crossentropy)
    _options = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "binary_crossentropy", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class BinaryFocalCrossentropy(_KerasLoss):
    """Focal crossentropy between binary labels and predictions."""

    _fn = staticmethod(binary_focal_crossentropy)
    _options = ("from_logits", "label_smoothing", "axis", "apply_class_balancing", "alpha", "gamma")

    def __init__(self, apply_class_balancing: bool = False, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                 label_smoothing: float = 0.0, axis: int = -1, reduction: Any = "sum_over_batch_size",
                 name: str = "binary_focal_crossentropy", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, apply_class_balancing=apply_class_balancing,
                         alpha=alpha, gamma=gamma, from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class CategoricalCrossentropy(_KerasLoss):
    """Crossentropy between one-hot labels and predicted class probabilities (or logits)."""

    _fn = staticmethod(categorical_crossentropy)
    _options = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1,
                 reduction: Any = "sum_over_batch_size", name: str = "categorical_crossentropy", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class CategoricalFocalCrossentropy(_KerasLoss):
    """Focal crossentropy between one-hot labels and predicted class probabilities."""

    _fn = staticmethod(categorical_focal_crossentropy)
    _options = ("from_logits", "label_smoothing", "axis", "alpha", "gamma")

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, reduction: Any = "sum_over_batch_size", name: str = "categorical_focal_crossentropy",
                 dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(_KerasLoss):
    """Crossentropy between integer labels and predicted class probabilities (or logits)."""

    _fn = staticmethod(sparse_categorical_crossentropy)
    _options = ("from_logits", "ignore_class")

    def __init__(self, from_logits: bool = False, ignore_class: int | None = None, reduction: Any = "sum_over_batch_size",
                 axis: int = -1, name: str = "sparse_categorical_crossentropy", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple:
        from xlaflow.losses.base import _same_rank_tensors

        y_true, y_pred = _same_rank_tensors(y_true, y_pred)
        return tuple(_sparse_cce_masked(y_true, y_pred, **self._fn_kwargs))


class KLDivergence(_KerasLoss):
    """Kullback-Leibler divergence between label and predicted distributions."""

    _fn = staticmethod(kl_divergence)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "kl_divergence", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


class Poisson(_KerasLoss):
    """Poisson loss: ``y_pred - y_true * log(y_pred)``."""

    _fn = staticmethod(poisson)

    def __init__(self, reduction: Any = "sum_over_batch_size", name: str = "poisson", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)
