"""Deterministic initializers: ``Zeros``, ``Ones``, ``Constant`` and ``Identity``.

Any dtype is accepted (ints and bool too), as in Keras. ``Identity`` works on 2-D
shapes only and may be rectangular (``gain`` on the main diagonal).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.initializers.initializer import Initializer, check_dtype, check_shape
from xlaflow.ops import array_ops, convert, creation_ops
from xlaflow.ops.tensor import TensorLike


class Zeros(Initializer):
    """Initializes to 0: ``Zeros()((2, 3))``."""

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return creation_ops.zeros(check_shape("Zeros", shape), dtype=check_dtype("Zeros", dtype))


class Ones(Initializer):
    """Initializes to 1: ``Ones()((2, 3))``."""

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        return creation_ops.ones(check_shape("Ones", shape), dtype=check_dtype("Ones", dtype))


class Constant(Initializer):
    """Initializes to ``value`` (a scalar, or an array broadcast to the shape).

    Args:
      value: a Python number, or an array-like / tensor broadcastable to the shape.
    """

    def __init__(self, value: Any = 0.0):
        if isinstance(value, (str, bytes)) or value is None:
            raise TypeError(f"Constant: argument `value` must be a number or an array. Received: value={value!r}")
        self.value = value

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = check_shape("Constant", shape)
        d = check_dtype("Constant", dtype)
        value = cast_value(self.value, d)
        if not _broadcastable(tuple(value.shape), shape):
            raise ValueError(
                f"Constant: argument `value` must broadcast to the requested shape {shape}. "
                f"Received: value of shape {tuple(value.shape)}"
            )
        return array_ops.broadcast_to(value, shape)

    def get_config(self) -> dict:
        value = self.value
        if isinstance(value, (TensorLike, np.ndarray, np.generic)):
            value = np.asarray(value).tolist()
        return {"value": value}

    @classmethod
    def from_config(cls, config: dict) -> "Constant":
        value = config.get("value", 0.0)
        # Keras saves a NumPy value as {"class_name": "__numpy__", "config": {"value": [...], "dtype": ...}}.
        if isinstance(value, dict) and value.get("class_name") == "__numpy__":
            inner = value.get("config", {})
            value = np.asarray(inner.get("value"), dtype=inner.get("dtype"))
        return cls(value)


def cast_value(value: Any, dtype: Any) -> Any:
    """``value`` as a Tensor of ``dtype``; host values (Python, NumPy) are cast on the
    host, so a float64 array becoming float32 is not a 64-bit request."""
    if isinstance(value, TensorLike):
        return array_ops.cast(value, dtype)
    return convert.constant(np.asarray(value).astype(dtype.as_numpy_dtype))


def _broadcastable(src: tuple[int, ...], dst: tuple[int, ...]) -> bool:
    if len(src) > len(dst):
        return False
    return all(s in (1, d) for s, d in zip(src[::-1], dst[::-1]))


class Identity(Initializer):
    """Initializes a 2-D tensor to ``gain`` times the identity (rectangular allowed).

    Args:
      gain: the value on the main diagonal.

    Raises (on call):
      ValueError: the shape is not 2-D.
    """

    def __init__(self, gain: float = 1.0):
        if isinstance(gain, bool) or not isinstance(gain, (int, float, np.integer, np.floating)):
            raise TypeError(f"Identity: argument `gain` must be a number. Received: gain={gain!r}")
        self.gain = gain

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = check_shape("Identity", shape)
        if len(shape) != 2:
            raise ValueError(
                "Identity: argument `shape` must be 2-D (the identity initializer is for matrices). "
                f"Received: shape={shape} of rank {len(shape)}"
            )
        d = check_dtype("Identity", dtype)
        eye = creation_ops.eye(shape[0], shape[1], dtype=d)
        if self.gain == 1:
            return eye
        return eye * cast_value(self.gain, d)

    def get_config(self) -> dict:
        # Keras 3 returns {} here and so loses `gain`; xlaflow keeps it.
        return {"gain": self.gain}

