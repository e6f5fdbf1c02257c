"""Losses of ``tf.nn``: the cross-entropies on logits, ``l2_loss``, ``log_poisson_loss``
and the distributed-training helpers ``compute_average_loss`` /
``scale_regularization_loss``.

Each uses TensorFlow's numerically stable formula, so large logits give finite losses
(``sigmoid_cross_entropy_with_logits`` is ``max(x, 0) - x * z + log(1 + exp(-|x|))``).
float16/bfloat16 inputs are computed in float32 and the result cast back, as TF's
kernels do. Label/logit mismatches are ``InvalidArgumentError`` naming both shapes.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops.activation_ops import check_floating
from xlaflow.ops.array_ops import check_axis
from xlaflow.ops import value_checks
from xlaflow.ops.dispatch import op

_LOW_PRECISION = (jnp.float16, jnp.bfloat16)


def _widen(x):
    return x.astype(jnp.float32) if x.dtype in _LOW_PRECISION else x


def _check_labels(name: str, labels, logits, same_dtype: bool = True) -> None:
    if same_dtype and labels.dtype != logits.dtype and not getattr(labels, "weak_type", False):
        raise errors.InvalidArgumentError(
            f"{name}: arguments `labels` and `logits` must have the same dtype. Received: "
            f"labels.dtype={dtypes.as_dtype(labels.dtype).name}, logits.dtype={dtypes.as_dtype(logits.dtype).name}. "
            "Use xlaflow.cast to convert one of them."
        )
    if labels.shape != logits.shape:
        raise errors.InvalidArgumentError(
            f"{name}: arguments `labels` and `logits` must have the same shape. "
            f"Received: labels.shape={list(labels.shape)}, logits.shape={list(logits.shape)}"
        )


def _stable_log1p_exp_neg_abs(x):
    return jnp.log1p(jnp.exp(-jnp.abs(x)))


@op("SigmoidCrossEntropyWithLogits", tensors=("labels", "logits"), same_dtype=("labels", "logits"))
def sigmoid_cross_entropy_with_logits(labels=None, logits=None):
    """Elementwise binary cross-entropy of probabilities ``labels`` against ``logits``:
    ``max(x, 0) - x * z + log(1 + exp(-|x|))`` with ``x = logits, z = labels``.

    Raises:
      ValueError: ``labels`` or ``logits`` is missing.
      InvalidArgumentError: their shapes differ.
      TypeError: they are not floating.
    """
    if labels is None or logits is None:
        raise ValueError(
            "sigmoid_cross_entropy_with_logits: arguments `labels` and `logits` must both be given. "
            f"Received: labels={'None' if labels is None else 'a tensor'}, logits={'None' if logits is None else 'a tensor'}"
        )
    logits, labels = jnp.asarray(logits), jnp.asarray(labels)
    check_floating("sigmoid_cross_entropy_with_logits", "logits", logits)
    _check_labels("sigmoid_cross_entropy_with_logits", labels, logits)
    x, z = logits, labels.astype(logits.dtype)
    return jnp.maximum(x, 0) - x * z + _stable_log1p_exp_neg_abs(x)


@op("WeightedCrossEntropyWithLogits", tensors=("labels", "logits", "pos_weight"), same_dtype=("labels", "logits", "pos_weight"))
def weighted_cross_entropy_with_logits(labels, logits, pos_weight):
    """Sigmoid cross-entropy with the positive term weighted by ``pos_weight``:
    ``(1 - z) * x + (1 + (q - 1) * z) * (log(1 + exp(-|x|)) + max(-x, 0))``.

    Raises:
      InvalidArgumentError: ``labels`` and ``logits`` shapes differ.
      TypeError: they are not floating.
    """
    logits = jnp.asarray(logits)
    check_floating("weighted_cross_entropy_with_logits", "logits", logits)
    labels = jnp.asarray(labels)
    _check_labels("weighted_cross_entropy_with_logits", labels, logits)
    labels = labels.astype(logits.dtype)
    x, z = logits, labels
    log_weight = 1 + (pos_weight - 1) * z
    return (1 - z) * x + log_weight * (_stable_log1p_exp_neg_abs(x) + jnp.maximum(-x, 0))


@op("SoftmaxCrossEntropyWithLogits", tensors=("labels", "logits"))
def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    """Cross-entropy between distributions ``labels`` and ``softmax(logits)`` along
    ``axis``: ``-sum(labels * log_softmax(logits), axis)``; that axis is removed.

    ``labels`` are cast to the logits' dtype (so integer one-hot labels work, as in
    TF 2), and gradients flow into them too; wrap them in ``stop_gradient`` if they
    are targets.

    Raises:
      InvalidArgumentError: the shapes differ, or ``axis`` is outside the rank.
      TypeError: ``logits`` is not floating.
    """
    name = "softmax_cross_entropy_with_logits"
    check_floating(name, "logits", logits)
    _check_labels(name, labels, logits, same_dtype=False)
    ax = check_axis(name, axis, logits.ndim)
    log_p = jax.nn.log_softmax(_widen(logits), axis=ax)
    return (-jnp.sum(labels.astype(log_p.dtype) * log_p, axis=ax)).astype(logits.dtype)


def _labels_in_range(labels, logits) -> None:
    if getattr(logits, "ndim", 0) >= 1:
        value_checks.label_range(labels, logits.shape[-1])


@op("SparseSoftmaxCrossEntropyWithLogits", tensors=("labels", "logits"), check=_labels_in_range)
def sparse_softmax_cross_entropy_with_logits(labels, logits):
    """Cross-entropy of integer class ids ``labels`` (shape ``logits.shape[:-1]``)
    against ``softmax(logits)`` over the last axis.

    A label outside ``[0, num_classes)`` is TF's InvalidArgumentError: at once eagerly,
    after the step in compiled code (which then changes no Variable).

    Raises:
      TypeError: ``labels`` is not an integer tensor, or ``logits`` is not floating.
      InvalidArgumentError: ``logits`` is a scalar, the shapes disagree, or a label is
        out of range.
    """
    name = "sparse_softmax_cross_entropy_with_logits"
    if not jnp.issubdtype(labels.dtype, jnp.integer):
        raise TypeError(
            f"{name}: argument `labels` must be an int32 or int64 tensor of class ids. "
            f"Received: dtype={dtypes.as_dtype(labels.dtype).name}. Use "
            "softmax_cross_entropy_with_logits for one-hot or soft labels."
        )
    check_floating(name, "logits", logits)
    if logits.ndim == 0:
        raise errors.InvalidArgumentError(f"{name}: argument `logits` must have rank >= 1. Received: a scalar")
    if labels.ndim != logits.ndim - 1 or labels.shape != logits.shape[:-1]:
        raise errors.InvalidArgumentError(
            f"{name}: argument `labels` must have shape logits.shape[:-1] = {list(logits.shape[:-1])} "
            f"(rank of labels = rank of logits - 1). Received: labels.shape={list(labels.shape)}, "
            f"logits.shape={list(logits.shape)}"
        )
    num_classes = logits.shape[-1]
    out_dtype = logits.dtype
    log_p = jax.nn.log_softmax(_widen(logits), axis=-1)
    valid = (labels >= 0) & (labels < num_classes)
    safe = jnp.where(valid, labels, 0)
    picked = jnp.take_along_axis(log_p, safe[..., None].astype(jnp.int32), axis=-1)[..., 0]
    return jnp.where(valid, -picked, jnp.nan).astype(out_dtype)


@op("L2Loss", tensors=("t",))
def l2_loss(t):
    """Half the sum of squares: ``sum(t ** 2) / 2``, a scalar of ``t``'s dtype.

    Raises:
      TypeError: ``t`` is not floating.
    """
    check_floating("l2_loss", "t", t)
    return (jnp.sum(jnp.square(_widen(t))) / 2).astype(t.dtype)


@op("LogPoissonLoss", tensors=("targets", "log_input"), same_dtype=("targets", "log_input"))
def log_poisson_loss(targets, log_input, compute_full_loss=False):
    """Poisson negative log-likelihood on log-rates: ``exp(c) - c * z``.

    With ``compute_full_loss`` the Stirling term ``z*log(z) - z + 0.5*log(2*pi*z)`` is
    added where ``z > 1`` (it is taken as 0 for ``z`` in [0, 1]).

    Raises:
      InvalidArgumentError: the shapes differ.
      TypeError: the inputs are not floating.
    """
    log_input = jnp.asarray(log_input)
    check_floating("log_poisson_loss", "log_input", log_input)
    targets = jnp.asarray(targets).astype(log_input.dtype)
    if targets.shape != log_input.shape:
        raise errors.InvalidArgumentError(
            f"log_poisson_loss: arguments `targets` and `log_input` must have the same shape. "
            f"Received: targets.shape={list(targets.shape)}, log_input.shape={list(log_input.shape)}"
        )
    loss = jnp.exp(log_input) - log_input * targets
    if compute_full_loss:
        big = targets > 1
        z = jnp.where(big, targets, 2)  # keeps log() finite (and its gradient) where unused
        stirling = z * jnp.log(z) - z + 0.5 * jnp.log(2 * math.pi * z)
        loss = loss + jnp.where(big, stirling, 0)
    return loss


@op("ComputeAverageLoss", tensors=("per_example_loss", "sample_weight"))
def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """Sum of the (weighted) per-example losses divided by the global batch size.

    ``global_batch_size`` defaults to the local batch (``per_example_loss.shape[0]``),
    the right divisor without data parallelism. An empty batch gives 0, not NaN.

    Raises:
      InvalidArgumentError: ``per_example_loss`` is a scalar, or ``sample_weight`` does
        not broadcast to it.
      ValueError: ``global_batch_size`` is not a positive int.
    """
    name = "compute_average_loss"
    loss = per_example_loss
    check_floating(name, "per_example_loss", loss)
    if loss.ndim == 0:
        raise errors.InvalidArgumentError(
            f"{name}: argument `per_example_loss` must have rank >= 1 (one loss per example). Received: a scalar"
        )
    if sample_weight is not None:
        sample_weight = sample_weight.astype(loss.dtype)
        try:
            loss = loss * jnp.broadcast_to(sample_weight, loss.shape)
        except ValueError:
            raise errors.InvalidArgumentError(
                f"{name}: argument `sample_weight` must broadcast to the loss shape "
                f"{list(loss.shape)}. Received: sample_weight.shape={list(sample_weight.shape)}"
            ) from None
    if global_batch_size is None:
        global_batch_size = loss.shape[0]
    elif isinstance(global_batch_size, bool) or not isinstance(global_batch_size, (int, np.integer)) or global_batch_size <= 0:
        raise ValueError(f"{name}: argument `global_batch_size` must be a positive int. Received: {global_batch_size!r}")
    total = jnp.sum(loss)
    return total / global_batch_size if global_batch_size else jnp.zeros_like(total)


@op("ScaleRegularizationLoss", tensors=("regularization_loss",))
def scale_regularization_loss(regularization_loss):
    """The summed regularization loss divided by the number of replicas (1 here: no
    replication is active at this level, so the sum is returned unchanged)."""
    check_floating("scale_regularization_loss", "regularization_loss", regularization_loss)
    return jnp.sum(regularization_loss)
