"""Ops that select elements by index or mask: gather, gather_nd, where,
boolean_mask, one_hot, reverse, tensor_scatter_nd_update/add, embedding_lookup.

Out-of-range indices are TF's error: at once eagerly, and in compiled code after the
step (an engine error flag; the step's state is not committed). Where no check can
report (inside ``vmap`` or a user's own ``jax.jit``) gathers fill with zeros (TF's
GPU behaviour) rather than clamping silently.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops import value_checks
from xlaflow.ops.array_ops import check_axis
from xlaflow.ops.dispatch import op


def _check_int(name: str, arg: str, idx) -> None:
    if not jnp.issubdtype(idx.dtype, jnp.integer):
        raise TypeError(f"{name}: argument `{arg}` must be an integer tensor. Received: dtype={idx.dtype}")


def check_in_range(name: str, arg: str, idx, limit) -> None:
    """TF's check that ``idx`` holds indices in [0, limit): eagerly an
    IndexOutOfRangeError at once, in a compiled program an error flag."""
    value_checks.index_range(idx, limit, arg, name)


@op("GatherV2", tensors=("params", "indices"), jit=False)
def gather(params, indices, validate_indices=None, axis=None, batch_dims=0):
    """Gathers slices of ``params`` along ``axis`` at ``indices``.

    ``batch_dims`` leading dimensions are shared by ``params`` and ``indices``.
    """
    _check_int("gather", "indices", indices)
    axis = batch_dims if axis is None else axis
    ax = check_axis("gather", axis, params.ndim)
    if batch_dims < 0:
        batch_dims += indices.ndim
    check_in_range("gather", "indices", indices, params.shape[ax])
    fn = lambda p, i: jnp.take(p, i, axis=ax - batch_dims, mode="fill", fill_value=0)  # noqa: E731
    for _ in range(batch_dims):
        fn = jax.vmap(fn)
    return fn(params, indices)


@op("GatherNd", tensors=("params", "indices"), jit=False)
def gather_nd(params, indices, batch_dims=0):
    """Gathers slices of ``params`` addressed by the last axis of ``indices``."""
    _check_int("gather_nd", "indices", indices)
    depth = indices.shape[-1]

    def one(p, i):
        if depth > p.ndim:
            raise errors.InvalidArgumentError(
                f"gather_nd: indices.shape[-1] ({depth}) must be <= the rank of `params` ({p.ndim})"
            )
        for d in range(depth):
            check_in_range("gather_nd", "indices", i[..., d], p.shape[d])
        flat = i.reshape(-1, depth)
        out = p[tuple(flat[:, d] for d in range(depth))]
        return out.reshape(i.shape[:-1] + p.shape[depth:])

    fn = one
    for _ in range(batch_dims):
        fn = jax.vmap(fn)
    return fn(params, indices)


@op("SelectV2", tensors=("condition", "x", "y"), same_dtype=("x", "y"), jit=False)
def where(condition, x=None, y=None):
    """``x`` where ``condition`` else ``y`` (broadcasting); with only ``condition``,
    the coordinates of its true elements as an ``[n, rank]`` int64 tensor (int32 while
    64-bit types are off)."""
    if condition.dtype != jnp.bool_:
        raise TypeError(f"where: argument `condition` must be a bool tensor. Received: dtype={condition.dtype}")
    if x is None and y is None:
        if isinstance(condition, jax.core.Tracer):
            raise TypeError(
                "where: with only `condition`, the result size depends on its values, which "
                "are not known inside compiled code. Pass `x` and `y`, or call it eagerly."
            )
        # TF returns int64; without x64 that is int32, and no warning: the user asked for nothing.
        index_dtype = np.int64 if dtypes.x64_enabled() else np.int32
        return jnp.asarray(np.argwhere(np.asarray(condition)).astype(index_dtype))
    if x is None or y is None:
        raise ValueError("where: arguments `x` and `y` must be given together. Received: only one of them")
    try:
        np.broadcast_shapes(jnp.shape(condition), jnp.shape(x), jnp.shape(y))
    except ValueError:
        raise errors.InvalidArgumentError(
            f"where: `condition`, `x` and `y` must broadcast together. Received: shapes "
            f"{tuple(jnp.shape(condition))}, {tuple(jnp.shape(x))}, {tuple(jnp.shape(y))}"
        ) from None
    return jnp.where(condition, x, y)


@op("BooleanMask", tensors=("tensor", "mask"), jit=False)
def boolean_mask(tensor, mask, axis=0):
    """The elements (or slices) of ``tensor`` where ``mask`` is true, flattened over the
    masked dimensions. Eager only: the result's size depends on the mask's values."""
    if mask.dtype != jnp.bool_:
        raise TypeError(f"boolean_mask: argument `mask` must be a bool tensor. Received: dtype={mask.dtype}")
    ax = check_axis("boolean_mask", axis, tensor.ndim)
    k = mask.ndim
    if k == 0 or tensor.shape[ax:ax + k] != mask.shape:
        raise errors.InvalidArgumentError(
            f"boolean_mask: argument `mask` must have the shape of tensor.shape[{ax}:{ax + k}] "
            f"({list(tensor.shape[ax:ax + k])}). Received: mask.shape={list(mask.shape)}"
        )
    if isinstance(mask, jax.core.Tracer):
        raise TypeError(
            "boolean_mask: the result size depends on the mask's values, which are not known "
            "inside compiled code. Use xlaflow.where(mask, x, 0) and a weighted reduction instead."
        )
    flat = tensor.reshape(tensor.shape[:ax] + (-1,) + tensor.shape[ax + k:])
    keep = np.flatnonzero(np.asarray(mask))
    return jnp.take(flat, keep, axis=ax)


@op("OneHot", tensors=("indices", "on_value", "off_value"), same_dtype=("on_value", "off_value"))
def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None):
    """One-hot vectors of length ``depth``; out-of-range indices give all ``off_value``.

    The dtype is ``dtype`` if given, else that of ``on_value`` or ``off_value`` if
    given, else float32 (TF's rule).
    """
    _check_int("one_hot", "indices", indices)
    if not isinstance(depth, (int, np.integer)) or depth < 0:
        raise ValueError(f"one_hot: argument `depth` must be a non-negative int. Received: {depth!r}")
    for arg, v in (("on_value", on_value), ("off_value", off_value)):
        if v is not None and jnp.ndim(v) != 0:
            raise ValueError(f"one_hot: argument `{arg}` must be a scalar. Received: shape {tuple(jnp.shape(v))}")
    if dtype is not None:
        out_dtype = dtypes.canonical(dtype).as_numpy_dtype
    else:
        typed = [v.dtype for v in (on_value, off_value) if hasattr(v, "dtype")]
        out_dtype = typed[0] if typed else np.float32
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    ax = -1 if axis is None else axis
    check_axis("one_hot", ax, indices.ndim, extra=1)
    hot = jax.nn.one_hot(indices, depth, axis=ax, dtype=jnp.bool_)
    return jnp.where(hot, jnp.asarray(on, out_dtype), jnp.asarray(off, out_dtype))


@op("ReverseV2")
def reverse(x, axis):
    """Reverses ``x`` along the given axes."""
    axes = [check_axis("reverse", a, x.ndim) for a in (axis if isinstance(axis, (list, tuple)) else [axis])]
    return jnp.flip(x, axis=tuple(axes))


def _scatter_index(name: str, tensor, indices, updates) -> tuple:
    """The index tuple for ``tensor.at[...]``, after checking dtypes, ranges and shapes."""
    _check_int(name, "indices", indices)
    depth = indices.shape[-1]
    if depth > tensor.ndim:
        raise errors.InvalidArgumentError(
            f"{name}: indices.shape[-1] ({depth}) must be <= the rank of `tensor` ({tensor.ndim})"
        )
    expected = tuple(indices.shape[:-1]) + tuple(tensor.shape[depth:])
    if tuple(jnp.shape(updates)) != expected:
        raise errors.InvalidArgumentError(
            f"{name}: argument `updates` must have shape indices.shape[:-1] + tensor.shape[{depth}:] = "
            f"{list(expected)}. Received: updates.shape={list(jnp.shape(updates))}"
        )
    for d in range(depth):
        check_in_range(name, "indices", indices[..., d], tensor.shape[d])
    return tuple(indices[..., d] for d in range(depth))


@op("TensorScatterUpdate", tensors=("tensor", "indices", "updates"), same_dtype=("tensor", "updates"), jit=False)
def tensor_scatter_nd_update(tensor, indices, updates):
    """A copy of ``tensor`` with the slices addressed by ``indices`` set to ``updates``."""
    return tensor.at[_scatter_index("tensor_scatter_nd_update", tensor, indices, updates)].set(updates)


@op("TensorScatterAdd", tensors=("tensor", "indices", "updates"), same_dtype=("tensor", "updates"), jit=False)
def tensor_scatter_nd_add(tensor, indices, updates):
    """A copy of ``tensor`` with ``updates`` added at the slices addressed by ``indices``."""
    return tensor.at[_scatter_index("tensor_scatter_nd_add", tensor, indices, updates)].add(updates)


def embedding_lookup(params, ids, max_norm=None, name=None):
    """Rows of ``params`` (a tensor, or a list of shards split by "mod") at ``ids``.

    With ``max_norm``, looked-up rows whose L2 norm exceeds it are scaled down to it.
    """
    if isinstance(params, (list, tuple)):
        if not params:
            raise ValueError("embedding_lookup: argument `params` must not be an empty list. Received: []")
        if len(params) > 1:
            # "mod" partitioning: id i lives in shard i % n at row i // n.
            from xlaflow.ops.array_ops import stack

            n = len(params)
            sizes = [int(np.shape(p)[0]) for p in params]
            if len(set(sizes)) != 1:
                raise ValueError(
                    "embedding_lookup: shards in `params` must have equal numbers of rows. "
                    f"Received: rows per shard {sizes}"
                )
            rows = sizes[0]
            params = stack([params[k] for k in range(n)], axis=1)
            params = _flatten_shards(params, n * rows)
        else:
            params = params[0]
    out = gather(params, ids)
    if max_norm is not None:
        from xlaflow.ops.clip_ops import clip_by_norm

        out = clip_by_norm(out, max_norm, axes=[-1])
    return out


@op("Reshape", tensors=("stacked",))
def _flatten_shards(stacked, total):
    return stacked.reshape((total,) + tuple(stacked.shape[2:]))
