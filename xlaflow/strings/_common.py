"""What every ``tf.strings`` function shares: reading string arguments, applying a
per-string Python function over a tensor (or a RaggedTensor's flat values), and
wrapping results.

String data is an object array of ``bytes`` (see :mod:`xlaflow.ops.string_tensor`);
a per-element function runs over the flat array in one list comprehension (C-level
``bytes`` methods do the work) and the result takes the input's shape.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.ops.string_tensor import StringTensor, strings_of


def read(value: Any, op: str, arg: str = "input") -> np.ndarray:
    """A string argument as an object array of bytes (clear errors otherwise)."""
    return strings_of(value, op, arg)


def fill(shape: tuple, values: list, dtype: Any = object) -> np.ndarray:
    """``values`` (a flat list) as an array of ``shape``."""
    if dtype is object:
        out = np.empty(len(values), object)
        out[:] = values
        return out.reshape(shape)
    return np.asarray(values, dtype=dtype).reshape(shape)


def wrap(arr: np.ndarray) -> Any:
    """A host result as a tensor: a StringTensor for bytes, a Tensor for numbers."""
    if arr.dtype == object:
        return StringTensor._wrap(arr)
    from xlaflow.ops.convert import convert_to_tensor

    if arr.dtype == np.int64 and not dtypes.x64_enabled():
        arr = arr.astype(np.int32)
    return convert_to_tensor(arr)


def elementwise(value: Any, fn: Callable[[bytes], Any], op: str, arg: str = "input", dtype: Any = object) -> Any:
    """``fn`` applied to every string of ``value`` (a tensor, array, list or
    RaggedTensor); the result has ``value``'s shape (and row partition)."""
    if isinstance(value, RaggedTensor):
        flat = read(value._flat(), op, arg)
        return value.with_flat_values(fill(flat.shape, [fn(s) for s in flat.reshape(-1)], dtype))
    arr = read(value, op, arg)
    return wrap(fill(arr.shape, [fn(s) for s in arr.reshape(-1)], dtype))


def invalid(op: str, message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(f"{op}: {message}")


def check_unit(unit: str, op: str) -> str:
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"{op}: argument `unit` must be 'BYTE' or 'UTF8_CHAR'. Received: unit={unit!r}")
    return unit


def check_encoding(encoding: str, op: str, arg: str = "input_encoding") -> str:
    """A TF encoding name as Python's codec name (UTF-8, UTF-16-BE, UTF-32-BE)."""
    names = {"UTF-8": "utf-8", "UTF-16-BE": "utf-16-be", "UTF-32-BE": "utf-32-be"}
    key = str(encoding).upper()
    if key not in names:
        raise errors.InvalidArgumentError(f"{op}: argument `{arg}` must be one of {sorted(names)}. "
                                          f"Received: {arg}={encoding!r}")
    return names[key]
