"""``DType``: TensorFlow's dtype objects, backed by NumPy/JAX dtypes.

TF code names dtypes as ``tf.float32`` and asks them questions (``is_floating``,
``as_numpy_dtype``, ``min``). A :class:`DType` answers them and compares equal to
the NumPy dtype, the string and the other ``DType`` of the same kind.

64-bit types need JAX's x64 mode. :func:`canonical` is the one place that maps a
requested dtype to the one JAX will really hold: with x64 off it narrows float64 to
float32 (and int64/uint64/complex128 likewise) and says so once per dtype with an
:class:`XlaflowDowncastWarning`; ``xlaflow.config.enable_x64()`` keeps them.
"""

from __future__ import annotations

import warnings
from typing import Any

import jax
import ml_dtypes
import numpy as np

_pybool = bool  # this module defines TF's `bool` dtype below


class XlaflowDowncastWarning(UserWarning):
    """A 64-bit dtype was narrowed because JAX's x64 mode is off."""


class DType:
    """A tensor element type (``xlaflow.float32`` ...), wrapping a NumPy dtype."""

    __slots__ = ("_np", "_name")

    def __init__(self, np_dtype: Any, name: str):
        self._np = np.dtype(np_dtype)
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def as_numpy_dtype(self) -> type:
        return self._np.type

    @property
    def base_dtype(self) -> "DType":
        return self

    @property
    def real_dtype(self) -> "DType":
        if self._np.kind == "c":
            return as_dtype(np.finfo(self._np).dtype)
        return self

    @property
    def is_floating(self) -> bool:
        return self._np.kind == "f" or self._np in _ML_FLOATS

    @property
    def is_integer(self) -> bool:
        return self._np.kind in "iu"

    @property
    def is_unsigned(self) -> bool:
        return self._np.kind == "u"

    @property
    def is_complex(self) -> bool:
        return self._np.kind == "c"

    @property
    def is_bool(self) -> bool:
        return self._np.kind == "b"

    @property
    def is_numeric(self) -> bool:
        return not self.is_bool and self._np.kind != "O"

    @property
    def size(self) -> int:
        return self._np.itemsize

    @property
    def min(self) -> Any:
        if self.is_bool:
            return False
        if self.is_integer:
            return np.iinfo(self._np).min
        return _finfo(self._np).min

    @property
    def max(self) -> Any:
        if self.is_bool:
            return True
        if self.is_integer:
            return np.iinfo(self._np).max
        return _finfo(self._np).max

    def is_compatible_with(self, other: Any) -> bool:
        return self == as_dtype(other)

    def __eq__(self, other: Any) -> bool:
        if isinstance(other, DType):
            return self._np == other._np
        if other is None:
            return False
        try:
            return self._np == as_dtype(other)._np
        except TypeError:
            return False

    def __ne__(self, other: Any) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(self._np)

    def __repr__(self) -> str:
        return f"tf.{self._name}"

    def __reduce__(self):
        return as_dtype, (self._name,)


def _finfo(np_dtype: np.dtype):
    return ml_dtypes.finfo(np_dtype) if np_dtype in _ML_FLOATS else np.finfo(np_dtype)


_ML_FLOATS = {np.dtype(ml_dtypes.bfloat16)}

float16 = DType(np.float16, "float16")
half = float16
bfloat16 = DType(ml_dtypes.bfloat16, "bfloat16")
float32 = DType(np.float32, "float32")
float64 = DType(np.float64, "float64")
double = float64
int8 = DType(np.int8, "int8")
int16 = DType(np.int16, "int16")
int32 = DType(np.int32, "int32")
int64 = DType(np.int64, "int64")
uint8 = DType(np.uint8, "uint8")
uint16 = DType(np.uint16, "uint16")
uint32 = DType(np.uint32, "uint32")
uint64 = DType(np.uint64, "uint64")
bool = DType(np.bool_, "bool")  # noqa: A001 - TF's public name
complex64 = DType(np.complex64, "complex64")
complex128 = DType(np.complex128, "complex128")
# TF's host-only string dtype: NumPy object arrays of ``bytes`` (xlaflow.ops.string_tensor)
string = DType(np.object_, "string")

_ALL = [
    float16, bfloat16, float32, float64, int8, int16, int32, int64,
    uint8, uint16, uint32, uint64, bool, complex64, complex128, string,
]
_BY_NP = {d._np: d for d in _ALL}
_BY_NAME = {d.name: d for d in _ALL}
_BY_NAME.update({"half": float16, "double": float64, "float": float32, "int": int32})

# What JAX holds in place of each 64-bit type while x64 is off.
_NARROW = {float64: float32, int64: int32, uint64: uint32, complex128: complex64}
_warned: set = set()


def as_dtype(value: Any) -> DType:
    """Converts ``value`` (a DType, NumPy dtype or type, or name) to a :class:`DType`.

    Raises:
      TypeError: ``value`` names no dtype xlaflow knows.
    """
    if isinstance(value, DType):
        return value
    if value is None:  # np.dtype(None) would mean float64
        raise TypeError("as_dtype: argument `value` must name a dtype such as xlaflow.float32. Received: None")
    if isinstance(value, str) and value in _BY_NAME:
        return _BY_NAME[value]
    if value is float:
        return float32
    if value is int:
        return int32
    if value is _pybool:
        return bool
    if value is str or value is bytes:  # TF: only NumPy's str/bytes types name tf.string
        raise TypeError(f"as_dtype: argument `value` must name a dtype such as xlaflow.float32, 'int32', "
                        f"'string' or numpy.float64. Received: {value!r}")
    dt = getattr(value, "dtype", None)
    if isinstance(dt, DType):
        return dt
    try:
        np_dt = np.dtype(value if dt is None or isinstance(value, type) else dt)
    except TypeError:
        np_dt = None
    if np_dt is not None and np_dt in _BY_NP:
        return _BY_NP[np_dt]
    if np_dt is not None and np_dt.kind in "SU":  # NumPy str/bytes arrays hold TF strings
        return string
    raise TypeError(
        f"as_dtype: argument `value` must name a dtype such as xlaflow.float32, "
        f"'int32' or numpy.float64. Received: {value!r}"
    )


def x64_enabled() -> _pybool:
    return _pybool(jax.config.jax_enable_x64)


def canonical(dtype: Any) -> DType:
    """The dtype JAX will really hold for ``dtype``; warns once per narrowed dtype."""
    d = as_dtype(dtype)
    narrow = _NARROW.get(d)
    if narrow is None or x64_enabled():
        return d
    if d not in _warned:
        _warned.add(d)
        warnings.warn(
            f"{d.name} requested but JAX's 64-bit mode is off, so xlaflow uses "
            f"{narrow.name}. Call xlaflow.config.enable_x64() before creating tensors "
            f"to keep {d.name}, or pass dtype={narrow.name} to silence this warning.",
            XlaflowDowncastWarning,
            stacklevel=3,
        )
    return narrow


def _reset_downcast_warnings() -> None:
    """Forget which downcasts were announced (for tests)."""
    _warned.clear()


__all__ = [
    "DType", "as_dtype", "XlaflowDowncastWarning",
    "float16", "half", "bfloat16", "float32", "float64", "double",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "bool", "complex64", "complex128", "string",
]
