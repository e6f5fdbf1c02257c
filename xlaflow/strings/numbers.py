"""``to_number`` and ``as_string``: strings to numbers and back, TF's formats.

``to_number`` accepts what TF's ``StringToNumber`` accepts: optional surrounding
whitespace, a sign, decimal or exponent notation, ``inf``/``nan`` for floats; no digit
separators. ``as_string`` formats like TF's printf-style ``AsString``: ``%f`` for floats
(``%e`` with ``scientific``, ``%g`` with ``shortest``), ``%d`` for integers,
``true``/``false`` for bools (width ignored), ``%s`` for strings, with ``precision``,
``width`` and ``fill``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.strings._common import elementwise, wrap
from xlaflow.strings._common import fill as fill_array

_INT = re.compile(rb"\s*[+-]?\d+\s*\Z")
_FLOAT = re.compile(rb"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)\s*\Z", re.IGNORECASE)


def to_number(string_tensor: Any, out_type: Any = dtypes.float32, name: Any = None) -> Any:
    """Parses each string as a number of ``out_type`` (float32 by default).

    Raises:
      InvalidArgumentError: a string is not a number of that type, or overflows it.
    """
    op = "strings.to_number"
    target = dtypes.as_dtype(out_type)
    if target not in (dtypes.float32, dtypes.float64, dtypes.int32, dtypes.int64):
        raise TypeError(f"{op}: argument `out_type` must be float32, float64, int32 or int64. Received: {target.name}")
    np_type = np.dtype(target.as_numpy_dtype)

    def parse(s: bytes) -> Any:
        if target.is_integer:
            ok = _INT.match(s) is not None
            value = int(s) if ok else None
            ok = ok and np.iinfo(np_type).min <= value <= np.iinfo(np_type).max
        else:
            ok = _FLOAT.match(s) is not None
            value = float(s) if ok else None
            if ok and target == dtypes.float32 and np.isfinite(value) and abs(value) > float(np.finfo(np.float32).max):
                ok = False  # TF: out of float32's range
        if not ok:
            raise errors.InvalidArgumentError(f"StringToNumberOp could not correctly convert string: "
                                              f"{s.decode('utf-8', 'replace')}")
        return value

    return elementwise(string_tensor, parse, op, dtype=np_type)


def _fill_flag(fill_char: str, op: str) -> str:
    if fill_char not in ("", " ", "0", "-", "+"):
        raise errors.InvalidArgumentError(f"{op}: argument `fill` must be '', ' ', '0', '-' or '+'. Received: {fill_char!r}")
    return fill_char


def as_string(input: Any, precision: int = -1, scientific: bool = False, shortest: bool = False,  # noqa: A002
              width: int = -1, fill: str = "", name: Any = None) -> Any:
    """Formats each number as a string (TF's ``AsString``; see the module docstring)."""
    op = "strings.as_string"
    from xlaflow.ops.string_tensor import StringTensor, is_string_data

    if scientific and shortest:
        raise errors.InvalidArgumentError(f"{op}: Cannot select both scientific and shortest notation")
    if isinstance(input, StringTensor) or is_string_data(input):
        from xlaflow.strings._common import read

        arr = read(input, op)
        width_spec = "%" + (str(width) if width > -1 else "") + "s"
        return wrap(fill_array(arr.shape, [(width_spec % s.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")
                                     for s in arr.reshape(-1)]))
    arr = np.asarray(input)
    spec = "%" + (_fill_flag(fill, op) + str(width) if width > -1 else "")
    if precision > -1:
        if arr.dtype.kind not in "fc":
            raise errors.InvalidArgumentError(f"{op}: precision not supported for datatype {dtypes.as_dtype(arr.dtype).name}")
        spec += f".{precision}"
    kind = arr.dtype.kind
    if kind == "b":
        fmt = lambda v: "true" if v else "false"  # noqa: E731 - TF ignores width and fill here
    elif kind in "iu":
        fmt = lambda v: (spec + "d") % int(v)  # noqa: E731
    elif kind == "f":
        letter = "g" if shortest else "e" if scientific else "f"
        fmt = lambda v: (spec + letter) % float(v)  # noqa: E731
    elif kind == "c":
        letter = "g" if shortest else "e" if scientific else "f"
        fmt = lambda v: "(" + (spec + letter) % v.real + "," + (spec + letter) % v.imag + ")"  # noqa: E731
    else:
        raise TypeError(f"{op}: argument `input` must be numbers or bools. Received: dtype {arr.dtype}")
    return wrap(_format_all(arr, fmt))


def _format_all(arr: np.ndarray, fmt: Any) -> np.ndarray:
    return fill_array(arr.shape, [fmt(v).encode("ascii") for v in arr.reshape(-1).tolist()] if arr.dtype.kind != "c"
                else [fmt(v).encode("ascii") for v in arr.reshape(-1)])
