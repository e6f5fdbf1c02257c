"""``regex_replace`` and ``regex_full_match`` (RE2 patterns; see :mod:`.re2`).

The rewrite of ``regex_replace`` is RE2's: ``\\0`` is the whole match, ``\\1``..``\\9``
are groups (an unmatched group inserts nothing) and ``\\\\`` is a backslash; any other
escape is an error, as in TF.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow._core import errors
from xlaflow.strings import re2
from xlaflow.strings._common import elementwise, read


def _scalar_text(value: Any, op: str, arg: str) -> str:
    arr = read(value, op, arg)
    if arr.ndim != 0:
        raise errors.InvalidArgumentError(f"{op}: argument `{arg}` must be a scalar string. Received: shape {arr.shape}")
    return re2.decode(arr[()])


def _rewriter(rewrite: str, pattern: str, groups: int) -> Callable[[Any], str]:
    parts: list = []
    i = 0
    literal: list[str] = []
    while i < len(rewrite):
        c = rewrite[i]
        if c != "\\":
            literal.append(c)
            i += 1
            continue
        nxt = rewrite[i + 1] if i + 1 < len(rewrite) else ""
        if nxt == "\\":
            literal.append("\\")
        elif nxt.isdigit():
            if int(nxt) > groups:
                raise errors.InvalidArgumentError(f"Invalid rewrite pattern: {rewrite!r}: \\{nxt} names a group that "
                                                  f"the pattern {pattern!r} does not have ({groups} groups)")
            parts.append("".join(literal))
            literal = []
            parts.append(int(nxt))
        else:
            raise errors.InvalidArgumentError(f"Invalid rewrite pattern: {rewrite!r}: invalid escape \\{nxt}")
        i += 2
    parts.append("".join(literal))
    if len(parts) == 1:
        text = parts[0]
        return lambda m: text
    return lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)


def regex_replace(input: Any, pattern: Any, rewrite: Any, replace_global: bool = True, name: Any = None) -> Any:  # noqa: A002
    """Replaces matches of the RE2 ``pattern`` in each string by ``rewrite``.

    Args:
      input: a string tensor (or array, list, RaggedTensor).
      pattern: a scalar string, an RE2 regular expression.
      rewrite: a scalar string; ``\\0`` is the match, ``\\1``..``\\9`` its groups.
      replace_global: replace every match (True) or only the first.
    """
    op = "strings.regex_replace"
    pat_text = _scalar_text(pattern, op, "pattern")
    compiled = re2.translate(pat_text)
    repl = _rewriter(_scalar_text(rewrite, op, "rewrite"), pat_text, compiled.groups)
    count = 0 if replace_global else 1
    return elementwise(input, lambda s: re2.encode(compiled.sub(repl, re2.decode(s), count=count)), op)


def regex_full_match(input: Any, pattern: Any, name: Any = None) -> Any:  # noqa: A002
    """Whether each whole string matches the RE2 ``pattern`` (a bool tensor)."""
    op = "strings.regex_full_match"
    compiled = re2.translate(_scalar_text(pattern, op, "pattern"))
    return elementwise(input, lambda s: compiled.fullmatch(re2.decode(s)) is not None, op, dtype=np.bool_)
