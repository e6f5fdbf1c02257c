"""Turning what users pass to ``fit``/``evaluate``/``predict``/``*_on_batch`` into arrays.

* ``standardize(x, y, sample_weight)`` accepts NumPy arrays, xlaflow Tensors, JAX
  arrays, Python lists of numbers, and lists/tuples/dicts of those (multi-input or
  multi-output models). Floating data becomes float32 and 64-bit integers int32 (the
  dtypes XLA computes in here), and the number of rows must agree everywhere — a
  mismatch names the arguments and their row counts.
* ``class_weights(y, class_weight)`` turns Keras' ``class_weight`` dict into
  per-sample weights.
* ``split(..., validation_split)`` keeps the last fraction of the rows for
  validation, as Keras does (before any shuffling).
* ``pad_rows(tree, size)`` pads the leading axis to a bucket size and returns the
  row mask; ``bucket(n)`` is the bucket of a batch of ``n`` rows (the next power of
  two), which bounds the number of compiled batch shapes.
* ``is_iterator_input(x)`` tells datasets and generators apart from arrays;
  ``unpack_element`` splits one of their elements into ``(x, y, sample_weight)``.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.ops.string_tensor import StringTensor, is_string_data
from xlaflow.ops.tensor import TensorLike


def _leaf(x: Any) -> bool:
    return isinstance(x, (TensorLike, np.ndarray, jax.Array)) or x is None


def _to_array(value: Any, arg: str) -> Any:
    if value is None:
        return None
    if isinstance(value, TensorLike):
        if isinstance(value, StringTensor):  # issue 18 item 10: a clear error naming the argument
            _strings(value, arg)
        value = value._read()
    if isinstance(value, jax.Array):
        if value.dtype == jnp.float64:
            return value.astype(jnp.float32)
        return value
    arr = np.asarray(value)
    if arr.dtype.kind in "USO" and is_string_data(arr):
        _strings(arr, arg)
    if arr.dtype == object:
        raise TypeError(f"argument `{arg}` must hold numeric arrays. Received: an array of Python objects")
    if arr.dtype.kind == "f" and arr.dtype != np.float32 and arr.dtype.itemsize > 4:
        arr = arr.astype(np.float32)
    elif arr.dtype.kind in "iu" and arr.dtype.itemsize == 8:
        arr = arr.astype(np.int32 if arr.dtype.kind == "i" else np.uint32)
    return arr


def _strings(value: Any, arg: str) -> None:
    """Strings where the model takes numbers (see :func:`xlaflow.models.string_inputs.string_error`)."""
    from xlaflow.models.string_inputs import string_error

    raise string_error("Model", arg.split("[")[0], value)


def _is_structure(tree: Any) -> bool:
    """A list/tuple of arrays (several inputs), not a nested list of numbers."""
    return any(isinstance(t, (np.ndarray, jax.Array, TensorLike, dict)) or t is None for t in tree)


def to_arrays(tree: Any, arg: str) -> Any:
    """``tree`` with every leaf an array (see the module docstring)."""
    if tree is None:
        return None
    if isinstance(tree, (list, tuple)) and not isinstance(tree, TensorLike) and _is_structure(tree):
        items = [to_arrays(t, f"{arg}[{i}]") for i, t in enumerate(tree)]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, dict):
        return {k: to_arrays(v, f"{arg}[{k!r}]") for k, v in tree.items()}
    return _to_array(tree, arg)


def num_rows(tree: Any, arg: str) -> int | None:
    """The common number of rows of ``tree``'s arrays (None for an empty tree)."""
    counts = set()
    for leaf in jax.tree_util.tree_leaves(tree):
        if np.ndim(leaf) == 0:
            raise ValueError(f"argument `{arg}` must hold arrays with a batch dimension. Received: a scalar")
        counts.add(int(np.shape(leaf)[0]))
    if len(counts) > 1:
        raise ValueError(f"argument `{arg}` holds arrays with different numbers of rows: {sorted(counts)}")
    return counts.pop() if counts else None


def standardize(x: Any, y: Any = None, sample_weight: Any = None) -> tuple:
    """``(x, y, sample_weight, n)`` as arrays, with the row counts checked."""
    if x is None:
        raise ValueError("argument `x` must be provided (arrays, a list/dict of arrays, a Dataset or a generator). "
                         "Received: x=None")
    if type(x) is np.ndarray and x.ndim and sample_weight is None and (y is None or (type(y) is np.ndarray and y.ndim)):
        x, y = _to_array(x, "x"), _to_array(y, "y")  # the common case, without tree walks
        if y is None or y.shape[0] == x.shape[0]:
            return x, y, None, x.shape[0]
    x, y, sample_weight = to_arrays(x, "x"), to_arrays(y, "y"), to_arrays(sample_weight, "sample_weight")
    counts = {arg: num_rows(v, arg) for arg, v in (("x", x), ("y", y), ("sample_weight", sample_weight))}
    n = counts["x"]
    bad = {arg: c for arg, c in counts.items() if c is not None and c != n}
    if bad:
        detail = ", ".join(f"{arg} has {c}" for arg, c in counts.items() if c is not None)
        raise ValueError(f"arguments `x`, `y` and `sample_weight` must have the same number of samples (rows). "
                         f"Received: {detail}")
    return x, y, sample_weight, n


def class_weights(y: Any, class_weight: dict | None, sample_weight: Any) -> Any:
    """Per-sample weights from ``class_weight`` (times ``sample_weight`` if given)."""
    if class_weight is None:
        return sample_weight
    if not isinstance(class_weight, dict):
        raise TypeError(f"argument `class_weight` must be a dict mapping class indices to weights. Received: {class_weight!r}")
    leaves = jax.tree_util.tree_leaves(y)
    if len(leaves) != 1:
        raise ValueError("argument `class_weight` is only supported for models with a single output")
    labels = np.asarray(leaves[0])
    if labels.ndim >= 2 and labels.shape[-1] > 1:
        labels = labels.argmax(axis=-1)
    labels = labels.reshape(labels.shape[0], -1)[:, 0].astype(np.int64)
    table = np.ones(max(max(class_weight) + 1, int(labels.max()) + 1), np.float32)
    for k, w in class_weight.items():
        table[int(k)] = float(w)
    weights = table[labels]
    if sample_weight is not None:
        weights = weights * np.asarray(sample_weight, np.float32).reshape(weights.shape[0], -1)[:, 0]
    return weights


def split(tree: Any, n: int, validation_split: float) -> tuple:
    """``(train, validation)``: the last ``validation_split`` fraction of rows is validation."""
    cut = int(n * (1.0 - validation_split))
    head = jax.tree_util.tree_map(lambda a: a[:cut], tree)
    tail = jax.tree_util.tree_map(lambda a: a[cut:], tree)
    return head, tail


def bucket(n: int) -> int:
    """The padded size of a batch of ``n`` rows: the next power of two (1, 2, 4 ...)."""
    return 1 << max(0, (int(n) - 1).bit_length())


def pad_rows(tree: Any, size: int) -> Any:
    """``tree`` with each array's leading axis zero-padded to ``size`` rows."""
    def pad(a: Any) -> Any:
        extra = size - a.shape[0]
        if extra <= 0:
            return a
        if isinstance(a, np.ndarray):
            return np.concatenate([a, np.zeros((extra,) + a.shape[1:], a.dtype)])
        return jnp.concatenate([a, jnp.zeros((extra,) + a.shape[1:], a.dtype)])

    return jax.tree_util.tree_map(pad, tree)


def row_mask(n: int, size: int) -> np.ndarray:
    """``size`` floats: 1 for the first ``n`` rows, 0 for the padding."""
    mask = np.zeros(size, np.float32)
    mask[:n] = 1.0
    return mask


def is_iterator_input(x: Any) -> bool:
    """Whether ``x`` is a Dataset, generator or other iterable of batches (not arrays)."""
    if _leaf(x) or isinstance(x, (list, tuple, dict)):
        return False
    return hasattr(x, "__iter__") or hasattr(x, "__next__")


def unpack_element(element: Any) -> tuple:
    """``(x, y, sample_weight)`` from one element of a dataset or generator."""
    if isinstance(element, tuple) and not hasattr(element, "_fields"):
        if len(element) == 1:
            return element[0], None, None
        if len(element) == 2:
            return element[0], element[1], None
        if len(element) == 3:
            return element
        raise ValueError(f"a dataset/generator element must be x, (x,), (x, y) or (x, y, sample_weight). "
                         f"Received: a tuple of {len(element)} items")
    return element, None, None
