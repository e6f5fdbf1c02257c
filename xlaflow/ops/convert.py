"""Turning user values (tensors, variables, arrays, Python numbers and lists) into arrays.

One set of rules, TensorFlow's, used by every op:

* Python floats become float32, ints int32, bools bool (not NumPy's 64-bit defaults).
* NumPy arrays keep their dtype; 64-bit ones are narrowed (with one warning) unless
  JAX's x64 mode is on (see :func:`xlaflow._core.dtypes.canonical`).
* A requested ``dtype`` converts NumPy/Python data when no information is lost in
  kind (int to float is fine; 1.5 to int32 is a ``TypeError``), but never casts a
  tensor: a tensor of another dtype is an error, as in TF (use ``xlaflow.cast``).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes
from xlaflow.ops import string_tensor
from xlaflow.ops.tensor import Tensor, TensorLike

_PY_SCALARS = (bool, int, float, complex)
# Host values this small become concrete arrays even inside a trace, so shape
# arithmetic (``reshape(x, [n, -1])`` with ``n`` a tensor) stays static.
CONST_LIMIT = 64
# kinds a value of kind K may be converted to by a requested dtype
_SAFE_KINDS = {"b": "biufc", "i": "iufc", "u": "iufc", "f": "fc", "c": "c"}
_PY_DEFAULT = {"f": dtypes.float32, "i": dtypes.int32, "u": dtypes.int32, "b": dtypes.bool}


def _kind(np_dtype: np.dtype) -> str:
    if np_dtype == np.dtype(jnp.bfloat16):
        return "f"
    return np_dtype.kind


def _where(op: str | None, arg: str | None) -> str:
    if op and arg:
        return f"{op}: argument `{arg}`"
    return op or "convert_to_tensor"


def _host_array(value: Any, op: str | None, arg: str | None) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:
        if string_tensor.is_string_data(value):  # e.g. str and non-ASCII bytes mixed: a string tensor
            raise string_tensor.StringValueError(str(e)) from None
        raise ValueError(
            f"{_where(op, arg)} must be a tensor, array, number or (nested) list of "
            f"numbers with a regular shape. Received: {value!r:.200} ({e})"
        ) from None
    if arr.dtype == object or (arr.dtype.kind in "USV" and _kind(arr.dtype) == arr.dtype.kind):
        # strings: a StringValueError (a TypeError) that dispatch sends to the host string ops
        error = string_tensor.StringValueError if string_tensor.is_string_data(arr) else TypeError
        raise error(
            f"{_where(op, arg)} must be a tensor, array, number or (nested) list of "
            f"numbers. Received: a value of type {type(value).__name__}: {value!r:.200}"
        )
    return arr


def _dtype_note(value: Any, arr: np.ndarray) -> str:
    """`` (dtype X)`` for arrays; nothing for Python values, whose dtype is inferred."""
    return "" if isinstance(value, (_PY_SCALARS, list, tuple)) and not isinstance(value, np.generic) else f" (dtype {arr.dtype.name})"


def _cast_host(arr: np.ndarray, target: dtypes.DType, value: Any, op: str | None, arg: str | None) -> np.ndarray:
    src = _kind(arr.dtype)
    dst = _kind(np.dtype(target.as_numpy_dtype))
    if dst not in _SAFE_KINDS[src] and not (src == "f" and dst in "iu" and np.all(np.isfinite(arr)) and np.all(arr == np.trunc(arr))):
        raise TypeError(
            f"{_where(op, arg)} cannot be converted to dtype {target.name} without losing "
            f"information. Received: {value!r:.200}{_dtype_note(value, arr)}. "
            "Use xlaflow.cast to convert explicitly."
        )
    if target.is_integer and arr.size and dst in "iu" and src in "iu":
        info = np.iinfo(target.as_numpy_dtype)
        if arr.min() < info.min or arr.max() > info.max:
            raise ValueError(
                f"{_where(op, arg)} does not fit in {target.name}. Received values in "
                f"[{arr.min()}, {arr.max()}]"
            )
    return _astype(arr, target)


def to_array(value: Any, dtype: Any = None, *, op: str | None = None, arg: str | None = None, host: bool = False,
             any_size: bool = False) -> jax.Array:
    """Converts ``value`` to a JAX array (or returns the tracer it wraps).

    Args:
      value: a Tensor, Variable, jax.Array, NumPy array, Python number or nested list.
      dtype: the dtype the result must have; None infers it.
      op, arg: the op and argument names used in error messages.
      host: the caller passes the result straight to a compiled function, so large
        host data may stay a (converted) NumPy array: the compiled call moves it to the
        device faster than a separate copy would.
      any_size: with ``host``, small host data stays on the host too.
    """
    host = "any" if host and any_size else host
    if isinstance(value, (TensorLike, jax.Array, jax.core.Tracer)):
        arr = value._read() if isinstance(value, TensorLike) else value
        if dtype is not None and dtypes.canonical(dtype) != arr.dtype:
            raise TypeError(
                f"{_where(op, arg)} must have dtype {dtypes.as_dtype(dtype).name}. Received: "
                f"a tensor of dtype {dtypes.as_dtype(arr.dtype).name}. Use xlaflow.cast to convert it."
            )
        return arr
    is_python = isinstance(value, (_PY_SCALARS, list, tuple)) and not isinstance(value, np.generic)
    arr = _host_array(value, op, arg)
    if dtype is not None:
        target = dtypes.canonical(dtype)
        return _device(_cast_host(arr, target, value, op, arg), host)
    if is_python:
        target = _PY_DEFAULT.get(arr.dtype.kind)
        if target is None:
            target = dtypes.canonical(arr.dtype)
        elif target == dtypes.int32 and arr.size and (arr.min() < -(2**31) or arr.max() >= 2**31):
            # int64 when x64 is on; otherwise an error (not a narrowing warning: it cannot fit)
            target = dtypes.int64
            if not dtypes.x64_enabled():
                raise ValueError(
                    f"{_where(op, arg)} holds integers outside int32's range and 64-bit "
                    "types are off; call xlaflow.config.enable_x64(). Received values in "
                    f"[{arr.min()}, {arr.max()}]"
                )
        return _device(_astype(arr, target), host)
    return _device(_astype(arr, dtypes.canonical(arr.dtype)), host)


def host_array(value: np.ndarray) -> np.ndarray:
    """A NumPy array with the dtype xlaflow would give it, left on the host (compiled
    calls take NumPy inputs directly, which is faster than a device copy first)."""
    dt = value.dtype
    if dt.itemsize < 8 and dt.kind in "biuf":  # already what xlaflow holds (fast path)
        return value
    if dt == object or (dt.kind in "USV" and _kind(dt) == dt.kind):
        if string_tensor.is_string_data(value):
            raise string_tensor.compute_error("A compiled program's input")
        raise TypeError(f"convert_to_tensor: argument `value` must be numeric. Received: an array of dtype {value.dtype}")
    return _astype(value, dtypes.canonical(value.dtype))


def compiled_input(value: np.ndarray) -> tuple[np.ndarray, np.dtype]:
    """(what to pass a compiled call for host array ``value``, the dtype it has there).

    64-bit numbers with JAX's 64-bit mode off pass unconverted: the compiled call
    narrows them itself on the way in, as :func:`host_array` would, without a copy
    on the host first."""
    dt = value.dtype
    key = (dt, dtypes.x64_enabled())
    narrowed = _NARROWED.get(key)
    if narrowed is None:
        narrowed = _NARROWED[key] = (np.dtype(dtypes.canonical(dt).as_numpy_dtype)
                                     if dt.itemsize == 8 and dt.kind in "iuf" and not key[1] else False)
    if narrowed is not False:
        return value, narrowed
    arr = host_array(value)
    return arr, arr.dtype


_NARROWED: dict = {}  # (dtype, x64 on) -> the dtype a compiled call narrows it to, or False


def _astype(arr: np.ndarray, target: dtypes.DType) -> np.ndarray:
    if arr.dtype == target.as_numpy_dtype:
        return arr
    # A float too large for the narrower type becomes inf, as in TF (no NumPy warning).
    with np.errstate(over="ignore"):
        return arr.astype(target.as_numpy_dtype, copy=False)


def _device(arr: np.ndarray, host: bool | str = False) -> jax.Array:
    """``arr`` on the device; left on the host when ``host`` and it is large, or
    whatever its size when ``host == "any"``."""
    if host and (arr.size > CONST_LIMIT or host == "any"):
        return arr
    if arr.size <= CONST_LIMIT:
        with jax.ensure_compile_time_eval():  # a concrete constant even while a program is traced
            return jax.device_put(arr)  # (a transfer; jnp.asarray would compile a program per dtype)
    return jax.device_put(arr)


def convert_to_tensor(value: Any, dtype: Any = None, dtype_hint: Any = None, name: str | None = None) -> Any:
    """Converts ``value`` to a :class:`Tensor` (see the module docstring for the rules).

    Args:
      value: a Tensor, Variable, NumPy array, Python number or nested list.
      dtype: the dtype the result must have.
      dtype_hint: a preferred dtype, used when ``value`` has none of its own and the
        conversion is possible; ignored otherwise.
      name: ignored (TF compatibility).

    Raises:
      TypeError: ``value`` cannot be converted, or is a tensor of another ``dtype``.
    """
    if getattr(value, "_xf_symbolic", False):
        if dtype is not None and dtypes.as_dtype(dtype) != value.dtype:
            raise TypeError(
                f"convert_to_tensor: argument `value` must have dtype {dtypes.as_dtype(dtype).name}. "
                f"Received: a symbolic tensor of dtype {value.dtype.name}"
            )
        return value
    if isinstance(value, Tensor) and dtype is None:
        return value
    if dtype is None and dtype_hint is not None and not isinstance(value, (TensorLike, jax.Array, np.ndarray, np.generic)):
        try:
            return Tensor._wrap(to_array(value, dtype_hint))
        except (TypeError, ValueError):
            pass
    try:
        return Tensor._wrap(to_array(value, dtype, op="convert_to_tensor", arg="value"))
    except string_tensor.StringValueError:  # string data: a host string tensor
        return string_tensor.constant(value, dtype, op="convert_to_tensor")


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = "Const") -> Tensor:
    """Creates a constant tensor from a Python value or array, optionally reshaped.

    ``constant(0., shape=[2, 3])`` fills the shape with the scalar, as in TF.

    Raises:
      TypeError: the value cannot be represented in ``dtype``, or is a tensor of
        another dtype (use ``xlaflow.cast``).
      ValueError: ``shape`` does not match the number of elements.
    """
    try:
        arr = to_array(value, dtype, op="constant", arg="value")
    except string_tensor.StringValueError:  # string data: a host string tensor
        return string_tensor.constant(value, dtype, shape)
    if shape is not None:
        from xlaflow._core.tensor_shape import known

        target = known(shape)
        if arr.size == 1 and int(np.prod(target)) != 1:
            arr = jnp.broadcast_to(arr.reshape(()), target)
        elif arr.size == int(np.prod(target)):
            arr = arr.reshape(target)
        else:
            raise ValueError(
                f"constant: argument `shape` must hold as many elements as `value` "
                f"({arr.size}) or `value` must be a scalar. Received: shape={list(target)}"
            )
    return Tensor._wrap(arr)
