"""The compile cache shared by every front end, with a compile counter.

``cached(key, build)`` returns the compiled object for ``key``, calling ``build`` (and
counting one compile) only the first time. The cache is a bounded LRU so that a
program whose shapes keep changing cannot grow memory without limit.
"""

from __future__ import annotations

import collections
from typing import Any, Callable

_CACHE: "collections.OrderedDict[Any, Any]" = collections.OrderedDict()
CACHE_SIZE = 1024
_compiles = 0


def cached(key: Any, build: Callable[[], Any]) -> Any:
    """The entry for ``key``, built (and counted as one compile) on first use."""
    global _compiles
    entry = _CACHE.get(key)
    if entry is None:
        entry = build()
        _compiles += 1
        _CACHE[key] = entry
        if len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    else:
        _CACHE.move_to_end(key)
    return entry


def count_compile() -> None:
    """Counts one compile made outside :func:`cached` (a function's own trace cache)."""
    global _compiles
    _compiles += 1


def compile_count() -> int:
    """How many programs the cache has built so far in this process."""
    return _compiles
