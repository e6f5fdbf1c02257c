"""The persistent compilation cache: compiled programs survive the process.

On by default, in a per-user directory: ``$XLAFLOW_CACHE_DIR``, else
``$XDG_CACHE_HOME/xlaflow/jax`` (``~/.cache/xlaflow/jax``). A second run of the same
script loads its programs from there instead of compiling them again.

* JAX's own setting wins: when ``JAX_COMPILATION_CACHE_DIR`` is set (or the program
  set ``jax_compilation_cache_dir`` before importing xlaflow), that directory is used
  and nothing here changes it.
* ``XLAFLOW_COMPILATION_CACHE=0`` turns the cache off.
* Every program is cached, not only those that took over a second to compile (JAX's
  default), because a Keras script's start-up is dozens of small programs; the
  directory is capped at :data:`MAX_BYTES` (JAX evicts the least recently used).
"""

from __future__ import annotations

import os
import pathlib

import jax

MAX_BYTES = 2 * 1024**3
OFF_VALUES = ("0", "false", "off", "no")


def default_directory() -> pathlib.Path:
    """Where the cache lives unless the environment says otherwise."""
    explicit = os.environ.get("XLAFLOW_CACHE_DIR")
    if explicit:
        return pathlib.Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "xlaflow" / "jax"


def enabled() -> bool:
    """Whether xlaflow turns the cache on (``XLAFLOW_COMPILATION_CACHE`` is not 0)."""
    return os.environ.get("XLAFLOW_COMPILATION_CACHE", "1").strip().lower() not in OFF_VALUES


def configure() -> str | None:
    """Turns the cache on (see the module docstring); returns its directory, or None."""
    if not enabled():
        return None
    current = jax.config.jax_compilation_cache_dir
    if current:  # JAX_COMPILATION_CACHE_DIR or the program's own setting
        return current
    directory = default_directory()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None  # a read-only home: run without the cache
    jax.config.update("jax_compilation_cache_dir", str(directory))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_compilation_cache_max_size", MAX_BYTES)
    return str(directory)


DIRECTORY = configure()
