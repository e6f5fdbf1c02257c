"""``format``: a template with tensors printed into it, as ``tf.print`` prints them.

Each ``{}`` placeholder takes one tensor, printed TF's ``print_v2`` way: scalars as the
value, arrays in nested brackets with elements separated by spaces (rows by newlines),
at most ``summarize`` items at each end of a dimension with ``...`` between; strings
in double quotes with C escapes (control bytes as octal, UTF-8 kept); floats in the shortest of
``%.6g``/``%.9g`` that reads back exactly (``%.15g``/``%.17g`` for float64), as TF's
``StrCat`` writes them.
"""

from __future__ import annotations

from typing import Any

import numpy as np


from xlaflow.ops.string_tensor import StringTensor, as_bytes_array, is_string_data
from xlaflow.strings._common import fill, wrap

_ESCAPES = {0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x22: '\\"', 0x27: "\\'", 0x5C: "\\\\"}


def c_escape(s: bytes) -> bytes:
    """absl's ``Utf8SafeCEscape``: C escapes, octal for control bytes; bytes >= 0x80 kept."""
    out = bytearray()
    for b in s:
        if b in _ESCAPES:
            out += _ESCAPES[b].encode()
        elif 0x20 <= b < 0x7F or b >= 0x80:
            out.append(b)
        else:
            out += f"\\{b:03o}".encode()
    return bytes(out)


def _float_text(v: float, single: bool) -> str:
    if np.isnan(v):
        return "nan" if not np.signbit(v) else "-nan"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    short, long = (6, 9) if single else (15, 17)
    text = "%.*g" % (short, v)
    back = np.float32(float(text)) if single else float(text)
    return text if back == v else "%.*g" % (long, v)


def element_text(v: Any, kind: str, single: bool = True) -> str:
    if kind == "O":
        return '"' + c_escape(v).decode("utf-8", "surrogateescape") + '"'
    if kind == "b":
        return "1" if v else "0"
    if kind == "f":
        return _float_text(v, single)
    if kind == "c":
        return f"({_float_text(v.real, single)},{_float_text(v.imag, single)})"
    return str(int(v))


def _spacing(dim: int, ndim: int) -> str:
    if dim == ndim - 1:
        return " "
    return "\n" * (ndim - dim - 1) + " " * (dim + 1)


def summarize_array(arr: np.ndarray, summarize: int) -> str:
    """``arr`` printed TF's print_v2 way (``summarize < 0``: every element)."""
    kind = arr.dtype.kind
    single = arr.dtype.itemsize <= 4 if kind == "f" else arr.dtype.itemsize <= 8
    if arr.ndim == 0:
        return element_text(arr[()], kind, single)
    ends = summarize if summarize >= 0 else max(arr.shape) + 1

    def one(sub: np.ndarray, dim: int) -> str:
        if dim == arr.ndim:
            return element_text(sub[()] if isinstance(sub, np.ndarray) else sub, kind, single)
        count = sub.shape[0]
        parts = []
        for i in range(min(ends, count)):
            if i > 0:
                parts.append(_spacing(dim, arr.ndim))
            parts.append(one(sub[i], dim + 1))
        if count > 2 * ends:
            parts.append(_spacing(dim, arr.ndim) + "...")
        for i in range(max(ends, count - ends), count):
            parts.append(_spacing(dim, arr.ndim))
            parts.append(one(sub[i], dim + 1))
        return "[" + "".join(parts) + "]"

    return one(arr, 0)


def _host(value: Any) -> np.ndarray:
    if isinstance(value, StringTensor) or is_string_data(value):
        return as_bytes_array(value, "strings.format: argument `inputs`")
    return np.asarray(value)


def format(template: Any, inputs: Any, placeholder: str = "{}", summarize: int = 3, name: Any = None) -> Any:  # noqa: A001
    """A scalar string: ``template`` with each ``placeholder`` replaced by the next
    tensor of ``inputs`` (a tensor or a list/tuple of them), printed as ``tf.print``
    prints it."""
    op = "strings.format"
    if isinstance(template, bytes):
        template = template.decode("utf-8")
    if not isinstance(template, str):
        raise TypeError(f"{op}: argument `template` must be a Python string. Received: {template!r:.100}")
    values = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    pieces = template.split(placeholder)
    if len(pieces) - 1 != len(values):
        raise ValueError(f"{len(pieces) - 1} placeholder(s) in template does not match {len(values)} tensor(s) "
                         f"provided as input")
    texts = [summarize_array(_host(v), int(summarize)) for v in values]
    out = pieces[0] + "".join(t + p for t, p in zip(texts, pieces[1:]))
    return wrap(fill((), [out.encode("utf-8", "surrogateescape")]))


__all__ = ["format", "c_escape", "summarize_array"]
