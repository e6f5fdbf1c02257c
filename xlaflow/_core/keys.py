"""Cache keys: what makes two calls of a traced program the same program.

Arrays count by abstract value (shape, dtype, weak type), never by contents, so new
data does not recompile. Static Python values count by value; unhashable objects by
identity.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_PY_SCALARS = (bool, int, float, complex)


_PLAIN = (bool, int, float, str, type(None))


def freeze(value: Any) -> Any:
    """A hashable stand-in for a static value (identity for unhashable objects)."""
    if type(value) is dict and all(type(v) in _PLAIN for v in value.values()):  # flags: the common case
        return ("dict", tuple(sorted(value.items())))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(freeze(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((k, freeze(v)) for k, v in value.items())))
    if isinstance(value, np.ndarray):
        return ("nd", value.dtype.str, value.shape, value.tobytes())
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


def aval_key(value: Any) -> Any:
    """(shape, dtype, weak_type) of an array; the type alone for a Python scalar."""
    if isinstance(value, _PY_SCALARS):
        return ("py", type(value).__name__)
    if type(value) is np.ndarray:  # host data: never weakly typed
        return (value.shape, value.dtype, False)
    aval = getattr(value, "aval", None)  # a jax.Array's own (shape, dtype, weak type): the fast path
    if aval is not None and not callable(aval):
        return aval
    return (tuple(np.shape(value)), np.dtype(value.dtype), bool(getattr(value, "weak_type", False)))
