"""The bounded cache of compiled programs shared by every front end.

``cached(key, build)`` returns the entry for ``key``, calling ``build`` only the first
time. It is an LRU of at most :data:`CACHE_SIZE` entries, so a program whose shapes
keep changing cannot grow memory without limit.

``family`` names what stays the same when only shapes change (a tape program's ops,
a Session's fetches): when one family has been built for more than
:data:`RETRACE_WARNING_AFTER` different keys, :func:`cached` warns with
:class:`XlaflowRetracingWarning`, naming what changed — every front end gets the
same retrace warning ``@function`` has.
"""

from __future__ import annotations

import collections
import warnings
from typing import Any, Callable

CACHE_SIZE = 1024
RETRACE_WARNING_AFTER = 5

_CACHE: "collections.OrderedDict[Any, Any]" = collections.OrderedDict()
_FAMILIES: "collections.OrderedDict[Any, list]" = collections.OrderedDict()


class XlaflowRetracingWarning(UserWarning):
    """A compiled program was traced again and again for changing arguments."""


def cached(key: Any, build: Callable[[], Any], family: Any = None, describe: Callable[[], dict] | None = None,
           what: str = "a compiled program") -> Any:
    """The entry for ``key``, built on first use (see the module docstring).

    Args:
      key: the full cache key (hashable).
      build: makes the entry.
      family: the shape-free part of the key, for retrace warnings (None: no warning).
      describe: ``() -> {argument name: description}`` of this call, to name the
        argument that changed in the warning.
      what: how the warning names the program.
    """
    entry = _CACHE.get(key)
    if entry is not None:
        _CACHE.move_to_end(key)
        return entry
    if family is not None:
        note_trace(family, describe, what)
    entry = _CACHE[key] = build()
    if len(_CACHE) > CACHE_SIZE:
        _CACHE.popitem(last=False)
    return entry


def note_trace(family: Any, describe: Callable[[], dict] | None, what: str, stacklevel: int = 4) -> None:
    """Counts one more trace of ``family``; warns from the sixth on, naming what changed."""
    seen = _FAMILIES.get(family)
    if seen is None:
        seen = _FAMILIES[family] = [0, None]
        if len(_FAMILIES) > CACHE_SIZE:
            _FAMILIES.popitem(last=False)
    seen[0] += 1
    description = describe() if describe is not None else None
    previous, seen[1] = seen[1], description
    if seen[0] <= RETRACE_WARNING_AFTER or description is None or previous is None or description == previous:
        return  # (an unchanged description: what changed is meant to vary, e.g. a padded batch bucket)
    warnings.warn(retrace_message(what, seen[0], previous, description), XlaflowRetracingWarning, stacklevel=stacklevel)


def retrace_message(what: str, count: int, previous: dict, description: dict) -> str:
    """The warning text for the ``count``-th trace; ``previous``/``description`` map
    argument names to descriptions (shape/dtype or value)."""
    changed = [k for k in description if previous.get(k) != description[k]] or sorted(set(previous) ^ set(description))
    what_changed = ", ".join(f"`{k}` ({_show(previous.get(k))} -> {_show(description.get(k))})" for k in changed)
    return (
        f"{what} was traced {count} times; this call retraces because {what_changed or 'its arguments'} "
        "changed. Each new shape, dtype or Python value compiles a new program: pass tensors "
        "instead of Python numbers, keep batch shapes fixed (pad the last batch), or give an "
        "input_signature with None for dimensions that vary."
    )


def _show(desc: Any) -> str:
    if desc is None:
        return "absent"
    if isinstance(desc, tuple) and len(desc) == 2 and isinstance(desc[1], (list, tuple)):
        return ", ".join(map(str, desc[1]))
    return str(desc)


def clear() -> None:
    """Forgets every cached program (tests; ``keras.backend.clear_session``)."""
    _CACHE.clear()
    _FAMILIES.clear()
