"""Keras' rectifier-like activations: relu (with ``negative_slope``, ``max_value``,
``threshold``), leaky_relu, relu6, elu, selu, celu, gelu, silu/swish, hard_silu/
hard_swish, mish, softplus, squareplus, sparse_plus, exponential, threshold, linear.

Where TensorFlow has the same function as an op (``tf.nn.relu``, ``tf.nn.gelu`` ...)
the activation calls it, so a gradient tape records the familiar op; the Keras-only
functions are ops of their own here, each a pure JAX formula (Keras 3's definition),
so tapes, ``xlaflow.function`` and symbolic inputs (``keras.Input``) all see one op.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.ops import activation_ops, unary_ops
from xlaflow.ops.activation_ops import check_floating
from xlaflow.ops.dispatch import op


def check_number(fn: str, arg: str, value: Any, allow_none: bool = False) -> float | None:
    """``value`` as a float, or a TypeError naming the activation and argument."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        expected = "a number or None" if allow_none else "a number"
        raise TypeError(f"{fn}: argument `{arg}` must be {expected}. Received: {arg}={value!r}")
    return float(value)


# -- ops for the Keras-only formulas ---------------------------------------------------
@op("KerasRelu", tensors=("x",))
def _relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    check_floating("relu", "x", x)
    out = jnp.where(x > threshold, x, jnp.zeros_like(x)) if threshold != 0 else jax.nn.relu(x)
    if max_value is not None:
        out = jnp.clip(out, 0.0, max_value)
    if negative_slope != 0:
        out = out - negative_slope * jax.nn.relu(threshold - x)
    return out


@op("KerasElu", tensors=("x",))
def _elu(x, alpha=1.0):
    check_floating("elu", "x", x)
    return jnp.where(x > 0, x, alpha * jnp.expm1(jnp.minimum(x, 0)))


@op("KerasCelu", tensors=("x",))
def _celu(x, alpha=1.0):
    check_floating("celu", "x", x)
    return jnp.maximum(x, 0) + alpha * jnp.expm1(jnp.minimum(x, 0) / alpha)


@op("KerasHardSilu", tensors=("x",))
def _hard_silu(x):
    check_floating("hard_silu", "x", x)
    return x * (jax.nn.relu6(x + 3.0) / 6.0)


@op("KerasMish", tensors=("x",))
def _mish(x):
    check_floating("mish", "x", x)
    return x * jnp.tanh(jax.nn.softplus(x))


@op("KerasSquareplus", tensors=("x",))
def _squareplus(x, b=4.0):
    check_floating("squareplus", "x", x)
    return (x + jnp.sqrt(x * x + b)) / 2.0


@op("KerasSparsePlus", tensors=("x",))
def _sparse_plus(x):
    check_floating("sparse_plus", "x", x)
    middle = (x + 1.0) ** 2 / 4.0
    return jnp.where(x <= -1.0, jnp.zeros_like(x), jnp.where(x >= 1.0, x, middle))


@op("KerasThreshold", tensors=("x",))
def _threshold(x, threshold, default_value):
    check_floating("threshold", "x", x)
    return jnp.where(x > threshold, x, jnp.asarray(default_value, x.dtype))


# -- the public activations ------------------------------------------------------------
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit with Keras' options.

    ``x`` above ``threshold`` passes (clipped to ``max_value`` if given); below it the
    result is ``negative_slope * (x - threshold)``. With the defaults this is
    ``max(x, 0)`` (``tf.nn.relu``).

    Args:
      x: input tensor.
      negative_slope: slope below the threshold (0 by default).
      max_value: upper saturation value, or None.
      threshold: the value below which units are deactivated.

    Raises:
      TypeError: an option is not a number, or ``x`` is not floating with options set.
    """
    negative_slope = check_number("relu", "negative_slope", negative_slope)
    max_value = check_number("relu", "max_value", max_value, allow_none=True)
    threshold = check_number("relu", "threshold", threshold)
    if negative_slope == 0 and threshold == 0:
        if max_value is None:
            return activation_ops.relu(x)
        if max_value == 6:
            return activation_ops.relu6(x)
    elif max_value is None and threshold == 0:
        return activation_ops.leaky_relu(x, alpha=negative_slope)
    return _relu(x, negative_slope, max_value, threshold)


def leaky_relu(x, negative_slope=0.2):
    """``x`` if ``x > 0`` else ``negative_slope * x`` (``tf.nn.leaky_relu``)."""
    return activation_ops.leaky_relu(x, alpha=check_number("leaky_relu", "negative_slope", negative_slope))


def relu6(x):
    """``min(max(x, 0), 6)`` (``tf.nn.relu6``)."""
    return activation_ops.relu6(x)


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    alpha = check_number("elu", "alpha", alpha)
    return activation_ops.elu(x) if alpha == 1.0 else _elu(x, alpha)


def selu(x):
    """Scaled ELU: ``scale * elu(x, alpha)`` with ``alpha = 1.67326324`` and
    ``scale = 1.05070098`` (``tf.nn.selu``)."""
    return activation_ops.selu(x)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + alpha * min(0, exp(x / alpha) - 1)``."""
    alpha = check_number("celu", "alpha", alpha)
    if alpha == 0:
        raise ValueError("celu: argument `alpha` must be non-zero. Received: alpha=0")
    return _celu(x, alpha)


def gelu(x, approximate=False):
    """Gaussian error linear unit: ``x * P(X <= x)`` for ``X ~ N(0, 1)``.

    ``approximate=False`` (Keras 3's default) uses ``erf``; ``True`` the tanh form.
    """
    if not isinstance(approximate, (bool, np.bool_)):
        raise TypeError(f"gelu: argument `approximate` must be a bool. Received: approximate={approximate!r}")
    return activation_ops.gelu(x, approximate=bool(approximate))


def silu(x):
    """Sigmoid linear unit (swish): ``x * sigmoid(x)`` (``tf.nn.silu``)."""
    return activation_ops.silu(x)


swish = silu


def hard_silu(x):
    """Hard SiLU (hard swish): ``x * relu6(x + 3) / 6``."""
    return _hard_silu(x)


hard_swish = hard_silu


def mish(x):
    """Mish: ``x * tanh(softplus(x))``."""
    return _mish(x)


def softplus(x):
    """``log(exp(x) + 1)``, computed without overflow (``tf.math.softplus``)."""
    return unary_ops.softplus(x)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``, a smooth ReLU; ``b`` must be non-negative."""
    b = check_number("squareplus", "b", b)
    if b < 0 or math.isnan(b):
        raise ValueError(f"squareplus: argument `b` must be non-negative. Received: b={b}")
    return _squareplus(x, b)


def sparse_plus(x):
    """0 for ``x <= -1``, ``(x + 1)**2 / 4`` for ``-1 < x < 1``, ``x`` for ``x >= 1``."""
    return _sparse_plus(x)


def exponential(x):
    """``exp(x)`` (``tf.math.exp``)."""
    return unary_ops.exp(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``."""
    t = check_number("threshold", "threshold", threshold)
    d = check_number("threshold", "default_value", default_value)
    return _threshold(x, t, d)


def linear(x):
    """The identity: returns ``x`` unchanged (the activation of ``activation=None``)."""
    return x
