"""``tensor[key]``: NumPy indexing rules (ints, slices with negative steps, ``...``,
``None``, integer and boolean index tensors) as one recorded op.

The key is split into a static template (ints, slice bounds, ``None``, ``...``) and
the index arrays it holds, so a gradient tape records ``StridedSlice`` with the
template as an attribute and the index arrays as inputs. Integer indices are checked
against the dimension they index: NumPy raises ``IndexError`` where JAX would clamp,
and so does xlaflow (:class:`~xlaflow.errors.IndexOutOfRangeError` is both).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import errors
from xlaflow.ops.dispatch import op, static_value
from xlaflow.ops.tensor import TensorLike

_ARRAY_TYPES = (TensorLike, jax.Array, np.ndarray, list)


def _slice_bound(v: Any) -> Any:
    if v is None:
        return None
    v = static_value(v, "strided_slice", "key")
    if not isinstance(v, (int, np.integer)) or isinstance(v, bool):
        raise TypeError(f"strided_slice: slice bounds must be ints or None. Received: {v!r}")
    return int(v)


def split_key(key: Any) -> tuple[tuple, list]:
    """(template, index arrays): each template item is ('i', n), ('s', a, b, c),
    ('n',), ('e',) or ('a', k) for the k-th index array."""
    items = key if isinstance(key, tuple) else (key,)
    template: list = []
    arrays: list = []
    for item in items:
        if item is None:
            template.append(("n",))
        elif item is Ellipsis:
            template.append(("e",))
        elif isinstance(item, slice):
            template.append(("s", _slice_bound(item.start), _slice_bound(item.stop), _slice_bound(item.step)))
        elif isinstance(item, (bool, np.bool_)):
            arrays.append(np.asarray(item))
            template.append(("a", len(arrays) - 1))
        elif isinstance(item, (int, np.integer)):
            template.append(("i", int(item)))
        elif isinstance(item, TensorLike) and item.shape.rank == 0 and item.dtype.is_integer and not isinstance(item._read(), jax.core.Tracer):
            template.append(("i", int(item)))
        elif isinstance(item, _ARRAY_TYPES) or isinstance(item, jax.core.Tracer):
            if isinstance(item, list) and not item:  # NumPy reads [] as an empty int index
                item = np.zeros((0,), np.int32)
            arrays.append(item)
            template.append(("a", len(arrays) - 1))
        else:
            raise TypeError(
                "strided_slice: an index must be an int, slice, None, Ellipsis or an integer/bool "
                f"tensor. Received: {item!r} of type {type(item).__name__}"
            )
    if sum(t[0] == "e" for t in template) > 1:
        raise errors.InvalidArgumentError("strided_slice: an index can only have a single ellipsis ('...')")
    return tuple(template), arrays


def _check_ints(template: tuple, shape: tuple, arrays: list) -> None:
    """IndexError for any int index outside the dimension it indexes."""
    consumed = sum(1 for t in template if t[0] in "is") + sum(
        (arrays[t[1]].ndim if arrays[t[1]].dtype == jnp.bool_ else 1) for t in template if t[0] == "a"
    )
    if consumed > len(shape):
        raise errors.IndexOutOfRangeError(
            f"strided_slice: too many indices for a tensor of rank {len(shape)}. Received: {consumed} indices"
        )
    dim = 0
    for t in template:
        if t[0] == "e":
            dim += len(shape) - consumed
        elif t[0] == "i":
            n = shape[dim]
            if not -n <= t[1] < n:
                raise errors.IndexOutOfRangeError(
                    f"strided_slice: index {t[1]} is out of bounds for axis {dim} with size {n}"
                )
            dim += 1
        elif t[0] == "s":
            if t[3] == 0:
                raise errors.InvalidArgumentError("strided_slice: slice step cannot be zero")
            dim += 1
        elif t[0] == "a":
            a = arrays[t[1]]
            if a.dtype == jnp.bool_:
                dim += a.ndim
            else:
                if not jnp.issubdtype(a.dtype, jnp.integer):
                    raise TypeError(f"strided_slice: index tensors must be integer or bool. Received: dtype={a.dtype}")
                n = shape[dim]
                if not isinstance(a, jax.core.Tracer) and a.size:
                    host = np.asarray(a)
                    bad = host[(host < -n) | (host >= n)]
                    if bad.size:
                        raise errors.IndexOutOfRangeError(
                            f"strided_slice: index {bad.flat[0]} is out of bounds for axis {dim} with size {n}"
                        )
                dim += 1


@op("StridedSlice", tensors=("x", "arrays"), lists=("arrays",), jit=False)
def strided_slice(x, arrays, template):
    """``x[key]`` for a key split by :func:`split_key`."""
    _check_ints(template, x.shape, arrays)
    key = []
    for t in template:
        kind = t[0]
        if kind == "i":
            key.append(t[1])
        elif kind == "s":
            key.append(slice(t[1], t[2], t[3]))
        elif kind == "n":
            key.append(None)
        elif kind == "e":
            key.append(Ellipsis)
        else:
            a = arrays[t[1]]
            if a.dtype == jnp.bool_ and isinstance(a, jax.core.Tracer):
                raise TypeError(
                    "strided_slice: a boolean mask index needs concrete values; inside compiled "
                    "code use xlaflow.where instead."
                )
            key.append(np.asarray(a) if a.dtype == jnp.bool_ else a)
    return x[tuple(key)]


def getitem(x: Any, key: Any) -> Any:
    template, arrays = split_key(key)
    return strided_slice(x, arrays, template=template)
