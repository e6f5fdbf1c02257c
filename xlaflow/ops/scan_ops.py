"""Ops that scan or order along an axis: ``cumsum``, ``cumprod``,
``cumulative_logsumexp``, ``argmax``/``argmin``, ``top_k``, ``sort``/``argsort``, and
``bincount``.

Index outputs follow TF: ``top_k`` and ``argsort`` give int32; ``argmax``/``argmin``
default to int64, which is int32 (without a warning) while JAX's 64-bit mode is off;
an explicit ``output_type=tf.int64`` goes through the usual narrowing rule. Ties keep
the lower index first everywhere (TF's stable order).
"""

from __future__ import annotations

import collections
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops.array_ops import check_axis
from xlaflow.ops.dispatch import op
from xlaflow.ops.reduce_ops import INT64_DEFAULT, index_dtype
from xlaflow.ops.unary_ops import check_dtype, dtype_kind

TopKV2 = collections.namedtuple("TopKV2", ["values", "indices"])


def _scan(name: str, x, axis: Any, exclusive: bool, reverse: bool, fn, identity: Any):
    if isinstance(axis, (list, tuple)) or getattr(axis, "ndim", 0):
        raise errors.InvalidArgumentError(f"{name}: argument `axis` must be a scalar int. Received: {axis!r}")
    ax = check_axis(name, axis, x.ndim)
    if exclusive and x.shape[ax]:
        fill = jnp.full(x.shape[:ax] + (1,) + x.shape[ax + 1:], identity, x.dtype)
        body = jax.lax.slice_in_dim(x, 1, None, axis=ax) if reverse else jax.lax.slice_in_dim(x, 0, x.shape[ax] - 1, axis=ax)
        x = jnp.concatenate([body, fill] if reverse else [fill, body], axis=ax)
    return fn(x, axis=ax, reverse=bool(reverse))


@op("Cumsum")
def cumsum(x, axis=0, exclusive=False, reverse=False):
    """Cumulative sum along ``axis``; ``exclusive`` leaves out each element itself
    (starting from 0), ``reverse`` sums from the end.

    Raises:
      InvalidArgumentError: ``axis`` is out of range.
      TypeError: ``x`` is a bool tensor.
    """
    if jnp.ndim(x) == 0:
        raise errors.InvalidArgumentError("cumsum: argument `x` must have rank >= 1. Received: a scalar")
    check_dtype("cumsum", "x", x, "fciu")
    return _scan("cumsum", x, axis, exclusive, reverse, jax.lax.cumsum, 0)


@op("Cumprod")
def cumprod(x, axis=0, exclusive=False, reverse=False):
    """Cumulative product along ``axis``; ``exclusive`` starts from 1, ``reverse`` from the end.

    Raises:
      InvalidArgumentError: ``axis`` is out of range.
      TypeError: ``x`` is a bool tensor.
    """
    if jnp.ndim(x) == 0:
        raise errors.InvalidArgumentError("cumprod: argument `x` must have rank >= 1. Received: a scalar")
    check_dtype("cumprod", "x", x, "fciu")
    return _scan("cumprod", x, axis, exclusive, reverse, jax.lax.cumprod, 1)


@op("CumulativeLogsumexp")
def cumulative_logsumexp(x, axis=0, exclusive=False, reverse=False):
    """Cumulative ``log(sum(exp(x)))`` along ``axis``, computed stably (exclusive starts at -inf).

    Raises:
      TypeError: ``x`` is not a float tensor.
    """
    if jnp.ndim(x) == 0:
        raise errors.InvalidArgumentError("cumulative_logsumexp: argument `x` must have rank >= 1. Received: a scalar")
    check_dtype("cumulative_logsumexp", "x", x, "f")
    return _scan("cumulative_logsumexp", x, axis, exclusive, reverse, jax.lax.cumlogsumexp, -np.inf)


def _arg_extreme(name: str, x, axis: Any, output_type: Any, fn):
    check_dtype(name, "input", x, "fiub")
    if x.ndim == 0:
        raise errors.InvalidArgumentError(f"{name}: argument `input` must have rank >= 1. Received: a scalar")
    ax = check_axis(name, 0 if axis is None else axis, x.ndim)
    if x.shape[ax] == 0:
        raise errors.InvalidArgumentError(
            f"{name}: the reduced axis must not be empty. Received: axis={axis} of input.shape={list(x.shape)}"
        )
    out_dtype = index_dtype(output_type)
    if dtype_kind(out_dtype) not in "iu":
        raise TypeError(f"{name}: argument `output_type` must be an integer dtype. Received: {output_type!r}")
    return fn(x, axis=ax).astype(out_dtype)


@op("ArgMax", tensors=("input",))
def argmax(input, axis=None, output_type=INT64_DEFAULT):  # noqa: A002
    """Index of the largest value along ``axis`` (axis 0 when None; first index on ties).

    Raises:
      InvalidArgumentError: ``axis`` is out of range, or that axis is empty.
      TypeError: ``input`` is complex, or ``output_type`` is not an integer dtype.
    """
    return _arg_extreme("argmax", input, axis, output_type, jnp.argmax)


@op("ArgMin", tensors=("input",))
def argmin(input, axis=None, output_type=INT64_DEFAULT):  # noqa: A002
    """Index of the smallest value along ``axis`` (axis 0 when None; first index on ties).

    Raises:
      InvalidArgumentError: ``axis`` is out of range, or that axis is empty.
      TypeError: ``input`` is complex, or ``output_type`` is not an integer dtype.
    """
    return _arg_extreme("argmin", input, axis, output_type, jnp.argmin)


@op("TopKV2", tensors=("input",))
def top_k(input, k=1, sorted=True, index_type=dtypes.int32):  # noqa: A002
    """The ``k`` largest entries of the last axis and their indices (int32 unless
    ``index_type`` says otherwise), largest first, as ``TopKV2(values, indices)``;
    equal values keep the lower index first. ``sorted=False`` is accepted; the
    result is sorted anyway.

    Raises:
      InvalidArgumentError: ``input`` is a scalar or its last axis is shorter than ``k``.
      ValueError: ``k`` is not a non-negative int.
      TypeError: ``input`` is bool or complex.
    """
    check_dtype("top_k", "input", input, "fiu")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"top_k: argument `k` must be a non-negative int. Received: k={k!r}")
    if input.ndim == 0:
        raise errors.InvalidArgumentError("top_k: argument `input` must have rank >= 1. Received: a scalar")
    if input.shape[-1] < k:
        raise errors.InvalidArgumentError(
            f"top_k: argument `input` must have at least k={k} entries in its last axis. "
            f"Received: input.shape={list(input.shape)}"
        )
    out_dtype = dtypes.canonical(index_type)
    if not out_dtype.is_integer:
        raise TypeError(f"top_k: argument `index_type` must be an integer dtype. Received: {index_type!r}")
    values, indices = jax.lax.top_k(input, int(k))
    return TopKV2(values, indices.astype(out_dtype.as_numpy_dtype))


def _order(name: str, values, axis: Any, direction: str) -> tuple[int, bool]:
    check_dtype(name, "values", values, "fiu")
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{name}: argument `direction` must be 'ASCENDING' or 'DESCENDING'. Received: {direction!r}")
    if values.ndim == 0:
        raise errors.InvalidArgumentError(f"{name}: argument `values` must have rank >= 1. Received: a scalar")
    return check_axis(name, axis, values.ndim), direction == "DESCENDING"


@op("Sort", tensors=("values",))
def sort(values, axis=-1, direction="ASCENDING"):
    """``values`` sorted along ``axis`` (``direction`` 'ASCENDING' or 'DESCENDING').

    Raises:
      ValueError: ``direction`` is neither.
      InvalidArgumentError: ``axis`` is out of range.
      TypeError: ``values`` is bool or complex.
    """
    ax, descending = _order("sort", values, axis, direction)
    return jnp.sort(values, axis=ax, descending=descending, stable=True)


@op("Argsort", tensors=("values",))
def argsort(values, axis=-1, direction="ASCENDING", stable=False):
    """The int32 indices that sort ``values`` along ``axis``; equal values keep their
    order (so the result is always stable).

    Raises:
      ValueError: ``direction`` is neither 'ASCENDING' nor 'DESCENDING'.
      InvalidArgumentError: ``axis`` is out of range.
      TypeError: ``values`` is bool or complex.
    """
    ax, descending = _order("argsort", values, axis, direction)
    return jnp.argsort(values, axis=ax, descending=descending, stable=True).astype(np.int32)


@op("Bincount", tensors=("arr", "weights"), jit=False)
def _bincount(arr, weights=None, minlength=None, maxlength=None, dtype=dtypes.int32, axis=None, binary_output=False):
    """How often each value ``0, 1, ...`` occurs in the non-negative ints ``arr``.

    The length is ``max(arr) + 1``, at least ``minlength`` and at most ``maxlength``
    (larger values are dropped). With ``weights`` (same shape as ``arr``) each
    occurrence adds its weight; ``binary_output`` gives 1 for present values.
    ``axis=None`` counts over all of ``arr``; ``axis=-1`` counts each row of a 2-D ``arr``.
    Inside compiled code the length must be fixed: pass ``minlength == maxlength``.

    Raises:
      InvalidArgumentError: negative values, or ``weights`` of another shape.
      TypeError: ``arr`` is not an integer tensor, or the length is unknown when traced.
      ValueError: bad ``axis``, or ``weights`` with ``binary_output``.
    """
    check_dtype("bincount", "arr", arr, "iu")
    if axis not in (None, 0, -1):
        raise ValueError(f"bincount: argument `axis` must be None, 0 or -1. Received: axis={axis!r}")
    if weights is not None and binary_output:
        raise ValueError("bincount: arguments `weights` and `binary_output` must not be used together. Received: both")
    if weights is not None and weights.shape != arr.shape:
        raise errors.InvalidArgumentError(
            f"bincount: argument `weights` must have the shape of `arr` ({list(arr.shape)}). Received: {list(weights.shape)}"
        )
    per_row = axis == -1
    if per_row and arr.ndim != 2:
        raise errors.InvalidArgumentError(f"bincount: with axis=-1, argument `arr` must be 2-D. Received: shape {list(arr.shape)}")
    if isinstance(arr, jax.core.Tracer):
        if minlength is None or minlength != maxlength:
            raise TypeError(
                "bincount: the output length depends on the values of `arr`, which are not known inside "
                "compiled code. Pass minlength == maxlength to fix it."
            )
        length = int(minlength)
    else:
        host = np.asarray(arr)
        if host.size and host.min() < 0:
            raise errors.InvalidArgumentError(f"bincount: argument `arr` must be non-negative. Received: value {host.min()}")
        length = int(host.max()) + 1 if host.size else 0
        length = max(length, int(minlength or 0))
        length = length if maxlength is None else min(length, int(maxlength))
    out_dtype = weights.dtype if weights is not None else dtypes.canonical(dtype).as_numpy_dtype

    def count(ids, w):
        ids = jnp.where(ids < 0, length, ids).reshape(-1)  # out of range: dropped
        w = jnp.ones(ids.shape, out_dtype) if w is None else w.reshape(-1)
        out = jnp.zeros((length,), out_dtype).at[ids].add(w, mode="drop")
        return (out > 0).astype(out_dtype) if binary_output else out

    if per_row:
        return jax.vmap(count)(arr, weights) if weights is not None else jax.vmap(lambda a: count(a, None))(arr)
    return count(arr, weights)


def bincount(arr: Any, weights: Any = None, minlength: Any = None, maxlength: Any = None, dtype: Any = dtypes.int32,
             name: str | None = None, axis: Any = None, binary_output: bool = False) -> Any:
    # TF's signature has ``name`` before ``axis``; this keeps positional calls exact.
    return _bincount(arr, weights, minlength, maxlength, dtype, axis=axis, binary_output=binary_output)


bincount.__doc__ = _bincount.__doc__
