"""Shape and layout ops: cast, reshape, transpose, concat, stack, unstack, split,
squeeze, expand_dims, tile, pad, broadcast_to, shape, rank, size, identity,
stop_gradient.

Axes may be negative (counted from the end); an axis outside ``[-rank, rank)`` is an
``InvalidArgumentError`` naming the op, the argument and the rank.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops.dispatch import op


def check_axis(name: str, axis: Any, rank: int, arg: str = "axis", extra: int = 0) -> int:
    """``axis`` as a non-negative int, or a clear error if it is outside the rank."""
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{name}: argument `{arg}` must be an int. Received: {axis!r}")
    n = rank + extra
    if not -n <= axis < n:
        raise errors.InvalidArgumentError(
            f"{name}: argument `{arg}` must be in [{-n}, {n}) for a tensor of rank {rank}. Received: {arg}={axis}"
        )
    return int(axis) % n if n else 0


def check_axes(name: str, axis: Any, rank: int, arg: str = "axis") -> tuple[int, ...] | None:
    if axis is None:
        return None
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    out = tuple(check_axis(name, a, rank, arg) for a in axes)
    if len(set(out)) != len(out):
        raise errors.InvalidArgumentError(f"{name}: argument `{arg}` must not repeat an axis. Received: {axis!r}")
    return out


@op("Cast")
def cast(x, dtype):
    """Converts ``x`` to ``dtype`` (floats to ints truncate toward zero, as in TF)."""
    target = dtypes.canonical(dtype)
    x = jnp.asarray(x)  # a Tensor may wrap host data (a NumPy batch): the result is an array either way
    if target.is_bool:
        return x != 0
    return x.astype(target.as_numpy_dtype)


@op("Reshape", tensors=("tensor",))
def reshape(tensor, shape):
    """Gives ``tensor`` a new shape with the same number of elements; one dim may be -1.

    Raises:
      InvalidArgumentError: the element counts differ, or more than one -1.
    """
    shape = [shape] if isinstance(shape, int) else list(shape)
    if any(not isinstance(d, (int, np.integer)) or d < -1 for d in shape):
        raise errors.InvalidArgumentError(f"reshape: argument `shape` must be a list of ints >= -1. Received: {shape}")
    size = int(np.prod(tensor.shape))
    known = int(np.prod([d for d in shape if d != -1]))
    unknown = sum(d == -1 for d in shape)
    if unknown > 1 or (unknown == 0 and known != size) or (unknown == 1 and (known == 0 or size % known)):
        raise errors.InvalidArgumentError(
            f"reshape: argument `shape` must hold as many elements as `tensor` ({size}, "
            f"shape {list(tensor.shape)}), with at most one -1. Received: shape={shape}"
        )
    return jnp.reshape(tensor, shape)


@op("Transpose", tensors=("a",))
def transpose(a, perm=None, conjugate=False):
    """Permutes the axes (reverses them when ``perm`` is None)."""
    if perm is not None:
        if sorted(int(p) for p in perm) != list(range(a.ndim)):
            raise errors.InvalidArgumentError(
                f"transpose: argument `perm` must be a permutation of 0..{a.ndim - 1}. Received: perm={list(perm)}"
            )
    out = jnp.transpose(a, perm)
    return jnp.conj(out) if conjugate else out


@op("ConcatV2", tensors=("values",), lists=("values",), same_dtype=("values",))
def concat(values, axis):
    """Joins tensors along an existing ``axis``; other dimensions must match."""
    if not values:
        raise ValueError("concat: argument `values` must hold at least one tensor. Received: []")
    rank = values[0].ndim
    ax = check_axis("concat", axis, rank)
    ref = values[0].shape
    for i, v in enumerate(values):
        if v.ndim != rank or any(v.shape[d] != ref[d] for d in range(rank) if d != ax):
            raise errors.InvalidArgumentError(
                f"concat: every tensor in `values` must match values[0].shape={list(ref)} except on "
                f"axis {axis}. Received: values[{i}].shape={list(v.shape)}"
            )
    return jnp.concatenate(values, axis=ax)


@op("Pack", tensors=("values",), lists=("values",), same_dtype=("values",))
def stack(values, axis=0):
    """Stacks same-shaped tensors along a new ``axis``."""
    if not values:
        raise ValueError("stack: argument `values` must hold at least one tensor. Received: []")
    ref = values[0].shape
    for i, v in enumerate(values):
        if v.shape != ref:
            raise errors.InvalidArgumentError(
                f"stack: every tensor in `values` must have shape {list(ref)}. Received: values[{i}].shape={list(v.shape)}"
            )
    ax = check_axis("stack", axis, len(ref), extra=1)
    return jnp.stack(values, axis=ax)


@op("Unpack", tensors=("value",))
def unstack(value, num=None, axis=0):
    """Splits ``value`` along ``axis`` into a list of tensors of one rank less."""
    ax = check_axis("unstack", axis, value.ndim)
    n = value.shape[ax]
    if num is not None and num != n:
        raise errors.InvalidArgumentError(f"unstack: argument `num` must equal the size of axis {axis} ({n}). Received: num={num}")
    moved = jnp.moveaxis(value, ax, 0)
    return [moved[i] for i in range(n)]


@op("Split", tensors=("value",))
def split(value, num_or_size_splits, axis=0, num=None):
    """Splits into ``n`` equal parts, or parts of the given sizes (one may be -1)."""
    ax = check_axis("split", axis, value.ndim)
    dim = value.shape[ax]
    if isinstance(num_or_size_splits, (int, np.integer)):
        n = int(num_or_size_splits)
        if n <= 0 or dim % n:
            raise errors.InvalidArgumentError(
                f"split: argument `num_or_size_splits` must divide the size of axis {axis} ({dim}). Received: {n}"
            )
        return list(jnp.split(value, n, axis=ax))
    sizes = [int(s) for s in num_or_size_splits]
    if sizes.count(-1) == 1:
        sizes[sizes.index(-1)] = dim - (sum(sizes) + 1)
    if sum(sizes) != dim or any(s < 0 for s in sizes):
        raise errors.InvalidArgumentError(
            f"split: argument `num_or_size_splits` must sum to the size of axis {axis} ({dim}). Received: {list(num_or_size_splits)}"
        )
    cuts = np.cumsum(sizes)[:-1].tolist()
    return list(jnp.split(value, cuts, axis=ax))


@op("Squeeze", tensors=("input",))
def squeeze(input, axis=None):  # noqa: A002
    """Removes size-1 dimensions (all, or those in ``axis``)."""
    axes = check_axes("squeeze", axis, input.ndim)
    if axes is not None:
        for a in axes:
            if input.shape[a] != 1:
                raise errors.InvalidArgumentError(
                    f"squeeze: argument `axis` must name dimensions of size 1. Received: axis={axis} "
                    f"for a tensor of shape {list(input.shape)}"
                )
    return jnp.squeeze(input, axis=axes)


@op("ExpandDims", tensors=("input",))
def expand_dims(input, axis):  # noqa: A002
    """Inserts a dimension of size 1 at ``axis`` (which may be -1 for the end)."""
    ax = check_axis("expand_dims", axis, input.ndim, extra=1)
    return jnp.expand_dims(input, ax)


@op("Tile", tensors=("input",))
def tile(input, multiples):  # noqa: A002
    """Repeats ``input`` ``multiples[i]`` times along axis ``i``."""
    multiples = list(multiples) if not isinstance(multiples, int) else [multiples]
    if len(multiples) != input.ndim:
        raise errors.InvalidArgumentError(
            f"tile: argument `multiples` must have one entry per dimension of `input` ({input.ndim}). Received: {multiples}"
        )
    return jnp.tile(input, multiples)


@op("PadV2", tensors=("tensor", "constant_values"), same_dtype=("tensor", "constant_values"))
def pad(tensor, paddings, mode="CONSTANT", constant_values=0):
    """Pads each axis by ``paddings[i] = [before, after]`` (CONSTANT, REFLECT, SYMMETRIC).

    Raises:
      InvalidArgumentError: bad ``paddings``; REFLECT needs each padding < the size of
        its axis, SYMMETRIC <= it.
    """
    paddings = [list(p) for p in paddings]
    if len(paddings) != tensor.ndim or any(len(p) != 2 or min(p) < 0 for p in paddings):
        raise errors.InvalidArgumentError(
            f"pad: argument `paddings` must be [rank={tensor.ndim}, 2] non-negative ints. Received: {paddings}"
        )
    mode = mode.upper() if isinstance(mode, str) else mode
    if mode in ("CONSTANT", "REFLECT", "SYMMETRIC") and not paddings:  # a scalar: nothing to pad
        return jnp.asarray(tensor)
    if mode == "CONSTANT":
        if jnp.ndim(constant_values) != 0:
            raise ValueError(f"pad: argument `constant_values` must be a scalar. Received: shape {tuple(jnp.shape(constant_values))}")
        return jnp.pad(tensor, paddings, mode="constant", constant_values=constant_values)
    if mode in ("REFLECT", "SYMMETRIC"):
        extra = 0 if mode == "REFLECT" else 1
        for axis, (p, dim) in enumerate(zip(paddings, tensor.shape)):
            if max(p) >= dim + extra:
                limit = "less than" if mode == "REFLECT" else "at most"
                raise errors.InvalidArgumentError(
                    f"pad: argument `paddings` must be {limit} the size of each axis in {mode} mode. "
                    f"Received: paddings[{axis}]={p} for axis {axis} of size {dim}"
                )
        return jnp.pad(tensor, paddings, mode=mode.lower())
    raise ValueError(f"pad: argument `mode` must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC'. Received: {mode!r}")


@op("BroadcastTo", tensors=("input",))
def broadcast_to(input, shape):  # noqa: A002
    """Broadcasts ``input`` to ``shape`` with NumPy's rules."""
    try:
        return jnp.broadcast_to(input, tuple(shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            f"broadcast_to: `input` of shape {list(input.shape)} cannot broadcast to argument `shape`. Received: {list(shape)}"
        ) from None


@op("Shape", tensors=("input",), jit=False)
def shape(input, out_type=dtypes.int32):  # noqa: A002
    """The shape of ``input`` as a 1-D int tensor (always known: shapes are static)."""
    with jax.ensure_compile_time_eval():
        return jnp.asarray(np.asarray(input.shape, dtype=dtypes.canonical(out_type).as_numpy_dtype))


@op("Rank", tensors=("input",), jit=False)
def rank(input):  # noqa: A002
    """The number of dimensions of ``input`` as an int32 scalar."""
    with jax.ensure_compile_time_eval():
        return jnp.asarray(np.int32(input.ndim))


@op("Size", tensors=("input",), jit=False)
def size(input, out_type=dtypes.int32):  # noqa: A002
    """The number of elements of ``input`` as a scalar."""
    with jax.ensure_compile_time_eval():
        return jnp.asarray(np.asarray(int(np.prod(input.shape)), dtype=dtypes.canonical(out_type).as_numpy_dtype))


@op("Identity", tensors=("input",))
def identity(input):  # noqa: A002
    """Returns ``input`` as a tensor (reading a Variable's current value)."""
    return jnp.asarray(input)


@op("StopGradient", tensors=("input",))
def stop_gradient(input):  # noqa: A002
    """``input``, with no gradient flowing through it."""
    return jax.lax.stop_gradient(input)
