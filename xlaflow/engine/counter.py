"""Counting real XLA compiles, through ``jax.monitoring``.

JAX reports every executable it builds with the ``backend_compile_duration`` event
(a fresh XLA compile, or one loaded from the persistent compilation cache, which
also reports ``cache_hits``). Listening to it counts every compile in the process,
whichever front end (or user code) asked for it: the figure ``compile_count()``
reports is the truth, not a count of wrapper objects.
"""

from __future__ import annotations

import threading

import jax

_BACKEND_COMPILE = "/jax/core/compile/backend_compile_duration"
_CACHE_HIT = "/jax/compilation_cache/cache_hits"
_lock = threading.Lock()
_counts = {"compiles": 0, "cache_hits": 0, "seconds": 0.0}


def _on_duration(event: str, duration: float, **_: object) -> None:
    if event == _BACKEND_COMPILE:
        with _lock:
            _counts["compiles"] += 1
            _counts["seconds"] += duration


def _on_event(event: str, **_: object) -> None:
    if event == _CACHE_HIT:
        with _lock:
            _counts["cache_hits"] += 1


jax.monitoring.register_event_duration_secs_listener(_on_duration)
jax.monitoring.register_event_listener(_on_event)


def compile_count() -> int:
    """How many XLA executables this process has built so far (compiled, or loaded
    from the persistent compilation cache)."""
    return _counts["compiles"]


def cache_hits() -> int:
    """How many of those came from the persistent compilation cache."""
    return _counts["cache_hits"]


def compile_seconds() -> float:
    """Total seconds spent building executables."""
    return _counts["seconds"]
