"""Reductions: ``reduce_sum/mean/max/min/prod/any/all/logsumexp/std/variance/
euclidean_norm``, ``count_nonzero``, and the segment reductions
(``segment_sum`` ..., ``unsorted_segment_sum`` ...).

All follow TF's rules: ``axis=None`` reduces every axis, ``axis=[]`` none; axes may be
negative or a list; ``keepdims`` keeps reduced axes with size 1. Results keep the
input dtype (``reduce_sum`` of int32 is int32, ``reduce_mean`` of ints truncates
toward zero, as TF's integer division does). Empty reductions give the identity:
0 for sums, 1 for products, the lowest value (``-inf`` for floats) for ``max``.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops.array_ops import check_axes
from xlaflow.ops.dispatch import op
from xlaflow.ops.unary_ops import check_dtype, dtype_kind

# The default of TF's ``output_type=tf.int64`` / ``dtype=tf.int64`` arguments. It equals
# tf.int64 but is a distinct object, so an op can tell "not requested" (int64 with x64
# on, int32 without a warning otherwise) from an explicit tf.int64 (through canonical()).
INT64_DEFAULT = dtypes.DType(np.int64, "int64")


def index_dtype(requested: Any) -> np.dtype:
    """The NumPy dtype for an index/count output whose dtype argument is ``requested``."""
    if requested is INT64_DEFAULT:
        return np.dtype(np.int64 if dtypes.x64_enabled() else np.int32)
    return np.dtype(dtypes.canonical(requested).as_numpy_dtype)


def _prep(name: str, x, axis: Any, kinds: str) -> tuple[int, ...] | None:
    check_dtype(name, "input_tensor", x, kinds)
    return check_axes(name, axis, x.ndim)


def _count(x, axes) -> int:
    return int(np.prod([x.shape[a] for a in (range(x.ndim) if axes is None else axes)], dtype=np.int64))


@op("Sum", tensors=("input_tensor",))
def reduce_sum(input_tensor, axis=None, keepdims=False):
    """Sum of elements across ``axis`` (all axes when None), in the input dtype.

    Raises:
      InvalidArgumentError: an axis is out of range or repeated.
      TypeError: ``input_tensor`` is a bool tensor.
    """
    axes = _prep("reduce_sum", input_tensor, axis, "fciu")
    return jnp.sum(input_tensor, axis=axes, keepdims=bool(keepdims), dtype=input_tensor.dtype)


@op("Mean", tensors=("input_tensor",))
def reduce_mean(input_tensor, axis=None, keepdims=False):
    """Mean of elements across ``axis``; for integers the sum divided with truncation
    toward zero (``reduce_mean([1, 2]) == 1``), as in TF.

    Raises:
      InvalidArgumentError: an axis is out of range or repeated.
      TypeError: ``input_tensor`` is a bool tensor.
    """
    x = input_tensor
    axes = _prep("reduce_mean", x, axis, "fciu")
    if dtype_kind(x.dtype) in "fc":
        return jnp.mean(x, axis=axes, keepdims=bool(keepdims))
    total = jnp.sum(x, axis=axes, keepdims=bool(keepdims), dtype=x.dtype)
    n = _count(x, axes)
    if n == 0:
        return jnp.zeros_like(total)
    return jax.lax.div(total, jnp.asarray(n, x.dtype))


def _extreme(dtype: np.dtype, lowest: bool) -> Any:
    if dtype_kind(dtype) == "f":
        return -np.inf if lowest else np.inf
    info = np.iinfo(dtype)
    return info.min if lowest else info.max


@op("Max", tensors=("input_tensor",))
def reduce_max(input_tensor, axis=None, keepdims=False):
    """Maximum across ``axis``; an empty reduction gives the dtype's lowest value
    (``-inf`` for floats).

    Raises:
      InvalidArgumentError: an axis is out of range or repeated.
      TypeError: ``input_tensor`` is a bool or complex tensor.
    """
    x = input_tensor
    axes = _prep("reduce_max", x, axis, "fiu")
    return jnp.max(x, axis=axes, keepdims=bool(keepdims), initial=_extreme(x.dtype, lowest=True))


@op("Min", tensors=("input_tensor",))
def reduce_min(input_tensor, axis=None, keepdims=False):
    """Minimum across ``axis``; an empty reduction gives the dtype's highest value
    (``inf`` for floats).

    Raises:
      InvalidArgumentError: an axis is out of range or repeated.
      TypeError: ``input_tensor`` is a bool or complex tensor.
    """
    x = input_tensor
    axes = _prep("reduce_min", x, axis, "fiu")
    return jnp.min(x, axis=axes, keepdims=bool(keepdims), initial=_extreme(x.dtype, lowest=False))


@op("Prod", tensors=("input_tensor",))
def reduce_prod(input_tensor, axis=None, keepdims=False):
    """Product of elements across ``axis`` (1 for an empty reduction), in the input dtype.

    Raises:
      InvalidArgumentError: an axis is out of range or repeated.
      TypeError: ``input_tensor`` is a bool tensor.
    """
    axes = _prep("reduce_prod", input_tensor, axis, "fciu")
    return jnp.prod(input_tensor, axis=axes, keepdims=bool(keepdims), dtype=input_tensor.dtype)


@op("Any", tensors=("input_tensor",))
def reduce_any(input_tensor, axis=None, keepdims=False):
    """Logical OR across ``axis`` of a bool tensor (False for an empty reduction).

    Raises:
      TypeError: ``input_tensor`` is not a bool tensor.
    """
    axes = _prep("reduce_any", input_tensor, axis, "b")
    return jnp.any(input_tensor, axis=axes, keepdims=bool(keepdims))


@op("All", tensors=("input_tensor",))
def reduce_all(input_tensor, axis=None, keepdims=False):
    """Logical AND across ``axis`` of a bool tensor (True for an empty reduction).

    Raises:
      TypeError: ``input_tensor`` is not a bool tensor.
    """
    axes = _prep("reduce_all", input_tensor, axis, "b")
    return jnp.all(input_tensor, axis=axes, keepdims=bool(keepdims))


@op("ReduceLogSumExp", tensors=("input_tensor",))
def reduce_logsumexp(input_tensor, axis=None, keepdims=False):
    """``log(sum(exp(x)))`` across ``axis``, computed without overflow by shifting by
    the (finite) maximum; ``-inf`` for an empty reduction.

    Raises:
      TypeError: ``input_tensor`` is not a float tensor.
    """
    x = input_tensor
    axes = _prep("reduce_logsumexp", x, axis, "f")
    top = jnp.max(x, axis=axes, keepdims=True, initial=-np.inf)
    shift = jax.lax.stop_gradient(jnp.where(jnp.isfinite(top), top, jnp.zeros_like(top)))
    out = jnp.log(jnp.sum(jnp.exp(x - shift), axis=axes, keepdims=True)) + shift
    if keepdims:
        return out
    return jnp.squeeze(out, axis=tuple(range(x.ndim)) if axes is None else axes)


def _variance(name: str, x, axis: Any, keepdims: bool):
    axes = _prep(name, x, axis, "fc")
    dev = x - jnp.mean(x, axis=axes, keepdims=True)
    sq = jnp.square(jnp.abs(dev)) if dtype_kind(x.dtype) == "c" else jnp.square(dev)
    return jnp.mean(sq, axis=axes, keepdims=bool(keepdims))


@op("ReduceVariance", tensors=("input_tensor",))
def reduce_variance(input_tensor, axis=None, keepdims=False):
    """Population variance (``mean(|x - mean(x)|**2)``) across ``axis``; real for complex input.

    Raises:
      TypeError: ``input_tensor`` is not a float or complex tensor.
    """
    return _variance("reduce_variance", input_tensor, axis, keepdims)


@op("ReduceStd", tensors=("input_tensor",))
def reduce_std(input_tensor, axis=None, keepdims=False):
    """Population standard deviation across ``axis`` (``sqrt(reduce_variance)``).

    Raises:
      TypeError: ``input_tensor`` is not a float or complex tensor.
    """
    return jnp.sqrt(_variance("reduce_std", input_tensor, axis, keepdims))


@op("EuclideanNorm", tensors=("input_tensor",))
def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False):
    """``sqrt(sum(x * conj(x)))`` across ``axis``, in the input dtype (integers give
    the floor of the root, as in TF: ``[[1, 2, 3], [1, 1, 1]]`` gives 4).

    Raises:
      TypeError: ``input_tensor`` is a bool tensor.
    """
    x = input_tensor
    axes = _prep("reduce_euclidean_norm", x, axis, "fciu")
    kind = dtype_kind(x.dtype)
    if kind in "fc":
        return jnp.sqrt(jnp.sum(x * jnp.conj(x), axis=axes, keepdims=bool(keepdims)))
    total = jnp.sum(x * x, axis=axes, keepdims=bool(keepdims), dtype=x.dtype)
    wide = jnp.float64 if dtypes.x64_enabled() else jnp.float32
    root = jnp.floor(jnp.sqrt(total.astype(wide))).astype(x.dtype)
    root = jnp.where((root + 1) * (root + 1) <= total, root + 1, root)  # correct float rounding
    return jnp.where(root * root > total, root - 1, root)


@op("CountNonzero", tensors=("input",))
def count_nonzero(input, axis=None, keepdims=None, dtype=INT64_DEFAULT):  # noqa: A002
    """How many elements across ``axis`` are not zero (not False, not empty).

    The default ``dtype`` is int64, which is int32 while JAX's 64-bit mode is off.

    Raises:
      InvalidArgumentError: an axis is out of range or repeated.
    """
    axes = check_axes("count_nonzero", axis, input.ndim)
    out_dtype = index_dtype(dtype)
    nonzero = input != jnp.zeros((), input.dtype)
    count_type = np.int64 if dtypes.x64_enabled() else np.int32
    return jnp.sum(nonzero, axis=axes, keepdims=bool(keepdims), dtype=count_type).astype(out_dtype)


# -- segment reductions ----------------------------------------------------------------
# Rows of ``data`` are reduced into the output row named by ``segment_ids``. The
# ``segment_*`` ops take sorted ids and infer the number of segments from their values
# (so they need concrete ids); ``unsorted_segment_*`` take ``num_segments`` and drop
# rows whose id is negative.

_SEGMENT_FNS = {"sum": jax.ops.segment_sum, "prod": jax.ops.segment_prod, "max": jax.ops.segment_max, "min": jax.ops.segment_min}


def _segment_ids(name: str, data, ids) -> None:
    check_dtype(name, "segment_ids", ids, "iu")
    if ids.ndim == 0 or data.shape[: ids.ndim] != ids.shape:
        raise errors.InvalidArgumentError(
            f"{name}: argument `segment_ids` must have a shape that is a prefix of data.shape={list(data.shape)}. "
            f"Received: segment_ids.shape={list(ids.shape)}"
        )


def _segment_reduce(kind: str, data, ids, num: int, sorted_ids: bool, empty: Any):
    """Reduces ``data`` rows by ``ids`` (flattened); empty segments get ``empty``."""
    flat_ids = ids.reshape(-1)
    flat = data.reshape((flat_ids.shape[0],) + data.shape[ids.ndim:])
    flat_ids = jnp.where(flat_ids < 0, num, flat_ids)  # negative ids are dropped
    counts = jax.ops.segment_sum(jnp.ones(flat_ids.shape, np.int32), flat_ids, num, indices_are_sorted=sorted_ids)
    counts = counts.reshape((num,) + (1,) * (data.ndim - ids.ndim))
    if kind == "mean":
        total = jax.ops.segment_sum(flat, flat_ids, num, indices_are_sorted=sorted_ids)
        safe = jnp.maximum(counts, 1).astype(data.dtype)
        return total / safe if dtype_kind(data.dtype) in "fc" else jax.lax.div(total, jnp.broadcast_to(safe, total.shape))
    out = _SEGMENT_FNS[kind](flat, flat_ids, num, indices_are_sorted=sorted_ids)
    if empty is None:
        return out
    return jnp.where(counts > 0, out, jnp.asarray(empty, data.dtype))


def _finite_extreme(dtype: np.dtype, lowest: bool) -> Any:
    info = np.iinfo(dtype) if dtype_kind(dtype) in "iu" else jnp.finfo(dtype)
    return info.min if lowest else info.max


def _sorted_segment(kind: str, name: str, kinds: str):
    def impl(data, segment_ids):
        check_dtype(name, "data", data, kinds)
        _segment_ids(name, data, segment_ids)
        if segment_ids.ndim != 1:
            raise errors.InvalidArgumentError(f"{name}: argument `segment_ids` must be 1-D. Received: shape {list(segment_ids.shape)}")
        if isinstance(segment_ids, jax.core.Tracer):
            raise TypeError(
                f"{name}: the number of segments depends on the values of `segment_ids`, which are not known "
                f"inside compiled code. Use unsorted_{name}(data, segment_ids, num_segments) there."
            )
        host = np.asarray(segment_ids)
        if host.size and (host[0] < 0 or np.any(np.diff(host) < 0)):
            raise errors.InvalidArgumentError(
                f"{name}: argument `segment_ids` must be sorted and non-negative. Received: {host.tolist()[:20]}"
            )
        num = int(host[-1]) + 1 if host.size else 0
        empty = {"sum": None, "mean": None, "prod": None, "max": 0, "min": 0}[kind]
        return _segment_reduce(kind, data, segment_ids, num, True, empty)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = (
        f"The {kind} of the rows of ``data`` that share a (sorted) segment id; the result has "
        f"``max(segment_ids) + 1`` rows, empty segments give {0 if kind != 'prod' else 1}.\n\n"
        "    Raises:\n      InvalidArgumentError: ids not sorted, negative, or not matching ``data``.\n"
        "      TypeError: the ids are traced (use the unsorted form with ``num_segments``).\n    "
    )
    return op(f"Segment{kind.capitalize()}", tensors=("data", "segment_ids"), jit=False)(impl)


def _unsorted_segment(kind: str, name: str, kinds: str):
    def impl(data, segment_ids, num_segments):
        check_dtype(name, "data", data, kinds)
        _segment_ids(name, data, segment_ids)
        if not isinstance(num_segments, (int, np.integer)) or isinstance(num_segments, bool) or num_segments < 0:
            raise ValueError(f"{name}: argument `num_segments` must be a non-negative int. Received: {num_segments!r}")
        num = int(num_segments)
        if not isinstance(segment_ids, jax.core.Tracer) and segment_ids.size:
            top = int(np.max(np.asarray(segment_ids)))
            if top >= num:
                raise errors.InvalidArgumentError(
                    f"{name}: argument `segment_ids` must hold ids below num_segments={num}. Received: id {top}"
                )
        empty = {"sum": None, "mean": None, "prod": None}.get(kind, _finite_extreme(data.dtype, kind == "max"))
        return _segment_reduce(kind, data, segment_ids, num, False, empty)

    impl.__name__ = impl.__qualname__ = name
    impl.__doc__ = (
        f"The {kind} of the rows of ``data`` per segment id, for ``num_segments`` segments "
        "(ids in any order; negative ids are dropped). Empty segments give "
        + {"sum": "0", "mean": "0", "prod": "1", "max": "the dtype's lowest finite value", "min": "its highest finite value"}[kind]
        + ".\n\n    Raises:\n      InvalidArgumentError: an id is >= ``num_segments``, or the ids do not match ``data``.\n    "
    )
    return op(f"UnsortedSegment{kind.capitalize()}", tensors=("data", "segment_ids"), jit=False)(impl)


segment_sum = _sorted_segment("sum", "segment_sum", "fciu")
segment_mean = _sorted_segment("mean", "segment_mean", "fciu")
segment_prod = _sorted_segment("prod", "segment_prod", "fciu")
segment_max = _sorted_segment("max", "segment_max", "fiu")
segment_min = _sorted_segment("min", "segment_min", "fiu")
unsorted_segment_sum = _unsorted_segment("sum", "unsorted_segment_sum", "fciu")
unsorted_segment_mean = _unsorted_segment("mean", "unsorted_segment_mean", "fciu")
unsorted_segment_prod = _unsorted_segment("prod", "unsorted_segment_prod", "fciu")
unsorted_segment_max = _unsorted_segment("max", "unsorted_segment_max", "fiu")
unsorted_segment_min = _unsorted_segment("min", "unsorted_segment_min", "fiu")
