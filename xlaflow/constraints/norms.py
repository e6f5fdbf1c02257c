"""Norm constraints of ``keras.constraints``: ``MaxNorm``, ``MinMaxNorm``, ``UnitNorm``.

Each rescales ``w`` by ``desired / (1e-7 + norm)`` where ``norm`` is the L2 norm over
``axis`` (kept for broadcasting; ``axis`` may be a list, e.g. ``[0, 1, 2]`` for a
conv kernel ``(rows, cols, in, out)`` to constrain each filter):

* ``MaxNorm``: ``desired = clip(norm, 0, max_value)``;
* ``MinMaxNorm``: ``desired = rate * clip(norm, min_value, max_value) + (1 - rate) * norm``;
* ``UnitNorm``: ``desired = 1``.

The ``1e-7`` is Keras' ``epsilon()``; it keeps an all-zero slice at zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.constraints.constraint import Constraint, as_tensor
from xlaflow.ops import clip_ops, reduce_ops, unary_ops

EPSILON = 1e-7  # keras.config.epsilon()


def _norms(w: Any, axis: Any) -> Any:
    return unary_ops.sqrt(reduce_ops.reduce_sum(unary_ops.square(w), axis=axis, keepdims=True))


def _check_axis(owner: str, axis: Any) -> Any:
    def is_int(a):
        return isinstance(a, (int, np.integer)) and not isinstance(a, bool)

    if is_int(axis):
        return int(axis)
    if isinstance(axis, (list, tuple)) and axis and all(is_int(a) for a in axis):
        return [int(a) for a in axis]
    raise TypeError(f"{owner}: argument `axis` must be an int or a non-empty list of ints. Received: axis={axis!r}")


def _check_number(owner: str, arg: str, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: argument `{arg}` must be a number. Received: {arg}={value!r}")
    return value


class MaxNorm(Constraint):
    """Rescales each slice of ``w`` whose L2 norm over ``axis`` exceeds ``max_value``.

    Args:
      max_value: the maximum norm (2 by default).
      axis: the axis (or list of axes) the norm is taken over; 0 (default) for a
        Dense kernel ``(input_dim, output_dim)`` constrains each unit's weights.
    """

    def __init__(self, max_value: float = 2, axis: Any = 0):
        self.max_value = _check_number("MaxNorm", "max_value", max_value)
        self.axis = _check_axis("MaxNorm", axis)

    def __call__(self, w: Any) -> Any:
        w = as_tensor(w)
        norms = _norms(w, self.axis)
        desired = clip_ops.clip_by_value(norms, 0.0, float(self.max_value))
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the L2 norm of each slice of ``w`` over ``axis`` into
    ``[min_value, max_value]`` (fully when ``rate=1``, part of the way otherwise).

    Args:
      min_value: the minimum norm (0.0 by default).
      max_value: the maximum norm (1.0 by default).
      rate: how far to move towards the allowed range each time, in ``[0, 1]``.
      axis: the axis (or list of axes) the norm is taken over (0 by default).
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: Any = 0):
        self.min_value = _check_number("MinMaxNorm", "min_value", min_value)
        self.max_value = _check_number("MinMaxNorm", "max_value", max_value)
        self.rate = _check_number("MinMaxNorm", "rate", rate)
        self.axis = _check_axis("MinMaxNorm", axis)

    def __call__(self, w: Any) -> Any:
        w = as_tensor(w)
        norms = _norms(w, self.axis)
        clipped = clip_ops.clip_by_value(norms, float(self.min_value), float(self.max_value))
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class UnitNorm(Constraint):
    """Rescales each slice of ``w`` to unit L2 norm over ``axis`` (0 by default)."""

    def __init__(self, axis: Any = 0):
        self.axis = _check_axis("UnitNorm", axis)

    def __call__(self, w: Any) -> Any:
        w = as_tensor(w)
        return w / (EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}
