"""Keras' activations over an axis: softmax, log_softmax, sparsemax and glu.

``softmax``/``log_softmax`` with an int ``axis`` are ``tf.nn.softmax``/
``tf.nn.log_softmax``; Keras also accepts a tuple of axes (normalizing over all of
them at once), which is an op of its own here, as are ``sparsemax`` and ``glu``.

``sparsemax`` follows its definition (Martins & Astudillo, 2016): the Euclidean
projection onto the probability simplex, ``max(x - tau, 0)`` with
``tau = (sum of the k largest values - 1) / k``. Keras 3.15's backends compute
``tau`` from the sum of the *cumulative* sums instead, which gives outputs that do
not sum to 1 whenever more than one value is in the support; xlaflow does not copy
that bug (``tests/activations`` lists the golden cases it affects).
"""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp

from xlaflow._core import errors
from xlaflow.ops import activation_ops
from xlaflow.ops.activation_ops import check_floating
from xlaflow.ops.array_ops import check_axes, check_axis
from xlaflow.ops.dispatch import op


@op("KerasSoftmax", tensors=("x",))
def _softmax(x, axis):
    check_floating("softmax", "x", x)
    return jax.nn.softmax(x, axis=check_axes("softmax", axis, x.ndim))


@op("KerasLogSoftmax", tensors=("x",))
def _log_softmax(x, axis):
    check_floating("log_softmax", "x", x)
    return jax.nn.log_softmax(x, axis=check_axes("log_softmax", axis, x.ndim))


@op("KerasSparsemax", tensors=("x",))
def _sparsemax(x, axis=-1):
    check_floating("sparsemax", "x", x)
    ax = check_axis("sparsemax", axis, x.ndim)
    z = jnp.moveaxis(x, ax, -1)
    z_sorted = -jnp.sort(-z, axis=-1)
    k = jnp.arange(1, z.shape[-1] + 1, dtype=x.dtype)
    cumulative = jnp.cumsum(z_sorted, axis=-1)
    support = 1.0 + k * z_sorted > cumulative
    k_z = jnp.sum(support, axis=-1, keepdims=True).astype(x.dtype)
    top_sum = jnp.sum(jnp.where(support, z_sorted, jnp.zeros_like(z_sorted)), axis=-1, keepdims=True)
    tau = (top_sum - 1.0) / k_z
    return jnp.moveaxis(jnp.maximum(z - tau, 0.0), -1, ax)


@op("KerasGlu", tensors=("x",))
def _glu(x, axis=-1):
    check_floating("glu", "x", x)
    ax = check_axis("glu", axis, x.ndim)
    if x.shape[ax] % 2:
        raise errors.InvalidArgumentError(
            f"glu: argument `x` must have an even size along axis {axis} (it is split in two halves). "
            f"Received: shape {list(x.shape)}"
        )
    a, b = jnp.split(x, 2, axis=ax)
    return a * jax.nn.sigmoid(b)


def _warn_size_one(fn: str, x, axis) -> None:
    shape = getattr(x, "shape", None)
    if shape is None or not isinstance(axis, int):
        return
    dims = list(shape)
    if -len(dims) <= axis < len(dims) and dims[axis] == 1:
        warnings.warn(
            f"{fn}: axis {axis} of the input (shape {tuple(dims)}) has size 1, so the result is "
            "always 1. Did you mean to use a sigmoid instead?",
            UserWarning,
            stacklevel=3,
        )


def softmax(x, axis=-1):
    """``exp(x) / sum(exp(x), axis)``, computed stably.

    Args:
      x: input tensor.
      axis: an int, or a tuple of ints to normalize over several axes at once.

    Raises:
      InvalidArgumentError: an axis is outside the rank of ``x``.
      TypeError: ``x`` is not floating.
    """
    if isinstance(axis, (tuple, list)):
        return _softmax(x, tuple(axis))
    _warn_size_one("softmax", x, axis)
    return activation_ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """``x - log(sum(exp(x), axis))``, computed stably; ``axis`` an int or a tuple.

    Raises:
      InvalidArgumentError: an axis is outside the rank of ``x``.
      TypeError: ``x`` is not floating.
    """
    if isinstance(axis, (tuple, list)):
        return _log_softmax(x, tuple(axis))
    return activation_ops.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparse softmax: the projection of ``x`` onto the probability simplex along
    ``axis`` (outputs are non-negative, sum to 1, and are often exactly 0).

    Raises:
      InvalidArgumentError: ``axis`` is outside the rank of ``x``.
      TypeError: ``x`` is not floating.
    """
    return _sparsemax(x, axis)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the two halves of
    ``x`` along ``axis``.

    Raises:
      InvalidArgumentError: the size along ``axis`` is odd, or ``axis`` is outside the rank.
    """
    return _glu(x, axis)
