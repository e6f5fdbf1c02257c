"""``StringTensor``: TF's ``tf.string`` tensors, held on the host.

XLA has no string type, so a string tensor is a NumPy object array of ``bytes``
(UTF-8, as TF stores them) wrapped in a :class:`~xlaflow.ops.tensor.Tensor` subclass
whose ``dtype`` is ``xlaflow.string``. It behaves as TF's eager string tensors do:

* ``numpy()`` gives ``bytes`` for a scalar and an object array of ``bytes`` otherwise;
  ``str``/``repr`` print like TF (``tf.Tensor([b'a' b'b'], shape=(2,), dtype=string)``);
* ``t[...]`` slices with NumPy's rules; ``==``/``!=`` compare elementwise and ``+``
  concatenates (``tf.add`` on strings), through the host ops of
  :mod:`xlaflow.ops.string_ops`, as do ``reshape``, ``concat``, ``gather`` ...;
* ``tf.strings`` (:mod:`xlaflow.strings`) and the text layers take and return them.

Anything that needs the value as an XLA array (a numeric op, ``jax.jit``, a compiled
training step) raises :class:`StringValueError`, a ``TypeError`` saying that string
processing belongs in the input pipeline or in a preprocessing layer. ``str`` values
are encoded to UTF-8 on the way in (TF's ``compat.as_bytes``).
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.ops.tensor import Tensor, TensorLike, numpy_text

WHERE_STRINGS_GO = ("String processing must happen in the input pipeline (tf.data with tf.strings ops) or in a "
                    "preprocessing layer (TextVectorization, StringLookup, Hashing) before the numeric part of "
                    "the model.")


class StringValueError(TypeError):
    """A string value reached code that needs an XLA (numeric) array."""


def compute_error(what: str = "this computation") -> StringValueError:
    return StringValueError(f"{what} cannot take a string tensor (dtype=string): XLA computes only on numbers. "
                            f"{WHERE_STRINGS_GO}")


def _to_bytes(v: Any) -> bytes:
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode("utf-8")
    if isinstance(v, np.bytes_):
        return bytes(v)
    raise TypeError(f"a string tensor holds str or bytes values. Received: {v!r:.100} of type {type(v).__name__}")


def is_string_data(value: Any) -> bool:
    """Whether ``value`` (an array, a str/bytes, or a nested list) holds strings."""
    if isinstance(value, StringTensor):
        return True
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        return True
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "SU":
            return True
        return value.dtype == object and value.size > 0 and isinstance(value.flat[0], (str, bytes))
    if isinstance(value, (list, tuple)):
        while isinstance(value, (list, tuple)) and value:
            value = value[0]
        return isinstance(value, (str, bytes, np.str_, np.bytes_, StringTensor))
    return False


def as_bytes_array(value: Any, what: str = "value") -> np.ndarray:
    """``value`` (str, bytes, nested lists, NumPy str/bytes/object arrays, string
    tensors) as an object array of ``bytes``; anything else is a ``TypeError``."""
    if isinstance(value, StringTensor):
        return value._strings
    if isinstance(value, TensorLike):
        raise TypeError(f"{what} must be a string tensor. Received: a tensor of dtype {value.dtype.name}")
    if isinstance(value, (str, bytes, np.str_, np.bytes_)):
        out = np.empty((), object)
        out[()] = _to_bytes(value)
        return out
    if isinstance(value, np.ndarray) and value.dtype == object and set(map(type, value.reshape(-1))) <= {bytes}:
        return value  # already what a string tensor holds (the common case inside pipelines): no copy
    if isinstance(value, np.ndarray) and value.dtype.kind == "S":
        return _fill(value.shape, [bytes(v) for v in value.reshape(-1)])
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":
        return _fill(value.shape, [str(v).encode("utf-8") for v in value.reshape(-1)])
    try:
        arr = np.asarray(_unwrap(value), dtype=object)
    except ValueError as e:
        raise ValueError(f"{what} must be strings with a regular (rectangular) shape. Received: {value!r:.200} ({e})") from None
    flat = arr.reshape(-1)
    if any(isinstance(v, (list, tuple)) for v in flat):
        raise ValueError(f"{what} must be strings with a regular (rectangular) shape; rows of different lengths "
                         f"make a RaggedTensor (xlaflow.ragged.constant). Received: {value!r:.200}")
    try:
        values = [_to_bytes(v) for v in flat]
    except TypeError as e:
        raise TypeError(f"{what}: {e}") from None
    return _fill(arr.shape, values)


def _unwrap(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_unwrap(v) for v in value]
    if isinstance(value, StringTensor):
        return value._strings.tolist() if value._strings.ndim else value._strings[()]
    return value


def _fill(shape: tuple, values: list) -> np.ndarray:
    out = np.empty(len(values), object)
    out[:] = values
    return out.reshape(shape)


class StringTensor(Tensor):
    """An immutable tensor of dtype ``string`` (see the module docstring).

    Create one with ``xlaflow.constant(["a", "b"])`` or ``xlaflow.convert_to_tensor``.
    """

    __slots__ = ("_strings",)

    @classmethod
    def _wrap(cls, value: Any) -> "StringTensor":
        t = object.__new__(cls)
        t._strings = value
        return t

    @classmethod
    def from_value(cls, value: Any, what: str = "value") -> "StringTensor":
        return cls._wrap(as_bytes_array(value, what))

    # -- what generic (numeric) code reads: a clear error -----------------------
    @property
    def _value(self) -> Any:  # Tensor's slot: the jax.Array every numeric path reads
        raise compute_error()

    def _read(self) -> Any:
        raise compute_error()

    def _aval(self) -> Any:
        raise compute_error()

    def __jax_array__(self) -> Any:
        raise compute_error("A compiled (jax.jit) program")

    @property
    def value(self) -> Any:
        return self._strings

    # -- the tensor interface ---------------------------------------------------
    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.string

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._strings.shape)

    @property
    def ndim(self) -> int:
        return self._strings.ndim

    @property
    def device(self) -> str:
        return "/job:localhost/replica:0/task:0/device:CPU:0"

    def numpy(self) -> Any:
        """``bytes`` for a scalar, else an object array of ``bytes`` (a copy)."""
        return self._strings[()] if self._strings.ndim == 0 else self._strings.copy()

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._strings if dtype is None else self._strings.astype(dtype)

    def __len__(self) -> int:
        if not self._strings.ndim:
            raise TypeError("len() of a scalar tensor is undefined. Received: a tensor of shape ()")
        return self._strings.shape[0]

    def __iter__(self) -> Iterator["StringTensor"]:
        if not self._strings.ndim:
            raise TypeError("Cannot iterate over a scalar tensor. Received: a tensor of shape ()")
        return (self[i] for i in range(self._strings.shape[0]))

    def __getitem__(self, key: Any) -> "StringTensor":
        key = _index(key)
        out = self._strings[key]
        if not isinstance(out, np.ndarray):
            arr = np.empty((), object)
            arr[()] = out
            out = arr
        return StringTensor._wrap(out)

    def __bool__(self) -> bool:
        if self._strings.ndim != 0:
            raise ValueError("bool(): the truth value of a tensor with more than one element is ambiguous. "
                             f"Received: a string tensor of shape {self.shape}")
        return bool(self._strings[()])

    def _scalar(self, what: str) -> Any:
        raise TypeError(f"{what}: a string tensor is not a number; use xlaflow.strings.to_number. "
                        f"Received: a string tensor of shape {self.shape}")

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __str__(self) -> str:
        return f"tf.Tensor({numpy_text(self._strings)}, shape={self.shape}, dtype=string)"

    def __repr__(self) -> str:
        return f"<tf.Tensor: shape={self.shape}, dtype=string, numpy={numpy_text(self._strings, is_repr=True)}>"

    def __reduce__(self) -> Any:
        return StringTensor._wrap, (self._strings,)


def _index(key: Any) -> Any:
    """A NumPy index from a key holding tensors (ints, bool masks, index tensors)."""
    if isinstance(key, tuple):
        return tuple(_index(k) for k in key)
    if isinstance(key, StringTensor):
        raise TypeError("a string tensor cannot index a tensor. Received: a string tensor key")
    if isinstance(key, TensorLike):
        arr = np.asarray(key)
        if arr.dtype.kind not in "iub":
            raise TypeError(f"Only integer or bool tensors can index a tensor. Received: dtype={key.dtype.name}")
        return arr.item() if arr.ndim == 0 and arr.dtype.kind != "b" else arr
    if isinstance(key, slice):
        return slice(*(None if v is None else int(np.asarray(v)) for v in (key.start, key.stop, key.step)))
    return key


def constant(value: Any, dtype: Any = None, shape: Any = None, op: str = "constant") -> StringTensor:
    """``xlaflow.constant`` for string data (called by :mod:`xlaflow.ops.convert`)."""
    if dtype is not None and dtypes.as_dtype(dtype) != dtypes.string:
        raise TypeError(f"{op}: a string value cannot be converted to dtype {dtypes.as_dtype(dtype).name}; use "
                        f"xlaflow.strings.to_number to parse numbers. Received: {value!r:.200}")
    arr = as_bytes_array(value, f"{op}: argument `value`")
    if shape is not None:
        from xlaflow._core.tensor_shape import known

        target = tuple(known(shape))
        if arr.size == 1 and int(np.prod(target)) != 1:
            arr = _fill(target, [arr.reshape(-1)[0]] * int(np.prod(target)))
        elif arr.size == int(np.prod(target)):
            arr = arr.reshape(target)
        else:
            raise ValueError(f"{op}: argument `shape` must hold as many elements as `value` ({arr.size}) or "
                             f"`value` must be a scalar. Received: shape={list(target)}")
    return StringTensor._wrap(arr)


def strings_of(value: Any, op: str, arg: str) -> np.ndarray:
    """The ``bytes`` object array of a string argument (tensor, array, list, str)."""
    if getattr(value, "_xf_symbolic", False):
        raise TypeError(f"{op}: argument `{arg}` is a symbolic tensor (keras.Input or a TF1 placeholder); string ops "
                        f"run eagerly on the host. {WHERE_STRINGS_GO}")
    return as_bytes_array(value, f"{op}: argument `{arg}`")
