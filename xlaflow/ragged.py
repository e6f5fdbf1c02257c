"""``xlaflow.ragged`` (``tf.ragged``): building host RaggedTensors.

See :mod:`xlaflow.ops.ragged_tensor` for the representation. ``constant`` takes nested
Python lists whose innermost lists may differ in length; strings become ``bytes``,
Python ints int32 and floats float32 (TF's defaults).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow._core import dtypes
from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.ops.string_tensor import as_bytes_array, is_string_data


def _depth(value: Any) -> int:
    d = 0
    while isinstance(value, (list, tuple)):
        if not value:
            return d + 1
        value = value[0]
        d += 1
    return d


def _flatten(rows: list) -> tuple[list, list]:
    lengths = [len(r) for r in rows]
    return [x for r in rows for x in r], lengths


def constant(pylist: Any, dtype: Any = None, ragged_rank: Any = None, inner_shape: Any = None, name: Any = None,
             row_splits_dtype: Any = None) -> Any:
    """A RaggedTensor from nested lists (TF's ``tf.ragged.constant``).

    Args:
      pylist: nested lists of numbers or strings.
      dtype: the element dtype (inferred when None).
      ragged_rank: how many dimensions are ragged (all but the values' by default).
      inner_shape: not supported (an error if given).
    """
    if inner_shape is not None:
        raise NotImplementedError(f"ragged.constant: argument `inner_shape` is not supported. Received: {inner_shape!r}")
    depth = _depth(pylist)
    if depth < 1:
        raise ValueError(f"ragged.constant: argument `pylist` must be a nested list. Received: {pylist!r:.100}")
    rank = depth - 1 if ragged_rank is None else int(ragged_rank)
    if not 1 <= rank <= max(depth - 1, 1):
        raise ValueError(f"ragged.constant: argument `ragged_rank` must be in [1, {depth - 1}]. Received: {ragged_rank}")
    levels = []
    flat: list = list(pylist)
    for _ in range(rank):
        flat, lengths = _flatten(flat)
        levels.append(lengths)
    values = _values(flat, dtype)
    result: Any = values
    for lengths in reversed(levels):
        result = RaggedTensor.from_row_lengths(result, lengths, validate=False)
    return result


def _values(flat: list, dtype: Any) -> np.ndarray:
    if (dtype is not None and dtypes.as_dtype(dtype) == dtypes.string) or (dtype is None and flat and is_string_data(flat)):
        return as_bytes_array(flat, "ragged.constant: argument `pylist`") if flat else np.zeros((0,), object)
    if dtype is not None:
        return np.asarray(flat, dtypes.as_dtype(dtype).as_numpy_dtype)
    arr = np.asarray(flat)
    if not flat:
        return np.zeros((0,), np.float32)
    if arr.dtype.kind == "f":
        return arr.astype(np.float32)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int32)
    return arr


def map_flat_values(op: Callable, *args: Any, **kwargs: Any) -> Any:
    """``op`` applied to the flat values of the RaggedTensor arguments (same partition)."""
    ragged = [a for a in list(args) + list(kwargs.values()) if isinstance(a, RaggedTensor)]
    if not ragged:
        return op(*args, **kwargs)
    unwrap = lambda a: a.flat_values if isinstance(a, RaggedTensor) else a  # noqa: E731
    out = op(*[unwrap(a) for a in args], **{k: unwrap(v) for k, v in kwargs.items()})
    return ragged[0].with_flat_values(out)


__all__ = ["RaggedTensor", "constant", "map_flat_values"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.ragged")
