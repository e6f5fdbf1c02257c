"""``set_random_seed``: one call that makes a Keras program reproducible.

It seeds Python's ``random``, NumPy's global generator and xlaflow's global random
state (:func:`xlaflow.random.set_seed`), which unseeded initializers, dropout and
every stateful ``xlaflow.random`` op draw from.
"""

from __future__ import annotations

import random as _py_random
from typing import Any

import numpy as np

from xlaflow.ops import rng

_seed: int | None = None


def set_random_seed(seed: Any) -> None:
    """Seeds Python's ``random``, NumPy and xlaflow's global random state.

    Args:
      seed: an int in ``[0, 2**32)`` (NumPy's range).

    Raises:
      ValueError: ``seed`` is not such an int.

    Example::

        >>> set_random_seed(42)
        >>> a = xlaflow.random.normal([2])
        >>> set_random_seed(42)
        >>> b = xlaflow.random.normal([2])   # equal to a
    """
    global _seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"set_random_seed: argument `seed` must be an int. Received: seed={seed!r} (of type {type(seed).__name__})")
    seed = int(seed)
    if not 0 <= seed < 2**32:
        raise ValueError(f"set_random_seed: argument `seed` must be in [0, 2**32). Received: seed={seed}")
    _seed = seed
    _py_random.seed(seed)
    np.random.seed(seed)
    rng.set_seed(seed)


def get_random_seed() -> int | None:
    """The seed given to the last :func:`set_random_seed` call, or None."""
    return _seed
