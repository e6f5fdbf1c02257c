"""Ops that create tensors from shapes and values: zeros, ones, fill, eye, range, and
their ``*_like`` forms.

A ``shape`` argument may be a list, tuple, ``TensorShape`` or an integer tensor with a
concrete value; the default dtype is float32 (int32 for ``range`` of ints), as in TF.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.ops.dispatch import op, static_value


def _shape(shape: Any, name: str) -> tuple[int, ...]:
    if isinstance(shape, TensorShape):
        shape = shape.as_list()
    shape = static_value(shape, name, "shape")
    if isinstance(shape, int):
        shape = (shape,)
    try:
        dims = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: argument `shape` must be a list of non-negative ints. Received: {shape!r}") from None
    if any(d < 0 for d in dims):
        raise ValueError(f"{name}: argument `shape` must be a list of non-negative ints. Received: {list(dims)}")
    return dims


def _dtype(dtype: Any, default: Any = dtypes.float32) -> Any:
    return dtypes.canonical(default if dtype is None else dtype).as_numpy_dtype


HOST_FILL_LIMIT = 1 << 20  # elements: smaller constant arrays are made on the host


def _filled(shape: tuple, dtype: Any, value: Any) -> Any:
    """``shape`` filled with ``value``: small ones made by NumPy and transferred (no
    program to compile per shape; inside a trace the transfer is a constant)."""
    if int(np.prod(shape, dtype=np.int64)) <= HOST_FILL_LIMIT:
        return jax.device_put(np.full(shape, value, dtype))
    return jnp.full(shape, value, dtype)


@op("zeros", tensors=())
def zeros(shape, dtype=dtypes.float32):
    """A tensor of zeros of the given shape and dtype (float32 by default)."""
    return _filled(_shape(shape, "zeros"), _dtype(dtype), 0)


@op("ones", tensors=())
def ones(shape, dtype=dtypes.float32):
    """A tensor of ones of the given shape and dtype (float32 by default)."""
    return _filled(_shape(shape, "ones"), _dtype(dtype), 1)


@op("fill", tensors=("value",))
def fill(dims, value):
    """A tensor of shape ``dims`` filled with the scalar ``value`` (keeping its dtype)."""
    if jnp.ndim(value) != 0:
        raise ValueError(f"fill: argument `value` must be a scalar. Received: shape {tuple(jnp.shape(value))}")
    return jnp.full(_shape(dims, "fill"), value)


@op("zeros_like", tensors=("input",))
def zeros_like(input, dtype=None):  # noqa: A002 - TF's argument name
    """Zeros with the shape (and, unless given, the dtype) of ``input``."""
    return jnp.zeros_like(input, dtype=None if dtype is None else _dtype(dtype))


@op("ones_like", tensors=("input",))
def ones_like(input, dtype=None):  # noqa: A002
    """Ones with the shape (and, unless given, the dtype) of ``input``."""
    return jnp.ones_like(input, dtype=None if dtype is None else _dtype(dtype))


@op("eye", tensors=())
def eye(num_rows, num_columns=None, batch_shape=None, dtype=dtypes.float32):
    """An identity matrix (or a batch of them)."""
    for arg, v in (("num_rows", num_rows), ("num_columns", num_columns)):
        if v is not None and (not isinstance(v, (int, np.integer)) or v < 0):
            raise ValueError(f"eye: argument `{arg}` must be a non-negative int. Received: {v!r}")
    m = jnp.eye(num_rows, num_columns, dtype=_dtype(dtype))
    if batch_shape is not None:
        batch = _shape(batch_shape, "eye")
        m = jnp.broadcast_to(m, batch + m.shape)
    return m


@op("range", tensors=())
def range(start, limit=None, delta=1, dtype=None):  # noqa: A001 - TF's public name
    """Numbers from ``start`` (inclusive) to ``limit`` (exclusive) in steps of ``delta``.

    ``range(5)`` counts from 0. The dtype is int32 for ints and float32 for floats,
    unless ``dtype`` is given.
    """
    if limit is None:
        start, limit = 0, start
    if delta == 0:
        raise ValueError("range: argument `delta` must not be zero. Received: 0")
    values = (start, limit, delta)
    if dtype is None:
        is_float = any(isinstance(v, (float, np.floating)) for v in values)
        dtype = dtypes.float32 if is_float else dtypes.int32
    return jnp.arange(start, limit, delta, dtype=_dtype(dtype))


@op("linspace", tensors=("start", "stop"), same_dtype=("start", "stop"))
def linspace(start, stop, num, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` inclusive.

    ``start`` and ``stop`` may be tensors of one shape (the values are then laid out
    along ``axis``); the result has their float dtype (float32 for integers).
    """
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: argument `num` must be a non-negative int. Received: {num!r}")
    dtype = jnp.result_type(start, stop)
    if not jnp.issubdtype(dtype, jnp.floating):
        dtype = _dtype(None)
    return jnp.linspace(start, stop, int(num), axis=axis, dtype=dtype)
