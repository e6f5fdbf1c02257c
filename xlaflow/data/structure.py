"""Elements of a dataset: nested structures of host NumPy arrays, and their specs.

Inside a pipeline every element is a (possibly nested) tuple / dict / namedtuple of
NumPy arrays; Tensors appear only at the edges (a ``map`` function's arguments, the
values a Python ``for`` loop receives). Keeping the host representation lets batching,
shuffling and caching run as NumPy slicing and fancy indexing instead of one device
dispatch per element.

Structure follows ``tf.nest`` as tf.data uses it: tuples, dicts (sorted keys) and
namedtuples are structure; a Python *list* given as data is a tensor (``[1, 2, 3]`` is
one int32 vector), as in ``from_tensor_slices``. Strings (``TextLineDataset``) are NumPy
``bytes`` object arrays inside the pipeline, described by ``TensorSpec(shape,
tf.string)``; where other leaves become Tensors they become host string tensors
(:class:`~xlaflow.ops.string_tensor.StringTensor`).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow._core.tensor_shape import TensorShape, as_shape
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow.ops.tensor import Tensor, TensorLike

_PY_DEFAULT = {"f": np.float32, "i": np.int32, "u": np.int32, "b": np.bool_}
_PY_SCALARS = (bool, int, float, complex)


def StringSpec(shape: Any = ()) -> TensorSpec:  # noqa: N802 - kept for callers of the former class
    """The spec of a string leaf: ``TensorSpec(shape, tf.string)``."""
    return TensorSpec(shape, dtypes.string)


def is_string_spec(spec: Any) -> bool:
    return isinstance(spec, TensorSpec) and spec.dtype == dtypes.string


def int64_dtype() -> np.dtype:
    """TF's int64 for counters (``range``, ``enumerate``): int64 under x64, else int32
    (silently: the narrowing is xlaflow's documented default, not the user's request)."""
    return np.dtype(np.int64) if dtypes.x64_enabled() else np.dtype(np.int32)


def _is_leaf(x: Any) -> bool:
    return isinstance(x, (np.ndarray, np.generic, TensorLike, list, str, bytes) + _PY_SCALARS) or x is None


def flatten(element: Any) -> tuple[list, Any]:
    """Leaves and tree definition of an element (lists and arrays are leaves)."""
    return jax.tree_util.tree_flatten(element, is_leaf=_is_leaf)


def unflatten(treedef: Any, leaves: list) -> Any:
    return jax.tree_util.tree_unflatten(treedef, leaves)


def map_leaves(fn: Any, *elements: Any) -> Any:
    return jax.tree_util.tree_map(fn, *elements, is_leaf=_is_leaf)


def to_host(value: Any, op: str, arg: str) -> np.ndarray:
    """One leaf as the host array xlaflow would hold (TF's conversion rules).

    Python floats/ints become float32/int32; NumPy arrays keep their dtype (64-bit
    ones narrowed with xlaflow's one-time warning unless x64 is on); Tensors are
    copied to the host; strings become ``bytes`` object arrays.
    """
    if isinstance(value, TensorLike):
        return np.asarray(value)
    if type(value).__name__ == "RaggedTensor":
        raise errors.InvalidArgumentError(
            f"{op}: argument `{arg}` holds a RaggedTensor (rows of different lengths); dataset elements are dense "
            "here: return x.to_tensor() (padded) from the function, or split one string per element and use "
            "padded_batch")
    if isinstance(value, jax.Array):
        return np.asarray(value)
    if isinstance(value, (str, bytes)):
        return np.array(value.encode() if isinstance(value, str) else value, dtype=object)
    is_python = isinstance(value, (_PY_SCALARS, list, tuple)) and not isinstance(value, np.generic)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as e:
        raise errors.InvalidArgumentError(
            f"{op}: argument `{arg}` must hold arrays, tensors, numbers or regular nested lists of "
            f"numbers. Received: {value!r:.200} ({e})"
        ) from None
    kind = arr.dtype.kind
    if kind in "US" or (kind == "O" and arr.size and all(isinstance(v, (str, bytes)) for v in arr.flat)):
        return np.vectorize(lambda s: s.encode() if isinstance(s, str) else s, otypes=[object])(arr) if arr.size else arr.astype(object)
    if kind == "O":
        raise errors.InvalidArgumentError(
            f"{op}: argument `{arg}` must hold arrays, tensors, numbers or regular nested lists of "
            f"numbers. Received: a value of type {type(value).__name__}: {value!r:.200}"
        )
    if is_python and kind in _PY_DEFAULT:
        return arr.astype(_PY_DEFAULT[kind], copy=False)
    target = dtypes.canonical(arr.dtype).as_numpy_dtype
    return arr if arr.dtype == target else arr.astype(target)


def normalize(element: Any, op: str, arg: str) -> Any:
    """A user-given element (tensors, arrays, numbers, nested) as host arrays."""
    if isinstance(element, list):  # a list is one tensor, not structure
        return to_host(element, op, arg)
    return map_leaves(lambda v: to_host(v, op, arg), element)


def is_string(arr: Any) -> bool:
    return isinstance(arr, (bytes, str)) or (isinstance(arr, np.ndarray) and arr.dtype.kind in "OSU")


def spec_of_leaf(arr: np.ndarray, drop_first: bool = False, unknown_first: bool = False) -> Any:
    if isinstance(arr, (bytes, str)):
        arr = np.array(arr, dtype=object)
    shape = list(arr.shape[1:] if drop_first else arr.shape)
    if unknown_first and shape:
        shape[0] = None
    if is_string(arr):
        return StringSpec(shape)
    return TensorSpec(shape, dtypes.as_dtype(arr.dtype))


def spec_of(element: Any, drop_first: bool = False) -> Any:
    """The element_spec (TensorSpecs) of an element (or of its slices)."""
    return map_leaves(lambda a: spec_of_leaf(a if isinstance(a, (bytes, str)) else np.asarray(a), drop_first), element)


def spec_leaves(spec: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(spec, is_leaf=lambda s: isinstance(s, TensorSpec))


def map_specs(fn: Any, spec: Any) -> Any:
    return jax.tree_util.tree_map(fn, spec, is_leaf=lambda s: isinstance(s, TensorSpec))


def respec(spec: Any, shape: Any) -> Any:
    """A spec of the same dtype with another shape."""
    return TensorSpec(shape, spec.dtype)


def batch_spec(spec: Any, batch_dim: int | None) -> Any:
    return map_specs(lambda s: respec(s, [batch_dim, *s.shape.as_list()] if s.shape.rank is not None else None), spec)


def unbatch_spec(spec: Any) -> Any:
    return map_specs(lambda s: respec(s, s.shape.as_list()[1:] if s.shape.rank is not None else None), spec)


def merge_spec(a: Any, b: Any) -> Any:
    """The most specific spec compatible with both (unequal dims become None)."""
    def one(x, y):
        xs, ys = x.shape.as_list(), y.shape.as_list()
        if x.shape.rank is None or y.shape.rank is None or len(xs) != len(ys):
            return respec(x, None)
        return respec(x, [p if p == q else None for p, q in zip(xs, ys)])
    return jax.tree_util.tree_map(one, a, b, is_leaf=lambda s: isinstance(s, TensorSpec))


def stack(elements: list) -> Any:
    """Stacks a list of same-structure elements along a new first axis."""
    first = elements[0]
    leaves0, treedef = flatten(first)
    if len(leaves0) == 1 and treedef.num_nodes == 1:
        return np.stack([np.asarray(e) for e in elements])
    columns = [flatten(e)[0] for e in elements]
    return unflatten(treedef, [np.stack([c[i] for c in columns]) for i in range(len(leaves0))])


def leading_dim(element: Any) -> int:
    leaves, _ = flatten(element)
    return int(np.shape(leaves[0])[0])


def slice_rows(element: Any, start: int, stop: int) -> Any:
    return map_leaves(lambda a: a[start:stop], element)


def to_tensor_leaf(value: Any) -> Any:
    """A leaf as the consumer sees it: a Tensor (a host string tensor for strings)."""
    if isinstance(value, jax.Array):
        return Tensor._wrap(value)
    if is_string(value):
        from xlaflow.ops.string_tensor import StringTensor

        return StringTensor.from_value(value)
    return Tensor._wrap(jax.device_put(value))


def to_numpy_leaf(value: Any) -> Any:
    arr = np.asarray(value)
    return arr[()] if arr.ndim == 0 else arr


def to_tensors(element: Any) -> Any:
    return map_leaves(to_tensor_leaf, element)


def to_numpy(element: Any) -> Any:
    """An element as the NumPy values ``as_numpy_iterator()`` yields (0-d leaves become
    NumPy scalars, strings ``bytes``); arrays pass through untouched."""
    leaves, treedef = flatten(element)
    for a in leaves:
        if type(a) is not np.ndarray or a.ndim == 0 or a.dtype == object:
            return unflatten(treedef, [to_numpy_leaf(v) for v in leaves])
    return element


def describe(element: Any) -> str:
    """A short text of an element's structure, shapes and dtypes (for errors)."""
    def one(v):
        if isinstance(v, (np.ndarray, np.generic, TensorLike)):
            return f"{getattr(v, 'dtype', type(v).__name__)}{list(np.shape(v))}"
        return f"{type(v).__name__}"
    try:
        return str(map_leaves(one, element))
    except Exception:  # pragma: no cover - description only
        return repr(element)[:200]


def shape_fits(shape: TensorShape, actual: tuple) -> bool:
    return shape.is_compatible_with(TensorShape(actual))


def respec_np(shape_a: tuple, shape_b: tuple, dtype: Any) -> TensorSpec:
    """A TensorSpec from two traced shapes: dimensions that differ are unknown."""
    return TensorSpec([p if p == q else None for p, q in zip(shape_a, shape_b)], dtypes.as_dtype(dtype))
