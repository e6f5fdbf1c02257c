"""TextVectorization's string stage: standardize, split and n-grams, on the host.

* ``standardize``: ``"lower"`` lowercases ASCII letters (``tf.strings.lower``'s
  default), ``"strip_punctuation"`` deletes Keras' punctuation class (exactly the 32
  ASCII punctuation bytes, so ``bytes.translate`` does it), ``"lower_and_strip_punctuation"``
  both; a callable receives a string tensor and returns strings (a tensor, array or
  list); None leaves the text as is.
* ``split``: ``"whitespace"`` (``tf.strings.split``), ``"character"``
  (``tf.strings.unicode_split``, UTF-8 with U+FFFD for invalid bytes), a callable (given a
  1-D string tensor; it may return a RaggedTensor, a 2-D string tensor or lists), or
  None (each string is one token).
* ``ngrams``: a tuple of widths; n-grams joined with ``" "`` (``tf.strings.ngrams``).

The result is a list of token rows (split) or a dense array of tokens (no split).
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.ops.string_tensor import StringTensor, as_bytes_array
from xlaflow.strings.ngrams import _row_ngrams

PUNCTUATION = string.punctuation.encode("ascii")  # Keras' class [!"#$%&()*+,-./:;<=>?@[\]^_`{|}~']


def standardize(arr: np.ndarray, how: Any) -> np.ndarray:
    """``arr`` (bytes objects) standardized by ``how``."""
    if how is None:
        return arr
    flat = arr.reshape(-1)
    if how in ("lower", "lower_and_strip_punctuation"):
        flat = [s.lower() for s in flat]
    if how in ("strip_punctuation", "lower_and_strip_punctuation"):
        flat = [s.translate(None, PUNCTUATION) for s in flat]
    if callable(how):
        result = how(StringTensor._wrap(arr))
        out = as_bytes_array(result, "TextVectorization: the result of `standardize`")
        return out
    out = np.empty(len(flat), object)
    out[:] = list(flat)
    return out.reshape(arr.shape)


def _char_split(s: bytes) -> list:
    return [c.encode("utf-8", "surrogatepass") for c in s.decode("utf-8", "replace")]


def split_rows(arr: np.ndarray, how: Any) -> list:
    """Token rows of a 1-D array of strings."""
    flat = arr.reshape(-1)
    if how == "whitespace":
        return [s.split() for s in flat]
    if how == "character":
        return [_char_split(s) for s in flat]
    return _rows_from(how(StringTensor._wrap(arr)), len(flat))


def _rows_from(result: Any, n: int) -> list:
    """The token rows of what a custom ``split`` returned."""
    if isinstance(result, RaggedTensor):
        if result.ragged_rank != 1:
            raise ValueError(f"TextVectorization: a custom `split` must return one row of tokens per input string. "
                             f"Received: a RaggedTensor of ragged rank {result.ragged_rank}")
        values = as_bytes_array(result._values, "TextVectorization: the result of `split`")
        s = result._row_splits
        rows = [list(values[s[i]:s[i + 1]]) for i in range(len(s) - 1)]
    elif isinstance(result, StringTensor) or isinstance(result, np.ndarray):
        arr = as_bytes_array(result, "TextVectorization: the result of `split`")
        rows = [list(r) for r in arr.reshape(arr.shape[0], -1)] if arr.ndim else [[arr[()]]]
    else:
        rows = [list(as_bytes_array(r, "TextVectorization: the result of `split`").reshape(-1)) for r in result]
    if len(rows) != n:
        raise ValueError(f"TextVectorization: a custom `split` must return one row per input string ({n}). "
                         f"Received: {len(rows)} rows")
    return rows


def ngram_rows(rows: list, widths: tuple) -> list:
    return [_row_ngrams(list(r), list(widths), b" ", b"", b"", 0, False) for r in rows]


def check_callable(value: Any, arg: str, allowed: tuple) -> Any:
    if value is None or callable(value) or value in allowed:
        return value
    raise ValueError(f"TextVectorization: argument `{arg}` must be one of {allowed}, None or a callable. "
                     f"Received: {arg}={value!r}")


__all__ = ["PUNCTUATION", "check_callable", "ngram_rows", "split_rows", "standardize"]
