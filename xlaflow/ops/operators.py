"""Python operators for ``Tensor`` and ``Variable`` (``+``, ``@``, ``<``, ``[]`` ...).

Installed once, onto both classes, by :func:`install`, so that an expression on a
Variable is exactly the op on its value (recorded by tapes, traced in compiled code).
``&``, ``|``, ``^`` and ``~`` are logical on bool tensors and bitwise on integers.
``==`` and ``!=`` compare elementwise; comparing with ``None`` or a value of an
incompatible shape gives False/True, as TensorFlow does (a dtype mismatch is an error).
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes
from xlaflow.ops import binary_ops as b
from xlaflow.ops import indexing
from xlaflow.ops.dispatch import op


@op("Neg")
def negative(x):
    """Elementwise ``-x``."""
    return -x


@op("Abs")
def abs(x):  # noqa: A001 - TF's public name
    """Elementwise absolute value (magnitude for complex)."""
    return jnp.abs(x)


def _is_bool(v: Any) -> bool:
    return getattr(v, "dtype", None) == dtypes.bool or isinstance(v, bool)


def _and(x: Any, y: Any) -> Any:
    return b.logical_and(x, y) if _is_bool(x) and _is_bool(y) else b.bitwise_and(x, y)


def _or(x: Any, y: Any) -> Any:
    return b.logical_or(x, y) if _is_bool(x) and _is_bool(y) else b.bitwise_or(x, y)


def _xor(x: Any, y: Any) -> Any:
    return b.logical_xor(x, y) if _is_bool(x) and _is_bool(y) else b.bitwise_xor(x, y)


def _broadcastable(x: Any, y: Any) -> bool:
    """False only when both shapes are known and cannot broadcast together."""
    try:
        shapes = [tuple(1 if d is None else d for d in (v.shape if hasattr(v, "shape") else np.shape(v))) for v in (x, y)]
    except (TypeError, ValueError):
        return True  # e.g. a ragged list: let the op report it
    try:
        np.broadcast_shapes(*shapes)
    except ValueError:
        return False
    return True


def _eq(x: Any, y: Any) -> Any:
    # Like TF: None and incompatible shapes compare unequal; a dtype mismatch raises.
    if y is None or not _broadcastable(x, y):
        return False
    return b.equal(x, y)


def _ne(x: Any, y: Any) -> Any:
    if y is None or not _broadcastable(x, y):
        return True
    return b.not_equal(x, y)


def _flip(fn: Any) -> Any:
    return lambda x, y: fn(y, x)


_BINARY = {
    "add": b.add, "sub": b.subtract, "mul": b.multiply, "truediv": b.truediv,
    "floordiv": b.floordiv, "mod": b.floormod, "pow": b.pow, "matmul": b.matmul,
    "and": _and, "or": _or, "xor": _xor, "lshift": b.left_shift, "rshift": b.right_shift,
}
_COMPARE = {"lt": b.less, "le": b.less_equal, "gt": b.greater, "ge": b.greater_equal, "eq": _eq, "ne": _ne}


def install(*classes: type) -> None:
    """Defines the operator methods on each class in ``classes``."""
    methods: dict[str, Any] = {}
    for name, fn in _BINARY.items():
        methods[f"__{name}__"] = fn
        methods[f"__r{name}__"] = _flip(fn)
    for name, fn in _COMPARE.items():
        methods[f"__{name}__"] = fn
    methods["__neg__"] = negative
    methods["__pos__"] = lambda x: x
    methods["__abs__"] = abs
    methods["__invert__"] = lambda x: b.logical_not(x) if _is_bool(x) else b.invert(x)
    methods["__getitem__"] = indexing.getitem
    for cls in classes:
        for name, fn in methods.items():
            setattr(cls, name, fn)
