"""Keras' bounded and shrinking activations: sigmoid, hard_sigmoid, sparse_sigmoid,
log_sigmoid, tanh, hard_tanh, tanh_shrink, softsign, soft_shrink, hard_shrink.

``sigmoid``, ``log_sigmoid``, ``tanh`` and ``softsign`` call the ``tf.math`` ops of
the same name; the others are ops of their own (Keras 3's formulas: ``hard_sigmoid``
is ``relu6(x + 3) / 6``, not Keras 2's ``0.2 * x + 0.5``).
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from xlaflow.activations.rectifiers import check_number
from xlaflow.ops import unary_ops
from xlaflow.ops.activation_ops import check_floating
from xlaflow.ops.dispatch import op


@op("KerasHardSigmoid", tensors=("x",))
def _hard_sigmoid(x):
    check_floating("hard_sigmoid", "x", x)
    return jax.nn.relu6(x + 3.0) / 6.0


@op("KerasSparseSigmoid", tensors=("x",))
def _sparse_sigmoid(x):
    check_floating("sparse_sigmoid", "x", x)
    return 0.5 * jnp.clip(x + 1.0, 0.0, 2.0)


@op("KerasHardTanh", tensors=("x",))
def _hard_tanh(x):
    check_floating("hard_tanh", "x", x)
    one = jnp.ones_like(x)
    return jnp.where(x > 1.0, one, jnp.where(x < -1.0, -one, x))


@op("KerasTanhShrink", tensors=("x",))
def _tanh_shrink(x):
    check_floating("tanh_shrink", "x", x)
    return x - jnp.tanh(x)


@op("KerasSoftShrink", tensors=("x",))
def _soft_shrink(x, threshold=0.5):
    check_floating("soft_shrink", "x", x)
    zero = jnp.zeros_like(x)
    return jnp.where(x > threshold, x - threshold, jnp.where(x < -threshold, x + threshold, zero))


@op("KerasHardShrink", tensors=("x",))
def _hard_shrink(x, threshold=0.5):
    check_floating("hard_shrink", "x", x)
    return jnp.where(jnp.abs(x) > threshold, x, jnp.zeros_like(x))


def _check_threshold(fn: str, threshold) -> float:
    t = check_number(fn, "threshold", threshold)
    if t < 0 or math.isnan(t):
        raise ValueError(f"{fn}: argument `threshold` must be non-negative. Received: threshold={t}")
    return t


def sigmoid(x):
    """``1 / (1 + exp(-x))`` (``tf.math.sigmoid``)."""
    return unary_ops.sigmoid(x)


def hard_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -3, 1 above 3, ``x / 6 + 0.5`` between."""
    return _hard_sigmoid(x)


def sparse_sigmoid(x):
    """0 for ``x <= -1``, ``(x + 1) / 2`` for ``-1 < x < 1``, 1 for ``x >= 1``."""
    return _sparse_sigmoid(x)


def log_sigmoid(x):
    """``log(sigmoid(x)) = -softplus(-x)``, computed stably (``tf.math.log_sigmoid``)."""
    return unary_ops.log_sigmoid(x)


def tanh(x):
    """Hyperbolic tangent (``tf.math.tanh``)."""
    return unary_ops.tanh(x)


def hard_tanh(x):
    """``x`` clipped to ``[-1, 1]``."""
    return _hard_tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return _tanh_shrink(x)


def softsign(x):
    """``x / (abs(x) + 1)`` (``tf.math.softsign``)."""
    return unary_ops.softsign(x)


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above ``threshold``, ``x + threshold`` below ``-threshold``,
    0 between.

    Raises:
      ValueError: ``threshold`` is negative.
    """
    return _soft_shrink(x, _check_threshold("soft_shrink", threshold))


def hard_shrink(x, threshold=0.5):
    """``x`` where ``abs(x) > threshold``, else 0.

    Raises:
      ValueError: ``threshold`` is negative.
    """
    return _hard_shrink(x, _check_threshold("hard_shrink", threshold))
