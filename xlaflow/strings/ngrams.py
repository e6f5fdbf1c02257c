"""``ngrams``: joined runs of consecutive tokens (TF's ``StringNGrams`` rules).

For each row of tokens and each width ``w`` (an int or a tuple of them, concatenated
in order), the row is padded with ``pad_values`` (``padding_width`` on each side, at
most ``w - 1``; ``w - 1`` when only ``pad_values`` is given) and every run of ``w``
items is joined with ``separator``. ``preserve_short_sequences`` keeps a non-empty row
too short for any n-gram as one joined (padded) item. A dense input gives a dense
result (rank 1: one row), a RaggedTensor a RaggedTensor.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.strings._common import read, wrap


def _b(v: Any) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


def _row_ngrams(tokens: list, widths: list, sep: bytes, left: bytes, right: bytes, pad_width: int,
                preserve: bool) -> list:
    out: list = []
    for w in widths:
        pad = min(w - 1 if pad_width < 0 else pad_width, w - 1)
        padded = [left] * pad + tokens + [right] * pad
        out.extend(sep.join(padded[i:i + w]) for i in range(len(padded) - w + 1))
    if preserve and not out and tokens:
        pad = max(pad_width, 0)
        out.append(sep.join([left] * pad + tokens + [right] * pad))
    return out


def ngrams(data: Any, ngram_width: Any, separator: Any = " ", pad_values: Any = None, padding_width: Any = None,
           preserve_short_sequences: bool = False, name: Any = None) -> Any:
    """N-grams of the token rows in the last dimension of ``data``.

    Args:
      data: a string tensor of rank >= 1 (rows on the last axis) or a RaggedTensor.
      ngram_width: an int or a tuple of ints, the n-gram sizes.
      separator: joins the tokens of an n-gram.
      pad_values: None, a string, or a (left, right) pair of strings.
      padding_width: how many pad values on each side (default ``width - 1``).
      preserve_short_sequences: keep rows too short for any n-gram (see above).
    """
    op = "strings.ngrams"
    if pad_values is None:
        left = right = b""
    elif isinstance(pad_values, (list, tuple)):
        if not all(isinstance(v, (str, bytes)) for v in pad_values[:2]):
            raise TypeError("pad_values must be a string, tuple of strings, or None.")
        left, right = _b(pad_values[0]), _b(pad_values[1])
    elif isinstance(pad_values, (str, bytes)):
        left = right = _b(pad_values)
    else:
        raise TypeError("pad_values must be a string, tuple of strings, or None.")
    if padding_width is not None and padding_width < 1:
        raise ValueError("padding_width must be greater than 0.")
    if padding_width is not None and pad_values is None:
        raise ValueError("pad_values must be provided if padding_width is set.")
    pad_width = 0 if pad_values is None else (-1 if padding_width is None else int(padding_width))
    widths = list(ngram_width) if isinstance(ngram_width, (list, tuple)) else [ngram_width]
    if any(int(w) < 1 for w in widths):
        raise ValueError(f"All ngram_widths must be greater than 0. Got {ngram_width}")
    widths = [int(w) for w in widths]
    sep = _b(separator)
    args = (widths, sep, left, right, pad_width, bool(preserve_short_sequences))
    if isinstance(data, RaggedTensor):
        return _ragged(data, args, op)
    arr = read(data, op, "data")
    if arr.ndim == 0:
        raise ValueError("Data must have rank>0")
    rows = arr.reshape(-1, arr.shape[-1])
    grams = [_row_ngrams(list(r), *args) for r in rows]
    out = np.empty(sum(len(g) for g in grams), object)
    out[:] = [g for row in grams for g in row]
    return wrap(out.reshape(arr.shape[:-1] + (-1,)) if arr.ndim > 1 else out)


def _ragged(data: RaggedTensor, args: tuple, op: str) -> RaggedTensor:
    if isinstance(data._values, RaggedTensor):
        return RaggedTensor(_ragged(data._values, args, op), data._row_splits, internal=True)
    values = read(data._values, op, "data")
    splits = data._row_splits
    grams = [_row_ngrams(list(values[splits[i]:splits[i + 1]]), *args) for i in range(len(splits) - 1)]
    flat = np.empty(sum(len(g) for g in grams), object)
    flat[:] = [g for row in grams for g in row]
    return RaggedTensor.from_row_lengths(flat, [len(g) for g in grams], validate=False)
