"""``unicode_decode``, ``unicode_split`` and ``unicode_encode``.

Decoding follows TF's ``errors`` modes: ``'replace'`` (the default) puts
``replacement_char`` (U+FFFD) in place of each maximal invalid byte sequence,
``'ignore'`` drops it and ``'strict'`` raises ``InvalidArgumentError``;
``replace_control_characters`` also replaces the C0 control characters (U+0000..U+001F). Input
encodings: UTF-8, UTF-16-BE and UTF-32-BE. Code points are int32.
"""

from __future__ import annotations

import codecs
from typing import Any

import numpy as np

from xlaflow._core import errors as tf_errors
from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.strings._common import check_encoding, fill, wrap
from xlaflow.strings.split import rows_of

_MARK = "\udfff"  # never produced by a valid decode: marks one invalid sequence


def _mark(error: UnicodeDecodeError) -> tuple[str, int]:
    return _MARK, error.end


codecs.register_error("xlaflow.mark_invalid", _mark)


def _check_errors(value: str, op: str) -> str:
    if value not in ("replace", "ignore", "strict"):
        raise ValueError(f"{op}: argument `errors` must be 'replace', 'ignore' or 'strict'. Received: errors={value!r}")
    return value


def _codepoints(s: bytes, codec: str, errors_mode: str, replacement: int, controls: bool, op: str) -> list:
    text = s.decode(codec, "xlaflow.mark_invalid")
    out = []
    for ch in text:
        cp = ord(ch)
        if ch == _MARK:
            if errors_mode == "strict":
                raise tf_errors.InvalidArgumentError(f"{op}: invalid {codec.upper()} input: {s!r}")
            if errors_mode == "ignore":
                continue
            cp = replacement
        elif controls and cp < 0x20:
            cp = replacement
        out.append(cp)
    return out


def unicode_decode(input: Any, input_encoding: str, errors: str = "replace", replacement_char: int = 65533,  # noqa: A002
                   replace_control_characters: bool = False, name: Any = None) -> Any:
    """The code points of each string: a 1-D int32 tensor for a scalar, else a
    RaggedTensor one rank higher."""
    op = "strings.unicode_decode"
    codec = check_encoding(input_encoding, op)
    mode = _check_errors(errors, op)
    return rows_of(input, lambda s: _codepoints(s, codec, mode, int(replacement_char), bool(replace_control_characters), op),
                   op, dtype=np.int32)


def unicode_split(input: Any, input_encoding: str, errors: str = "replace", replacement_char: int = 65533,  # noqa: A002
                  name: Any = None) -> Any:
    """The characters of each string, each as a UTF-8 string (invalid sequences
    replaced, dropped or rejected per ``errors``)."""
    op = "strings.unicode_split"
    codec = check_encoding(input_encoding, op)
    mode = _check_errors(errors, op)

    def chars(s: bytes) -> list:
        return [chr(cp).encode("utf-8", "surrogatepass") for cp in _codepoints(s, codec, mode, int(replacement_char), False, op)]

    return rows_of(input, chars, op)


def _encode_row(cps: Any, codec: str, mode: str, replacement: int, op: str) -> bytes:
    chars = []
    for cp in np.asarray(cps).reshape(-1).tolist():
        if 0 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF:
            chars.append(chr(cp))
        elif mode == "strict":
            raise tf_errors.InvalidArgumentError(f"{op}: invalid code point {cp}")
        elif mode == "replace":
            chars.append(chr(replacement))
    return "".join(chars).encode(codec)


def unicode_encode(input: Any, output_encoding: str, errors: str = "replace", replacement_char: int = 65533,  # noqa: A002
                   name: Any = None) -> Any:
    """Strings from code points: the last dimension (ragged or dense) of ``input``
    is one string."""
    op = "strings.unicode_encode"
    codec = check_encoding(output_encoding, op, "output_encoding")
    mode = _check_errors(errors, op)
    if isinstance(input, RaggedTensor):
        if isinstance(input._values, RaggedTensor):
            inner = unicode_encode(input._values, output_encoding, errors, replacement_char)
            return RaggedTensor.from_row_splits(inner, input._row_splits, validate=False)
        vals, splits = np.asarray(input._values), input._row_splits
        rows = [_encode_row(vals[splits[i]:splits[i + 1]], codec, mode, int(replacement_char), op) for i in range(len(splits) - 1)]
        return wrap(fill((len(rows),), rows))
    arr = np.asarray(input)
    if arr.ndim == 0:
        raise tf_errors.InvalidArgumentError(f"{op}: argument `input` must have rank >= 1 (code points on the last axis)")
    flat = arr.reshape(-1, arr.shape[-1])
    rows = [_encode_row(r, codec, mode, int(replacement_char), op) for r in flat]
    return wrap(fill(arr.shape[:-1], rows))


__all__ = ["unicode_decode", "unicode_encode", "unicode_split"]
