"""The sharding hook: where the active distribution places a program's arrays.

A distribution (``tf.distribute`` strategies, ``keras.distribution``) installs a
*provider* with :func:`set_provider`. Every program the engine compiles asks it for
``in_shardings``/``out_shardings`` (:func:`program_shardings`); with no provider,
JAX places everything on the default device. This is the one path by which
distribution reaches compiled code: front ends know nothing of it.
"""

from __future__ import annotations

from typing import Any, Callable

_provider: Callable[[Any], dict | None] | None = None


def set_provider(provider: Callable[[Any], dict | None] | None) -> None:
    """Installs ``provider(executable) -> {"in_shardings": ..., "out_shardings": ...}``
    (or None for JAX's default placement), or removes it with None."""
    global _provider
    _provider = provider


def provider() -> Callable[[Any], dict | None] | None:
    return _provider


def program_shardings(executable: Any) -> Any:
    """The shardings for one compiled program, as a hashable part of its cache key
    (None when no distribution is active)."""
    if _provider is None:
        return None
    return _provider(executable)
