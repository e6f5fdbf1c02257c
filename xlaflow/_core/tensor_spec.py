"""``TensorSpec``: the shape and dtype a function argument must have.

Used by ``@function(input_signature=[TensorSpec((None, 20), tf.float32)])`` and by
datasets' ``element_spec``. ``None`` dimensions accept any size.
"""

from __future__ import annotations

from typing import Any

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape, as_shape


class TensorSpec:
    """Describes a tensor: a (possibly partial) shape, a dtype and an optional name."""

    __slots__ = ("_shape", "_dtype", "_name")

    def __init__(self, shape: Any, dtype: Any = dtypes.float32, name: str | None = None):
        self._shape = as_shape(shape)
        self._dtype = dtypes.as_dtype(dtype)
        if name is not None and not isinstance(name, str):
            raise TypeError(f"TensorSpec: argument `name` must be a str or None. Received: {name!r}")
        self._name = name

    @classmethod
    def from_tensor(cls, tensor: Any, name: str | None = None) -> "TensorSpec":
        return cls(tensor.shape, tensor.dtype, name if name is not None else getattr(tensor, "_spec_name", None))

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def name(self) -> str | None:
        return self._name

    def is_compatible_with(self, other: Any) -> bool:
        """True when ``other`` (a spec or tensor-like value) fits this spec."""
        other_dtype = getattr(other, "dtype", None)
        other_shape = getattr(other, "shape", None)
        if other_dtype is None or other_shape is None:
            return False
        try:
            same_dtype = dtypes.as_dtype(other_dtype) == self._dtype
        except TypeError:
            return False
        return same_dtype and self._shape.is_compatible_with(as_shape(tuple(other_shape)) if not isinstance(other_shape, TensorShape) else other_shape)

    def __eq__(self, other: Any) -> bool:
        return (
            isinstance(other, TensorSpec)
            and self._shape == other._shape
            and self._dtype == other._dtype
            and self._name == other._name
        )

    def __hash__(self) -> int:
        return hash((self._shape, self._dtype, self._name))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self._shape}, dtype={self._dtype!r}, name={self._name!r})"
