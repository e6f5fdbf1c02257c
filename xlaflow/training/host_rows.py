"""``HostRows``: in-memory training data read by the compiled steps without a copy.

On the CPU backend a device array can share a NumPy array's memory instead of copying
it, but only when that memory starts on a 64-byte boundary. NumPy's large arrays
usually start 16 bytes past one, so ``jax.device_put`` copies them, and a ``fit`` over
NumPy data would copy every batch (or the whole dataset) before computing on it.

A :class:`HostRows` sees the array's memory as one flat device array (no copy),
together with the element offset at which row 0 starts (0: an array that does not
start on a boundary is first copied, once, to one that does — so the flat array's
length, part of the compiled program's input types, never depends on where NumPy
happened to allocate the data). A step reads batch ``i`` with one ``lax.dynamic_slice`` of the flat
array, which XLA fuses into whatever consumes the rows. The bytes before row 0 belong
to the same page (a page starts on a 64-byte boundary too) and are never read.

:func:`views` builds them for a dict of arrays, or returns None where that is not
possible (another backend, a non-contiguous array, more than 2**31 elements); the
caller then copies the data to the device as usual. The device arrays keep the NumPy
arrays alive, and, as with JAX's own zero-copy inputs, the data must not be written
in place while a step reads it.
"""

from __future__ import annotations

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.ops.tensor import TensorLike

_ALIGN = 64


class _Span:
    """The bytes ``[address, address + nbytes)``, kept alive with ``owner`` (a NumPy array interface)."""

    def __init__(self, owner: np.ndarray, address: int, nbytes: int):
        self.owner = owner
        self.__array_interface__ = {"data": (address, True), "shape": (nbytes,), "typestr": "|u1", "version": 3}


@jax.tree_util.register_pytree_node_class
class HostRows:
    """Rows of shape ``row_shape`` in ``flat``, from element ``offset``, read ``batch_size`` at a time."""

    def __init__(self, flat: Any, offset: Any, row_shape: tuple, batch_size: int):
        self.flat = flat
        self.offset = offset
        self.row_shape = row_shape
        self.batch_size = batch_size

    def tree_flatten(self) -> tuple:
        return (self.flat, self.offset), (self.row_shape, self.batch_size)

    @classmethod
    def tree_unflatten(cls, aux: tuple, children: tuple) -> "HostRows":
        return cls(*children, *aux)

    def batch(self, number: Any) -> Any:
        """Batch ``number``: rows ``[number * batch_size, (number + 1) * batch_size)`` (``number`` may be traced;
        the caller keeps the rows in range)."""
        flat, offset = (a._read() if isinstance(a, TensorLike) else a for a in (self.flat, self.offset))
        size = math.prod(self.row_shape)
        count = self.batch_size * size
        rows = jax.lax.dynamic_slice(flat, (offset + jnp.asarray(number, jnp.int32) * count,), (count,))
        return rows.reshape((self.batch_size,) + self.row_shape)


def _aligned_copy(a: np.ndarray) -> np.ndarray:
    """``a`` copied to memory that starts on a 64-byte boundary (one host copy per
    ``fit``/``evaluate`` call; the flat view then has the same length whatever the
    source's alignment, so a new array never compiles a new program)."""
    buf = np.empty(a.nbytes + _ALIGN, np.uint8)
    start = (-buf.ctypes.data) % _ALIGN
    out = buf[start:start + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    return out


def _view(a: np.ndarray, batch_size: int) -> HostRows | None:
    if not isinstance(a, np.ndarray) or not a.flags.c_contiguous or a.ndim == 0 or a.size == 0:
        return None
    if a.size >= 2**31:
        return None
    if a.ctypes.data % _ALIGN:
        a = _aligned_copy(a)
    address = a.ctypes.data
    span = np.asarray(_Span(a, address, a.nbytes)).view(a.dtype)
    flat = jax.device_put(span)
    if flat.unsafe_buffer_pointer() != address:  # copied after all: no gain over a plain copy
        return None
    return HostRows(flat, jax.device_put(np.int32(0)), tuple(a.shape[1:]), batch_size)


def views(host: dict, batch_size: int) -> dict | None:
    """``host`` (``{"x", "y", "sw"}`` of NumPy arrays or None) as HostRows, or None if any array can't be viewed."""
    if jax.default_backend() != "cpu":
        return None
    leaves, treedef = jax.tree_util.tree_flatten(host)
    rows = [_view(a, batch_size) for a in leaves]
    if any(r is None for r in rows):
        return None
    return jax.tree_util.tree_unflatten(treedef, rows)
