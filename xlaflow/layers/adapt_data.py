"""What ``adapt`` accepts, as a sequence of batches (Keras 3's rules).

* a ``tf.data.Dataset``: its elements, each a batch (``steps`` limits how many); an
  element that is a tuple or dict (features and labels) is an error saying to map the
  labels away;
* an array, tensor, list or tuple of values: one batch (a 1-D one becomes a column,
  ``(n, 1)``); ``steps`` does not apply and is an error;
* any other iterable (a generator of batches): its items, ``steps`` at most.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.ops.string_tensor import StringTensor, as_bytes_array, is_string_data
from xlaflow.ops.tensor import TensorLike


def _check_batch(batch: Any, owner: str, i: int) -> Any:
    if isinstance(batch, (tuple, dict)):
        raise TypeError(f"{owner}.adapt: batch {i} of the data is a {type(batch).__name__} (features and labels?); adapt "
                        "takes the inputs only: pass dataset.map(lambda x, y: x). Received: a "
                        f"{type(batch).__name__} of {len(batch)} items")
    return batch


def _column(data: Any) -> Any:
    if isinstance(data, RaggedTensor):
        return data
    if isinstance(data, StringTensor) or is_string_data(data):
        arr = as_bytes_array(data)
    else:
        arr = np.asarray(data)
    return arr.reshape(-1, 1) if arr.ndim == 1 else arr


def adapt_batches(data: Any, steps: int | None, owner: str) -> Iterator[Any]:
    """The batches ``adapt`` learns from (see the module docstring)."""
    from xlaflow.data import Dataset

    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, int) or steps < 1):
        raise ValueError(f"{owner}.adapt: argument `steps` must be a positive int or None. Received: steps={steps!r}")
    if isinstance(data, Dataset):
        for i, batch in enumerate(data.take(steps) if steps is not None else data):
            yield _check_batch(batch, owner, i)
        return
    if isinstance(data, (TensorLike, RaggedTensor, np.ndarray, list, tuple, str, bytes)):
        if steps is not None:
            raise ValueError(f"{owner}.adapt: argument `steps` applies to datasets and iterables, not to arrays. "
                             f"Received: steps={steps}")
        yield _column(data)
        return
    if not hasattr(data, "__iter__"):
        raise TypeError(f"{owner}.adapt: argument `data` must be an array, a list, a Dataset or an iterable of batches. "
                        f"Received: {type(data).__name__}")
    for i, batch in enumerate(data):
        if steps is not None and i >= steps:
            break
        yield _check_batch(batch, owner, i)
