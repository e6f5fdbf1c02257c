"""``Tensor``: an immutable value, wrapping a ``jax.Array`` (eager) or a tracer.

The same class serves eager code and code being traced by ``jax.jit``: inside a
compiled function ``_value`` is a JAX tracer and everything that needs a concrete
value (``numpy()``, ``float()``, ``bool()``) says so clearly. ``Tensor`` is a JAX
pytree with one leaf, so Tensors pass straight through ``jax.jit``, ``jax.grad`` and
``jax.tree_util``. Operators (``+``, ``@``, ``[]`` ...) are installed by
:mod:`xlaflow.ops.operators` onto both this class and ``Variable``.
"""

from __future__ import annotations

from typing import Any, Iterator

import jax
import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape


def is_traced(value: Any) -> bool:
    """Whether ``value`` (an array) is a JAX tracer rather than a concrete array."""
    return isinstance(value, jax.core.Tracer)


def _concrete(tensor: Any, what: str) -> np.ndarray:
    value = tensor._read()
    if is_traced(value):
        raise TypeError(
            f"{what} needs a concrete value, but this tensor is being traced inside a "
            f"compiled function (shape={tensor.shape}, dtype={tensor.dtype.name}). "
            "Use xlaflow ops (e.g. xlaflow.where, xlaflow.cond) instead of Python "
            "control flow or conversions on traced values."
        )
    return np.asarray(value)


class TensorLike:
    """What Tensor and Variable share: read-only views of a value (``_read()``)."""

    __slots__ = ()
    __array_priority__ = 100  # numpy binary ops defer to our reflected operators

    def _read(self) -> Any:  # pragma: no cover - defined by subclasses
        raise NotImplementedError(f"{type(self).__name__} must implement `_read`.")

    def _aval(self) -> Any:
        """Something with the value's ``shape`` and ``dtype``, without computing it
        (a deferred tensor answers from its abstract value)."""
        return self._read()

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.as_dtype(self._aval().dtype)

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._aval().shape)

    @property
    def ndim(self) -> int:
        return len(self._aval().shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    @property
    def device(self) -> str:
        value = self._read()
        if is_traced(value):
            return ""
        devs = value.devices()
        return ",".join(str(d) for d in devs)

    def numpy(self) -> Any:
        """The value as a NumPy array (a NumPy scalar for 0-d tensors)."""
        arr = _concrete(self, "numpy()")
        return arr[()] if arr.ndim == 0 else arr

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        arr = _concrete(self, "Converting to a NumPy array")
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def __jax_array__(self) -> jax.Array:
        return self._read()

    def _scalar(self, what: str) -> Any:
        if self._read().ndim != 0 and self._read().size != 1:
            raise ValueError(
                f"{what}: only a tensor with a single element can be converted. "
                f"Received: a tensor of shape {self.shape}"
            )
        return _concrete(self, what).reshape(()).item()

    def __bool__(self) -> bool:
        if self._read().ndim != 0:
            raise ValueError(
                "bool(): the truth value of a tensor with more than one element is "
                f"ambiguous; use xlaflow.reduce_any or xlaflow.reduce_all. Received: "
                f"a tensor of shape {self.shape}"
            )
        return bool(_concrete(self, "bool()"))

    def __float__(self) -> float:
        return float(self._scalar("float()"))

    def __int__(self) -> int:
        return int(self._scalar("int()"))

    def __complex__(self) -> complex:
        return complex(self._scalar("complex()"))

    def __index__(self) -> int:
        if not self.dtype.is_integer:
            raise TypeError(
                f"Only integer tensors can be used as an index. Received: dtype={self.dtype.name}"
            )
        return int(self._scalar("__index__()"))

    def __len__(self) -> int:
        shape = self._aval().shape
        if not shape:
            raise TypeError("len() of a scalar tensor is undefined. Received: a tensor of shape ()")
        return shape[0]

    def __iter__(self) -> Iterator["Tensor"]:
        shape = self._aval().shape
        if not shape:
            raise TypeError("Cannot iterate over a scalar tensor. Received: a tensor of shape ()")
        return (self[i] for i in range(shape[0]))

    def __hash__(self) -> int:
        raise TypeError(
            f"{type(self).__name__} is unhashable (== compares elementwise). "
            "Use tensor.ref() as a dict key or set element instead."
        )

    def ref(self) -> "Reference":
        """A hashable handle that compares by identity (TF's ``Tensor.ref()``)."""
        return Reference(self)

    experimental_ref = ref

    def __copy__(self) -> Any:
        return self

    def __deepcopy__(self, memo: Any) -> Any:
        return self

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError(
            f"{type(self).__name__} does not support item assignment (tensors are immutable). "
            "Build a new tensor with xlaflow.where, or use a Variable and .assign()."
        )

    def __format__(self, spec: str) -> str:
        if not is_traced(self._read()) and self._read().ndim == 0:
            return format(self.numpy(), spec)
        return format(str(self), spec)


class Reference:
    """A hashable handle to a tensor or variable, equal only to handles of the same object."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any):
        self._obj = obj

    def deref(self) -> Any:
        return self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Reference) and other._obj is self._obj

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"


def numpy_text(arr: np.ndarray, is_repr: bool = False) -> str:
    """A value as TF prints it inside ``str`` (``is_repr``: after ``numpy=`` in reprs).

    Scalars print as the NumPy scalar (float32 0.1 as ``0.1``); multi-line arrays
    start on a new line, as in TF.
    """
    if not arr.ndim:
        return str(arr[()])
    text = repr(arr) if is_repr else np.array2string(arr, separator=" ", threshold=1000)
    return "\n" + text if "\n" in text else text


class Tensor(TensorLike):
    """An immutable multi-dimensional array.

    Eagerly it wraps a ``jax.Array``; inside a compiled function it wraps a tracer.
    Create tensors with :func:`xlaflow.constant` or :func:`xlaflow.convert_to_tensor`.
    """

    __slots__ = ("_value", "_keras_mask", "__weakref__")  # _keras_mask: set by Keras layers only

    def __init__(self, value: Any):
        if not isinstance(value, (jax.Array, jax.core.Tracer)):
            raise TypeError(
                "Tensor wraps a jax.Array; create tensors with xlaflow.constant(...) or "
                f"xlaflow.convert_to_tensor(...). Received: {type(value).__name__}"
            )
        self._value = value

    @classmethod
    def _wrap(cls, value: Any) -> "Tensor":
        t = object.__new__(cls)
        t._value = value
        return t

    def _read(self) -> Any:
        return self._value

    @property
    def value(self) -> Any:
        """The underlying ``jax.Array`` (or tracer)."""
        return self._value

    def __str__(self) -> str:
        if is_traced(self._value):
            return f'Tensor("traced", shape={self.shape}, dtype={self.dtype.name})'
        return f"tf.Tensor({numpy_text(np.asarray(self._value))}, shape={self.shape}, dtype={self.dtype.name})"

    def __repr__(self) -> str:
        if is_traced(self._value):
            return f'<tf.Tensor "traced" shape={self.shape} dtype={self.dtype.name}>'
        text = numpy_text(np.asarray(self._value), is_repr=True)
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, numpy={text}>"


jax.tree_util.register_pytree_node(
    Tensor,
    lambda t: ((t._value,), None),
    lambda _, children: Tensor._wrap(children[0]),
)
