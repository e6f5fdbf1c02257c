"""``length``, ``substr``, ``join`` and ``reduce_join``.

``unit='UTF8_CHAR'`` counts and slices characters the way TF does: a character starts
at every byte that is not a UTF-8 continuation byte (``0b10xxxxxx``), so invalid
bytes count as characters of their own.
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from xlaflow._core import errors
from xlaflow.strings._common import check_unit, elementwise, fill, read, wrap

_TRAIL = bytes(range(0x80, 0xC0))


def _char_starts(s: bytes) -> list:
    return [i for i, b in enumerate(s) if b & 0xC0 != 0x80]


def length(input: Any, unit: str = "BYTE", name: Any = None) -> Any:  # noqa: A002
    """The length of each string in bytes, or in UTF-8 characters (int32)."""
    op = "strings.length"
    if check_unit(unit, op) == "BYTE":
        return elementwise(input, len, op, dtype=np.int32)
    return elementwise(input, lambda s: len(s.translate(None, _TRAIL)), op, dtype=np.int32)


def _int_array(value: Any, op: str, arg: str) -> np.ndarray:
    arr = np.asarray(value)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"{op}: argument `{arg}` must be integers. Received: dtype {arr.dtype}")
    return arr


def substr(input: Any, pos: Any, len: Any, unit: str = "BYTE", name: Any = None) -> Any:  # noqa: A002
    """Substrings from ``pos`` (negative: from the end) of at most ``len`` units.

    ``pos`` and ``len`` broadcast against ``input``; a ``pos`` outside the string is an
    ``InvalidArgumentError``, as in TF.
    """
    op = "strings.substr"
    by_char = check_unit(unit, op) == "UTF8_CHAR"
    arr = read(input, op)
    pos_arr, len_arr = _int_array(pos, op, "pos"), _int_array(len, op, "len")
    try:
        shape = np.broadcast_shapes(arr.shape, pos_arr.shape, len_arr.shape)
    except ValueError:
        raise errors.InvalidArgumentError(f"{op}: `input`, `pos` and `len` must broadcast together. Received: shapes "
                                          f"{arr.shape}, {pos_arr.shape}, {len_arr.shape}") from None
    strings = np.broadcast_to(arr, shape).reshape(-1)
    positions = np.broadcast_to(pos_arr, shape).reshape(-1)
    lengths = np.broadcast_to(len_arr, shape).reshape(-1)
    out = []
    for i, (s, p, n) in enumerate(zip(strings, positions.tolist(), lengths.tolist())):
        starts = _char_starts(s) if by_char else None
        size = builtins.len(starts) if by_char else builtins.len(s)
        start = p + size if p < 0 else p
        if not 0 <= start <= size:
            raise errors.InvalidArgumentError(f"{op}: pos {p} out of range for string b'{s.decode('utf-8', 'replace')}' "
                                              f"at index {i}")
        stop = min(size, start + max(n, 0))
        if by_char:
            edges = starts + [builtins.len(s)]
            out.append(s[edges[start]:edges[stop]])
        else:
            out.append(s[start:stop])
    return wrap(fill(shape, out))


def join(inputs: Any, separator: Any = "", name: Any = None) -> Any:
    """Joins the strings of the tensors in ``inputs`` elementwise (they broadcast)."""
    op = "strings.join"
    if not isinstance(inputs, (list, tuple)):
        raise TypeError(f"{op}: argument `inputs` must be a list of string tensors. Received: {type(inputs).__name__}")
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    arrays = [read(x, op, f"inputs[{i}]") for i, x in enumerate(inputs)]
    if not arrays:
        return wrap(fill((), [b""]))
    try:
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
    except ValueError:
        raise errors.InvalidArgumentError(f"{op}: the inputs must have broadcast-compatible shapes. Received: "
                                          f"{[a.shape for a in arrays]}") from None
    columns = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    return wrap(fill(shape, [sep.join(parts) for parts in zip(*columns)]))


def reduce_join(inputs: Any, axis: Any = None, keepdims: bool = False, separator: Any = "", name: Any = None) -> Any:
    """Joins the strings along ``axis`` (all axes when None) with ``separator``."""
    op = "strings.reduce_join"
    arr = read(inputs, op, "inputs")
    sep = separator.encode("utf-8") if isinstance(separator, str) else bytes(separator)
    axes = tuple(range(arr.ndim)) if axis is None else tuple(np.atleast_1d(np.asarray(axis)).tolist())
    axes = tuple(sorted(a + arr.ndim if a < 0 else a for a in axes))
    for a in axes:
        if not 0 <= a < max(arr.ndim, 1):
            raise errors.InvalidArgumentError(f"{op}: argument `axis` {axis} is out of range for rank {arr.ndim}")
    keep = [d for d in range(arr.ndim) if d not in axes]
    kept_shape = tuple(arr.shape[d] for d in keep)
    n_rows = int(np.prod(kept_shape, dtype=np.int64))
    n_cols = int(np.prod([arr.shape[d] for d in axes], dtype=np.int64))
    flat = np.transpose(arr, keep + list(axes)).reshape(n_rows, n_cols)
    joined = [sep.join(r) for r in flat]
    out = fill(kept_shape, joined)
    if keepdims:
        out = out.reshape(tuple(1 if d in axes else arr.shape[d] for d in range(arr.ndim)))
    return wrap(out)
