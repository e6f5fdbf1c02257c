"""``to_categorical``: class ids to one-hot rows, as ``keras.utils.to_categorical``.

Like Keras, NumPy/Python input gives a NumPy ``float64`` array (host data, ready for
``model.fit``), while an xlaflow Tensor gives a float32 Tensor built with the
``one_hot`` op (so it also works inside compiled code when ``num_classes`` is given).
A trailing axis of size 1 (a column of labels) is dropped first, as Keras does.
Unlike Keras, a label outside ``[0, num_classes)`` is an error instead of a silently
wrapped (negative) or failing index.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.ops.dispatch import is_symbolic
from xlaflow.ops.tensor import TensorLike, is_traced


def _check_classes(num_classes: Any) -> int | None:
    if num_classes is None:
        return None
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes <= 0:
        raise ValueError(f"to_categorical: argument `num_classes` must be a positive int or None. Received: num_classes={num_classes!r}")
    return int(num_classes)


def _check_labels(labels: np.ndarray, num_classes: int | None) -> int:
    if labels.size == 0:
        if num_classes is None:
            raise ValueError("to_categorical: argument `num_classes` must be given for an empty `x`. Received: num_classes=None")
        return num_classes
    lo, hi = int(labels.min()), int(labels.max())
    if num_classes is None:
        num_classes = hi + 1
    if lo < 0 or hi >= num_classes:
        raise ValueError(
            f"to_categorical: argument `x` must hold class ids in [0, {num_classes}). "
            f"Received: values from {lo} to {hi}"
        )
    return num_classes


def _tensor_to_categorical(x: Any, num_classes: int | None) -> Any:
    from xlaflow.ops import array_ops, gather_ops

    shape = list(x.shape)
    if len(shape) > 1 and shape[-1] == 1:
        x = array_ops.reshape(x, shape[:-1])
    if num_classes is None:
        value = x._read() if isinstance(x, TensorLike) else None
        if value is None or is_traced(value):
            raise ValueError(
                "to_categorical: argument `num_classes` must be given when `x` is a symbolic or traced "
                "tensor (the number of classes cannot be read from it). Received: num_classes=None"
            )
        num_classes = _check_labels(np.asarray(value), None)
    return gather_ops.one_hot(x, num_classes)


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """Converts class ids to a one-hot matrix with the class axis last.

    Args:
      x: array-like of integer class ids in ``[0, num_classes)`` (floats are
        truncated, as ``np.array(x, dtype="int64")`` does), or an xlaflow Tensor.
      num_classes: the number of classes; ``None`` infers ``max(x) + 1``.

    Returns:
      For array-like input, a NumPy float64 array of shape ``x.shape + (num_classes,)``
      (a trailing size-1 axis of ``x`` dropped); for a Tensor, a float32 Tensor.

    Raises:
      ValueError: ``num_classes`` is not a positive int, or a label is outside
        ``[0, num_classes)``.

    Example::

        >>> to_categorical([0, 2, 1], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.],
               [0., 1., 0.]])
    """
    num_classes = _check_classes(num_classes)
    if isinstance(x, TensorLike) or is_symbolic(x):
        return _tensor_to_categorical(x, num_classes)
    try:
        labels = np.array(x, dtype="int64")
    except (TypeError, ValueError):
        raise ValueError(f"to_categorical: argument `x` must be array-like of integer class ids. Received: {x!r:.200}") from None
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    num_classes = _check_labels(labels, num_classes)
    out = np.zeros((labels.shape[0], num_classes))
    out[np.arange(labels.shape[0]), labels] = 1
    return out.reshape(shape + (num_classes,))
