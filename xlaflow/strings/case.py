"""``lower``, ``upper`` and ``strip``.

With ``encoding=''`` (TF's default) only ASCII letters change case, as TF does; with
``encoding='utf-8'`` the whole Unicode case mapping applies (Python's ``str.lower``,
which like TF's ICU mapping turns ``'ß'.upper()`` into ``'SS'``). ``strip`` removes
leading and trailing ASCII whitespace (space, ``\\t``, ``\\n``, ``\\v``, ``\\f``, ``\\r``).
"""

from __future__ import annotations

from typing import Any

from xlaflow.strings._common import elementwise


def _check_encoding(encoding: str, op: str) -> bool:
    if encoding in ("", None):
        return False
    if str(encoding).lower().replace("-", "").replace("_", "") == "utf8":
        return True
    raise ValueError(f"{op}: argument `encoding` must be '' (ASCII only) or 'utf-8'. Received: encoding={encoding!r}")


def lower(input: Any, encoding: str = "", name: Any = None) -> Any:  # noqa: A002
    """Lowercases each string (ASCII letters only unless ``encoding='utf-8'``).

    Args:
      input: a string tensor (or array, list, RaggedTensor).
      encoding: '' for ASCII-only case mapping (TF's default) or 'utf-8'.
    """
    if _check_encoding(encoding, "strings.lower"):
        return elementwise(input, lambda s: s.decode("utf-8", "replace").lower().encode("utf-8"), "strings.lower")
    return elementwise(input, bytes.lower, "strings.lower")


def upper(input: Any, encoding: str = "", name: Any = None) -> Any:  # noqa: A002
    """Uppercases each string (ASCII letters only unless ``encoding='utf-8'``)."""
    if _check_encoding(encoding, "strings.upper"):
        return elementwise(input, lambda s: s.decode("utf-8", "replace").upper().encode("utf-8"), "strings.upper")
    return elementwise(input, bytes.upper, "strings.upper")


def strip(input: Any, name: Any = None) -> Any:  # noqa: A002
    """Removes leading and trailing ASCII whitespace from each string."""
    return elementwise(input, bytes.strip, "strings.strip")
