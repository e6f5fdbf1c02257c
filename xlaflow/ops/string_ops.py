"""The generic ops on string tensors, computed on the host with NumPy.

TF lets shape ops (``reshape``, ``concat``, ``stack``, ``gather``, ``boolean_mask``,
``where`` ...), ``equal``/``not_equal`` and ``add`` (concatenation) take strings.
xlaflow's ops are JAX functions, so when an op's input holds strings, dispatch
(:func:`xlaflow.ops.dispatch.call`) hands the call to :func:`run`, which computes it
here from the op's bound arguments. Any other op given a string says where string
processing belongs (the input pipeline or a preprocessing layer), and a symbolic
(graph) input is refused: string ops run eagerly.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops import dispatch, string_tensor
from xlaflow.ops.string_tensor import StringTensor, WHERE_STRINGS_GO, is_string_data

_IMPLS: dict[str, Callable] = {}


def _impl(*names: str) -> Callable:
    def register(fn: Callable) -> Callable:
        for n in names:
            _IMPLS[n] = fn
        return fn
    return register


def _host(value: Any, label: str, arg: str) -> np.ndarray:
    """An argument as a host array: bytes objects for strings, numbers otherwise."""
    if value is None:
        return None
    if is_string_data(value):
        return string_tensor.as_bytes_array(value, f"{label}: argument `{arg}`")
    if isinstance(value, (list, tuple)) and value and any(is_string_data(v) for v in value):
        return string_tensor.as_bytes_array(value, f"{label}: argument `{arg}`")
    return np.asarray(value)


def _out(arr: Any) -> Any:
    if isinstance(arr, list):
        return [_out(a) for a in arr]
    arr = np.asarray(arr)
    if arr.dtype == object:
        return StringTensor._wrap(arr)
    from xlaflow.ops.convert import convert_to_tensor

    return convert_to_tensor(arr)


def _static(value: Any) -> Any:
    if isinstance(value, StringTensor):
        raise TypeError("a string tensor cannot be a shape, axis or index argument")
    return dispatch.static_value(value, "string op", "argument")


def run(op: Any, args: tuple, kwargs: dict) -> Any:
    """Dispatch's host handler: ``op`` applied to arguments that hold strings."""
    bound = op.bind(args, kwargs)
    label = f"xlaflow.{op.label}"
    for p in op.tensors:
        vs = bound[p] if p in op.lists and isinstance(bound[p], (list, tuple)) else [bound[p]]
        if any(dispatch.is_symbolic(v) for v in vs):
            raise TypeError(f"{label}: argument `{p}` is a symbolic string tensor; string tensors are computed eagerly "
                            f"on the host and cannot be part of a graph. {WHERE_STRINGS_GO}")
    impl = _IMPLS.get(op.name)
    if impl is None:
        raise string_tensor.StringValueError(
            f"{label} does not take string tensors (dtype=string): XLA computes only on numbers. {WHERE_STRINGS_GO}"
            + (" To parse numbers from strings use xlaflow.strings.to_number." if op.name == "Cast" else ""))
    host = {}
    for p in op.tensors:
        v = bound[p]
        if p in op.lists and isinstance(v, (list, tuple)):
            host[p] = [_host(x, label, p) for x in v]
        elif p in op.lists and isinstance(v, StringTensor):
            host[p] = [v._strings[i] for i in range(len(v))]
        else:
            host[p] = _host(v, label, p)
    statics = {k: _static(v) for k, v in bound.items() if k not in op.tensors}
    try:
        return _out(impl(label, **host, **statics))
    except (ValueError, IndexError, np.exceptions.AxisError) as e:
        raise errors.InvalidArgumentError(f"{label}: {e}") from None


def _strings(label: str, arg: str, arr: np.ndarray) -> np.ndarray:
    if arr.dtype != object:
        raise errors.InvalidArgumentError(f"{label}: arguments must all be strings or all numbers. Received: `{arg}` of "
                                          f"dtype {dtypes.as_dtype(arr.dtype).name} next to a string tensor")
    return arr


def _same(label: str, **arrays: Any) -> None:
    kinds = {k: v.dtype == object for k, v in arrays.items() if v is not None}
    if len(set(kinds.values())) > 1:  # TF: "Cannot convert 1 to EagerTensor of dtype string"
        names = ", ".join(f"{k}.dtype={'string' if s else dtypes.as_dtype(arrays[k].dtype).name}" for k, s in kinds.items())
        raise TypeError(f"{label}: a number cannot be converted to a string tensor (use xlaflow.strings.as_string). "
                        f"Received: {names}")


@_impl("Reshape")
def _reshape(label, tensor, shape):
    return np.reshape(tensor, shape)


@_impl("Transpose")
def _transpose(label, a, perm=None, conjugate=False):
    return np.transpose(a, perm)


@_impl("ConcatV2")
def _concat(label, values, axis):
    for i, v in enumerate(values):
        _strings(label, f"values[{i}]", v)
    return np.concatenate(values, axis=axis)


@_impl("Pack")
def _stack(label, values, axis=0):
    for i, v in enumerate(values):
        _strings(label, f"values[{i}]", v)
    return np.stack(values, axis=axis)


@_impl("Unpack")
def _unstack(label, value, num=None, axis=0):
    return [np.take(value, i, axis=axis) for i in range(value.shape[axis])]


@_impl("Split")
def _split(label, value, num_or_size_splits, axis=0, num=None):
    if isinstance(num_or_size_splits, int):
        return np.split(value, num_or_size_splits, axis=axis)
    return np.split(value, np.cumsum(num_or_size_splits)[:-1], axis=axis)


@_impl("Squeeze")
def _squeeze(label, input, axis=None):  # noqa: A002
    return np.squeeze(input, axis=tuple(axis) if isinstance(axis, list) else axis)


@_impl("ExpandDims")
def _expand_dims(label, input, axis):  # noqa: A002
    return np.expand_dims(input, axis)


@_impl("Tile")
def _tile(label, input, multiples):  # noqa: A002
    return np.tile(input, multiples)


@_impl("BroadcastTo")
def _broadcast_to(label, input, shape):  # noqa: A002
    return np.broadcast_to(input, shape).copy()


@_impl("Identity", "StopGradient")
def _identity(label, input):  # noqa: A002
    return input


@_impl("PadV2")
def _pad(label, tensor, paddings, mode="CONSTANT", constant_values=0, name=None):
    if mode.upper() != "CONSTANT":
        return np.pad(tensor, paddings, mode={"REFLECT": "reflect", "SYMMETRIC": "symmetric"}[mode.upper()])
    if not isinstance(constant_values, np.ndarray) or constant_values.dtype != object:
        raise TypeError(f"{label}: padding a string tensor needs a string `constant_values` (e.g. ''). "
                        f"Received: constant_values={constant_values!r}")
    return np.pad(tensor, paddings, constant_values=constant_values[()])


def _int(arr: Any, out_type: Any = dtypes.int32) -> np.ndarray:
    return np.asarray(arr, dtypes.canonical(out_type).as_numpy_dtype)


@_impl("Shape")
def _shape(label, input, out_type=dtypes.int32):  # noqa: A002
    return _int(input.shape, out_type)


@_impl("Rank")
def _rank(label, input):  # noqa: A002
    return _int(input.ndim)


@_impl("Size")
def _size(label, input, out_type=dtypes.int32):  # noqa: A002
    return _int(input.size, out_type)


def _check_index(label: str, indices: np.ndarray, size: int) -> None:
    if indices.dtype.kind not in "iu":
        raise TypeError(f"{label}: argument `indices` must be integers. Received: dtype={indices.dtype}")
    bad = indices[(indices < 0) | (indices >= size)]
    if bad.size:
        raise errors.InvalidArgumentError(f"{label}: indices[...] = {int(bad.reshape(-1)[0])} is not in [0, {size})")


@_impl("GatherV2")
def _gather(label, params, indices, validate_indices=None, axis=None, batch_dims=0):
    if batch_dims:
        raise NotImplementedError(f"{label}: `batch_dims` is not supported for string tensors. Received: {batch_dims}")
    axis = 0 if axis is None else axis
    _check_index(label, indices, params.shape[axis])
    return np.take(params, indices, axis=axis)


@_impl("GatherNd")
def _gather_nd(label, params, indices, batch_dims=0):
    if batch_dims:
        raise NotImplementedError(f"{label}: `batch_dims` is not supported for string tensors. Received: {batch_dims}")
    depth = indices.shape[-1]
    for d in range(depth):
        _check_index(label, indices[..., d], params.shape[d])
    flat = indices.reshape(-1, depth)
    out = params[tuple(flat[:, d] for d in range(depth))]
    return out.reshape(indices.shape[:-1] + params.shape[depth:])


@_impl("BooleanMask")
def _boolean_mask(label, tensor, mask, axis=0):
    if mask.dtype != np.bool_:
        raise TypeError(f"{label}: argument `mask` must be a bool tensor. Received: dtype={mask.dtype}")
    k = mask.ndim
    flat = tensor.reshape(tensor.shape[:axis] + (-1,) + tensor.shape[axis + k:])
    return np.take(flat, np.flatnonzero(mask), axis=axis)


@_impl("ReverseV2")
def _reverse(label, x, axis):
    return np.flip(x, axis=tuple(axis) if isinstance(axis, (list, tuple)) else axis)


@_impl("SelectV2")
def _where(label, condition, x=None, y=None):
    if condition.dtype != np.bool_:
        raise TypeError(f"{label}: argument `condition` must be a bool tensor. Received: dtype={condition.dtype}")
    if x is None or y is None:
        raise ValueError("arguments `x` and `y` must be given together")
    _same(label, x=x, y=y)
    return np.where(condition, x, y)


def _compare(label: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    _same(label, x=x, y=y)
    np.broadcast_shapes(x.shape, y.shape)
    return np.asarray(x == y, bool)


@_impl("equal")
def _equal(label, x, y):
    return _compare(label, x, y)


@_impl("not_equal")
def _not_equal(label, x, y):
    return ~_compare(label, x, y)


@_impl("add")
def _add(label, x, y):
    _same(label, x=x, y=y)
    return np.frompyfunc(lambda a, b: a + b, 2, 1)(x, y).astype(object)


@_impl("fill")
def _fill(label, dims, value):
    out = np.empty(tuple(dims), object)
    out[...] = value[()] if value.ndim == 0 else value
    return out


@_impl("zeros_like")
def _zeros_like(label, input, dtype=None):  # noqa: A002
    if dtype is not None and dtypes.as_dtype(dtype) != dtypes.string:
        return np.zeros(input.shape, dtypes.canonical(dtype).as_numpy_dtype)
    out = np.empty(input.shape, object)
    out[...] = b""
    return out


@_impl("Cast")
def _cast(label, x, dtype):
    if dtypes.as_dtype(dtype) != dtypes.string:
        raise errors.UnimplementedError(f"{label}: Cast string to {dtypes.as_dtype(dtype).name} is not supported; use "
                                        "xlaflow.strings.to_number")
    return x


def install() -> None:
    """Registers :func:`run` as dispatch's host handler."""
    dispatch.register_host_handler(run)


__all__ = ["install", "run"]
