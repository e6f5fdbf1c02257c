"""``split`` and ``bytes_split``: strings into rows of tokens (a ``RaggedTensor``).

As in TF, splitting a scalar gives a 1-D string tensor and splitting a tensor of
rank ``n`` gives a :class:`~xlaflow.ops.ragged_tensor.RaggedTensor` of rank ``n + 1``
(its last dimension ragged). That ragged form is what ``TextVectorization`` consumes
and what ``.to_tensor()`` pads (with ``b""``) and ``.to_list()`` lists.

``sep=None`` (or ``''``) splits on runs of ASCII whitespace and drops empty tokens;
a given ``sep`` splits on each occurrence and keeps empty tokens; ``maxsplit`` limits
the number of splits, the rest of the string staying in the last token -- Python's
``bytes.split`` rules, which are TF's.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.strings._common import read, wrap


def rows_of(value: Any, fn: Callable[[bytes], list], op: str, arg: str = "input", dtype: Any = object) -> Any:
    """``fn`` (one string -> a list of items) over ``value``: a 1-D tensor for a
    scalar, else a RaggedTensor one rank higher (a ragged input keeps its rows)."""
    if isinstance(value, RaggedTensor):
        flat = read(value._flat(), op, arg)
        inner = _ragged(flat.reshape(-1), fn, dtype)
        return _replace_flat(value, inner)
    arr = read(value, op, arg)
    if arr.ndim == 0:
        return wrap(_array(fn(arr[()]), dtype))
    result: Any = _ragged(arr.reshape(-1), fn, dtype)
    for size in reversed(arr.shape[1:]):  # uniform outer dimensions as uniform row splits
        result = RaggedTensor.from_row_splits(result, np.arange(0, result.nrows_int() + 1, size), validate=False)
    return result


def _replace_flat(ragged: RaggedTensor, inner: RaggedTensor) -> RaggedTensor:
    if isinstance(ragged._values, RaggedTensor):
        return RaggedTensor(_replace_flat(ragged._values, inner), ragged._row_splits, internal=True)
    return RaggedTensor(inner, ragged._row_splits, internal=True)


def _array(items: list, dtype: Any) -> np.ndarray:
    if dtype is object:
        out = np.empty(len(items), object)
        out[:] = items
        return out
    return np.asarray(items, dtype=dtype)


def _ragged(flat: np.ndarray, fn: Callable[[bytes], list], dtype: Any) -> RaggedTensor:
    rows = [fn(s) for s in flat]
    lengths = [len(r) for r in rows]
    values = _array([t for r in rows for t in r], dtype)
    return RaggedTensor.from_row_splits(values, np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]), validate=False)


def split(input: Any, sep: Any = None, maxsplit: int = -1, name: Any = None) -> Any:  # noqa: A002
    """Splits each string at ``sep`` (whitespace when None) into a row of tokens.

    Args:
      input: a string tensor of any rank (or a RaggedTensor of strings).
      sep: the separator (str or bytes); None or '' splits on whitespace runs.
      maxsplit: the most splits per string; -1 for no limit.

    Returns:
      A 1-D string tensor for a scalar input, else a RaggedTensor of strings.
    """
    if isinstance(sep, str):
        sep = sep.encode("utf-8")
    elif sep is not None and hasattr(sep, "numpy"):
        sep = sep.numpy()
    if sep is not None and not isinstance(sep, bytes):
        raise TypeError(f"strings.split: argument `sep` must be a string or None. Received: sep={sep!r}")
    sep = sep or None
    maxsplit = int(maxsplit)
    if sep is None and maxsplit >= 0:
        return rows_of(input, lambda s: _whitespace_split(s, maxsplit), "strings.split")
    return rows_of(input, lambda s: s.split(sep, maxsplit), "strings.split")


def _whitespace_split(s: bytes, maxsplit: int) -> list:
    """TF's whitespace split with a ``maxsplit`` (measured against TF 2.21): 0 keeps the
    string whole (unstripped); when exactly ``maxsplit`` tokens are found an empty
    token follows."""
    if maxsplit == 0:
        return [s]
    tokens = s.split(None, maxsplit)
    return tokens + [b""] if len(tokens) == maxsplit else tokens


def bytes_split(input: Any, name: Any = None) -> Any:  # noqa: A002
    """Splits each string into its single bytes (a row of 1-byte strings)."""
    return rows_of(input, lambda s: [s[i:i + 1] for i in range(len(s))], "strings.bytes_split")
