"""RE2 patterns (TF's regex engine) run on Python's ``re``.

TF's ``regex_replace``/``regex_full_match`` use RE2 on UTF-8 text. xlaflow decodes
each string (invalid bytes kept as lone surrogates, so they round-trip) and runs a
Python ``re`` pattern translated from the RE2 one so that it means the same:

* ``\\d``, ``\\w``, ``\\s`` and ``\\b`` are ASCII-only in RE2 (Python's are Unicode):
  they become ``[0-9]``, ``[0-9A-Za-z_]``, ``[\\t\\n\\f\\r ]`` and an ASCII word boundary;
* ``$`` is the end of the text in RE2 (Python's also matches before a final ``\\n``):
  it becomes ``\\Z`` unless the pattern sets ``(?m)``; ``\\z`` becomes ``\\Z``;
* ``\\pL``, ``\\p{Lu}``, ``\\PN`` (Unicode general categories) become explicit
  character classes, built from Python's ``unicodedata`` (so from its Unicode version,
  which may differ from RE2's by a few recent characters); ``[[:alpha:]]`` and the
  other POSIX classes become ASCII ranges; ``\\Q...\\E`` quotes; ``\\x{263a}`` is a
  code point; ``(?<name>...)`` is a named group;
* what RE2 rejects is rejected here too, with TF's ``InvalidArgumentError``:
  backreferences (``\\1``, ``(?P=name)``), lookahead/lookbehind, atomic groups,
  ``\\C``, ``\\Z``, ``(?U)``; Unicode *script* classes (``\\p{Greek}``) are not
  supported (an error, not a silent difference).

Invalid UTF-8 bytes are not characters for RE2: ``.``, negated classes and ``\\W``-style
escapes do not match them, and they stay in place. Here each invalid byte becomes a
lone surrogate (U+DC80..U+DCFF) that those constructs exclude, so results agree;
one corner differs: a UTF-8-encoded low surrogate in U+DC80..U+DCFF (invalid UTF-8
that RE2 still reads as one character) is three invalid bytes here.

Matching semantics otherwise agree (leftmost-first alternation, greedy and lazy
quantifiers, ``(?i)``/``(?s)``/``(?m)`` flags). RE2 runs in linear time; a Python
pattern with nested quantifiers can backtrack exponentially on hostile input.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from xlaflow._core import errors

_ASCII = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\f\\r "}
_POSIX = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~", "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z", "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_ESC = "\\udc80-\\udcff"  # the lone surrogates that stand for invalid bytes
_WORD = "[0-9A-Za-z_]"
_BOUNDARY = f"(?:(?<={_WORD})(?!{_WORD})|(?<!{_WORD})(?={_WORD}))"
_NOT_BOUNDARY = f"(?:(?<={_WORD})(?={_WORD})|(?<!{_WORD})(?!{_WORD}))"


def _bad(pattern: str, why: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(f"Invalid pattern: {pattern}, error: {why} (RE2 syntax, as in TensorFlow)")


@functools.lru_cache(maxsize=None)
def _category_ranges(name: str) -> str:
    """The code point ranges of Unicode general category ``name`` (``L``, ``Lu`` ...)
    as the inside of a character class."""
    if name == "Any":
        return "\\x00-\\U0010ffff"
    if not (1 <= len(name) <= 2 and name[0] in "CLMNPSZ"):
        raise ValueError(name)
    ranges, start, prev = [], None, None
    for cp in range(0x110000):
        if unicodedata.category(chr(cp)).startswith(name):
            if start is None:
                start = cp
            prev = cp
        elif start is not None:
            ranges.append((start, prev))
            start = None
    if start is not None:
        ranges.append((start, prev))
    if not ranges:
        raise ValueError(name)
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


def _property(pattern: str, i: int) -> tuple[str, int]:
    """(the category name, the index after it) for ``\\p`` at ``pattern[i-2:i]``."""
    if i < len(pattern) and pattern[i] == "{":
        end = pattern.find("}", i)
        if end < 0:
            raise _bad(pattern, "missing closing }")
        name, nxt = pattern[i + 1:end], end + 1
    elif i < len(pattern):
        name, nxt = pattern[i], i + 1
    else:
        raise _bad(pattern, "trailing \\p")
    negate = name.startswith("^")
    return ("^" if negate else "") + name.lstrip("^"), nxt


def _class_text(pattern: str, name: str) -> str:
    try:
        return _category_ranges(name)
    except ValueError:
        raise _bad(pattern, f"unsupported Unicode class \\p{{{name}}} (xlaflow supports general categories such as L, "
                            "Lu, N, P, Zs; not scripts)") from None


@functools.lru_cache(maxsize=512)
def translate(pattern: str) -> re.Pattern:
    """A compiled Python pattern with the meaning of the RE2 ``pattern``."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = negated = False
    multiline = re.search(r"\(\?[a-zA-Z]*m", pattern) is not None
    dotall = re.search(r"\(\?[a-zA-Z]*s", pattern) is not None
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise _bad(pattern, "trailing \\")
            e = pattern[i + 1]
            i += 2
            if e in "dws":
                out.append(_ASCII[e] if in_class else f"[{_ASCII[e]}]")
            elif e in "DWS":
                if in_class:
                    raise _bad(pattern, f"\\{e} inside a character class is not supported by xlaflow")
                out.append(f"[^{_ASCII[e.lower()]}{_ESC}]")
            elif e in "pP":
                name, i = _property(pattern, i)
                neg = (e == "P") != name.startswith("^")
                text = _class_text(pattern, name.lstrip("^"))
                if in_class:
                    if neg:
                        raise _bad(pattern, "a negated \\P class inside [...] is not supported by xlaflow")
                    out.append(text)
                else:
                    out.append(f"[^{text}{_ESC}]" if neg else f"[{text}]")
            elif e == "b" and not in_class:
                out.append(_BOUNDARY)
            elif e == "B" and not in_class:
                out.append(_NOT_BOUNDARY)
            elif e == "z":
                out.append("\\Z")
            elif e == "A":
                out.append("\\A")
            elif e == "Q":
                end = pattern.find("\\E", i)
                literal = pattern[i:] if end < 0 else pattern[i:end]
                out.append("".join("\\" + ch if not ch.isalnum() else ch for ch in literal))
                i = n if end < 0 else end + 2
            elif e == "x" and i < n and pattern[i] == "{":
                end = pattern.find("}", i)
                if end < 0:
                    raise _bad(pattern, "missing closing }")
                out.append(f"\\U{int(pattern[i + 1:end], 16):08x}")
                i = end + 1
            elif e.isdigit() or e in "CZ":
                raise _bad(pattern, f"invalid escape sequence: \\{e}")
            else:
                out.append("\\" + e)
            continue
        if in_class:
            if c == "[" and pattern.startswith("[:", i):
                end = pattern.find(":]", i)
                name = pattern[i + 2:end] if end > 0 else ""
                neg = name.startswith("^")
                if name.lstrip("^") not in _POSIX or neg:
                    raise _bad(pattern, f"invalid character class range: [:{name}:]")
                out.append(_POSIX[name])
                i = end + 2
                continue
            if c == "]" and not _class_start(out):
                in_class = False
                if negated:
                    out.append(_ESC)
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            out.append(c)
            i += 1
            negated = i < n and pattern[i] == "^"
            if negated:
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is literal
                out.append("\\]")
                i += 1
            continue
        if c == "(" and pattern.startswith("(?", i):
            rest = pattern[i + 2:]
            if rest[:1] in ("=", "!", ">", "(") or rest[:2] in ("<=", "<!") or rest.startswith("P="):
                raise _bad(pattern, "invalid perl operator: " + pattern[i:i + 4])
            if rest.startswith("<"):
                out.append("(?P<")
                i += 3
                continue
            flags = re.match(r"[a-zA-Z-]*", rest).group(0)
            if "U" in flags:
                raise _bad(pattern, "the (?U) flag is not supported by xlaflow")
        if c == ".":
            out.append(f"[^{_ESC}]" if dotall else f"[^\\n{_ESC}]")
            i += 1
            continue
        if c == "$" and not multiline:
            out.append("\\Z")
            i += 1
            continue
        out.append(c)
        i += 1
    try:
        return re.compile("".join(out))
    except re.error as e:
        raise _bad(pattern, str(e)) from None


def _class_start(out: list[str]) -> bool:
    """Whether ``out`` ends right after an opening ``[`` or ``[^`` (a ``]`` there is literal)."""
    return bool(out) and (out[-1] == "[" or (out[-1] == "^" and len(out) > 1 and out[-2] == "["))


def _decode_error(e: UnicodeDecodeError) -> tuple[str, int]:
    data, p = e.object, e.start
    if data[p] == 0xED and p + 2 < len(data) and 0xA0 <= data[p + 1] <= 0xBF and 0x80 <= data[p + 2] <= 0xBF:
        cp = 0xD000 | ((data[p + 1] & 0x3F) << 6) | (data[p + 2] & 0x3F)
        if not 0xDC80 <= cp <= 0xDCFF:  # an encoded surrogate: one character for RE2
            return chr(cp), p + 3
    return chr(0xDC00 + data[p]), p + 1


def _encode_error(e: UnicodeEncodeError) -> tuple[bytes, int]:
    out = bytearray()
    for ch in e.object[e.start:e.end]:
        cp = ord(ch)
        out += bytes([cp - 0xDC00]) if 0xDC80 <= cp <= 0xDCFF else ch.encode("utf-8", "surrogatepass")
    return bytes(out), e.end


codecs.register_error("xlaflow.re2", _decode_error)
codecs.register_error("xlaflow.re2_encode", _encode_error)


def decode(s: bytes) -> str:
    """UTF-8 text for the regex engine; invalid bytes become U+DC80..U+DCFF."""
    return s.decode("utf-8", "xlaflow.re2")


def encode(s: str) -> bytes:
    """The inverse of :func:`decode` (byte-exact)."""
    return s.encode("utf-8", "xlaflow.re2_encode")
