"""Activation functions of ``tf.nn``: relu, relu6, crelu, elu, selu, gelu, leaky_relu,
silu/swish, softmax and log_softmax.

Each follows TensorFlow's formula (not a JAX default where the two differ: TF's
``leaky_relu`` defaults to ``alpha=0.2`` and turns integer input into float32, TF's
``gelu`` is exact unless ``approximate=True``). ``sigmoid``, ``tanh``, ``softplus`` and
``softsign`` are math ops (``tf.math``) and live in :mod:`xlaflow.ops.unary_ops`;
``xlaflow.nn`` re-exports them.

:func:`check_floating` is the dtype check the other ``tf.nn`` modules share.
"""

from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from xlaflow._core import dtypes
from xlaflow.ops.array_ops import check_axis
from xlaflow.ops.dispatch import op

# SELU's fixed point constants (Klambauer et al., 2017), as TensorFlow defines them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def is_floating(x) -> bool:
    """Whether array ``x`` has a floating dtype (bfloat16 included)."""
    return jnp.issubdtype(x.dtype, jnp.floating)


def check_floating(name: str, arg: str, x, complex_ok: bool = False) -> None:
    """Raises TypeError unless array ``x`` is floating (or complex, if allowed)."""
    if is_floating(x) or (complex_ok and jnp.issubdtype(x.dtype, jnp.complexfloating)):
        return
    kinds = "a floating or complex" if complex_ok else "a floating"
    raise TypeError(
        f"{name}: argument `{arg}` must be {kinds} tensor (float16, bfloat16, float32 or "
        f"float64). Received: dtype={dtypes.as_dtype(x.dtype).name}. Use xlaflow.cast to convert it."
    )


def check_numeric(name: str, arg: str, x) -> None:
    """Raises TypeError for bool and complex tensors (real numbers only)."""
    if x.dtype == jnp.bool_ or jnp.issubdtype(x.dtype, jnp.complexfloating):
        raise TypeError(
            f"{name}: argument `{arg}` must be a real numeric tensor. "
            f"Received: dtype={dtypes.as_dtype(x.dtype).name}"
        )


@op("Relu", tensors=("features",))
def relu(features):
    """Rectified linear unit: ``max(features, 0)`` (integers allowed).

    Raises:
      TypeError: ``features`` is bool or complex.
    """
    check_numeric("relu", "features", features)
    if is_floating(features):
        return jax.nn.relu(features)  # gradient 0 at 0, as TF's ReluGrad
    return jnp.maximum(features, jnp.zeros((), features.dtype))


@op("Relu6", tensors=("features",))
def relu6(features):
    """``min(max(features, 0), 6)`` (integers allowed).

    Raises:
      TypeError: ``features`` is bool or complex.
    """
    check_numeric("relu6", "features", features)
    if is_floating(features):
        return jax.nn.relu6(features)  # gradient 0 at 0 and 6, as TF's Relu6Grad
    zero, six = jnp.zeros((), features.dtype), jnp.full((), 6, features.dtype)
    return jnp.minimum(jnp.maximum(features, zero), six)


@op("CRelu", tensors=("features",))
def crelu(features, axis=-1):
    """Concatenated ReLU: ``concat([relu(x), relu(-x)], axis)``, doubling that axis.

    Raises:
      TypeError: ``features`` is bool or complex.
      InvalidArgumentError: ``axis`` is outside the rank of ``features``.
    """
    check_numeric("crelu", "features", features)
    ax = check_axis("crelu", axis, features.ndim)
    zero = jnp.zeros((), features.dtype)
    return jnp.concatenate([jnp.maximum(features, zero), jnp.maximum(-features, zero)], axis=ax)


@op("Elu", tensors=("features",))
def elu(features):
    """Exponential linear unit: ``exp(x) - 1`` if ``x < 0`` else ``x``.

    Raises:
      TypeError: ``features`` is not floating.
    """
    check_floating("elu", "features", features)
    return jnp.where(features < 0, jnp.expm1(jnp.minimum(features, 0)), features)


@op("Selu", tensors=("features",))
def selu(features):
    """Scaled ELU: ``scale * alpha * (exp(x) - 1)`` if ``x < 0`` else ``scale * x``,
    with TF's constants ``alpha = 1.6732632...`` and ``scale = 1.0507009...``.

    Raises:
      TypeError: ``features`` is not floating.
    """
    check_floating("selu", "features", features)
    neg = SELU_ALPHA * jnp.expm1(jnp.minimum(features, 0))
    return SELU_SCALE * jnp.where(features < 0, neg.astype(features.dtype), features)


@op("Gelu", tensors=("features",))
def gelu(features, approximate=False):
    """Gaussian error linear unit: ``0.5 * x * (1 + erf(x / sqrt(2)))``.

    With ``approximate=True`` uses the tanh form
    ``0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x**3)))``.

    Raises:
      TypeError: ``features`` is not floating.
    """
    check_floating("gelu", "features", features)
    x = features
    if approximate:
        inner = math.sqrt(2.0 / math.pi) * (x + 0.044715 * x * x * x)
        return 0.5 * x * (1.0 + jnp.tanh(inner))
    return 0.5 * x * (1.0 + jax.lax.erf(x * (1.0 / math.sqrt(2.0))))


@op("LeakyRelu", tensors=("features",))
def leaky_relu(features, alpha=0.2):
    """``x`` if ``x > 0`` else ``alpha * x``; integer ``features`` become float32, as in TF.

    Raises:
      TypeError: ``features`` is bool or complex.
    """
    check_numeric("leaky_relu", "features", features)
    if not is_floating(features):
        features = features.astype(jnp.float32)
    return jnp.where(features > 0, features, (alpha * features).astype(features.dtype))


@op("Silu", tensors=("features",))
def silu(features, beta=1.0):
    """Sigmoid linear unit (swish): ``features * sigmoid(beta * features)``.

    Raises:
      TypeError: ``features`` is not floating.
    """
    check_floating("silu", "features", features)
    return features * jax.nn.sigmoid(beta * features)


swish = silu


def _softmax_axis(name: str, logits, axis) -> int:
    check_floating(name, "logits", logits)
    return check_axis(name, -1 if axis is None else axis, logits.ndim)


@op("Softmax", tensors=("logits",))
def softmax(logits, axis=None):
    """``exp(logits) / sum(exp(logits), axis)``, computed stably; ``axis`` defaults to
    the last one.

    Raises:
      TypeError: ``logits`` is not floating.
      InvalidArgumentError: ``axis`` is outside the rank (a scalar has no axis).
    """
    ax = _softmax_axis("softmax", logits, axis)
    return jax.nn.softmax(logits, axis=ax)


@op("LogSoftmax", tensors=("logits",))
def log_softmax(logits, axis=None):
    """``logits - log(sum(exp(logits), axis))``, computed stably; ``axis`` defaults to
    the last one.

    Raises:
      TypeError: ``logits`` is not floating.
      InvalidArgumentError: ``axis`` is outside the rank (a scalar has no axis).
    """
    ax = _softmax_axis("log_softmax", logits, axis)
    return jax.nn.log_softmax(logits, axis=ax)
