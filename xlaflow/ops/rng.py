"""Random-number state: TF's global seed / op seed rules on JAX keys.

* ``set_seed(s)`` makes every later random op reproducible: the global key becomes
  ``PRNGKey(s)`` and each op call without an op seed takes the next key split from it.
* An op seed (``normal(..., seed=7)``) gives a stream of its own: call ``n`` with op
  seed ``k`` uses ``fold_in(fold_in(PRNGKey(global), k), n)``, where the global seed
  defaults to TF's 87654321 when none was set, so op-seeded code is reproducible.
* Without any seed, the key starts from OS entropy.

The global key lives in a non-trainable :class:`~xlaflow.Variable`, so inside
compiled code drawing a key is an ordinary traced read and write of state.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.engine import compiler
from xlaflow.ops.variable import Variable

DEFAULT_GRAPH_SEED = 87654321
_lock = threading.Lock()
_global_seed: int | None = None
_op_counts: dict[int, int] = {}
_key_var: Variable | None = None


def _raw_key(seed: int) -> jax.Array:
    """``jax.random.key(seed)``'s data (threefry), made on the host: the high word is
    the seed's upper 32 bits with 64-bit types on, else 0 (JAX truncates the seed)."""
    hi = (int(seed) >> 32) & 0xFFFFFFFF if jax.config.jax_enable_x64 else 0
    return jax.device_put(np.array([hi, int(seed) & 0xFFFFFFFF], np.uint32))


@compiler.jit
def _split(raw: jax.Array) -> tuple:
    both = jax.random.split(jax.random.wrap_key_data(raw, impl="threefry2x32"))
    return jax.random.key_data(both[0]), jax.random.key_data(both[1])


@compiler.jit
def _folded(base: jax.Array, seed: jax.Array, n: jax.Array) -> jax.Array:
    key = jax.random.wrap_key_data(base, impl="threefry2x32")
    return jax.random.key_data(jax.random.fold_in(jax.random.fold_in(key, seed), n))


def _check_seed(seed: Any, fn: str) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"{fn}: argument `seed` must be an int or None. Received: {seed!r}")
    return int(seed) % (2**63)


def key_variable() -> Variable:
    """The Variable holding the global key (created on first use)."""
    global _key_var
    with _lock:
        if _key_var is None:
            seed = _global_seed if _global_seed is not None else int.from_bytes(os.urandom(8), "little") % (2**63)
            _key_var = Variable(_raw_key(seed), trainable=False, name="rng_global_key")
    return _key_var


def set_seed(seed: Any) -> None:
    """Sets the global random seed (None makes randomness nondeterministic again)."""
    global _global_seed
    seed = None if seed is None else _check_seed(seed, "set_seed")
    _global_seed = seed
    _op_counts.clear()
    fresh = seed if seed is not None else int.from_bytes(os.urandom(8), "little") % (2**63)
    key_variable().assign(_raw_key(fresh))


def get_global_seed() -> int | None:
    return _global_seed


def next_key(seed: Any = None) -> jax.Array:
    """A fresh raw key for one random op, following the rules in the module docstring."""
    if seed is None:
        var = key_variable()
        new, sub = _split(var._read())
        var.assign(new)
        return sub
    seed = _check_seed(seed, "random op")
    with _lock:
        n = _op_counts.get(seed, 0)
        _op_counts[seed] = n + 1
    base = _raw_key(_global_seed if _global_seed is not None else DEFAULT_GRAPH_SEED)
    return _folded(base, np.uint32(seed % (2**32)), np.uint32(n % (2**32)))


def as_key(raw: jax.Array) -> jax.Array:
    """A typed JAX key from the raw ``uint32[2]`` data :func:`next_key` returns."""
    return jax.random.wrap_key_data(jnp.asarray(raw), impl="threefry2x32")
