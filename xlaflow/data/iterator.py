"""The public iterator: ``iter(dataset)`` and ``dataset.as_numpy_iterator()``.

:class:`Iterator` drives the chain of internal stage iterators and converts each
element at the boundary: to xlaflow Tensors (one ``jax.device_put`` for all leaves,
or none when a final ``prefetch`` already moved them) or to NumPy values. Its
``get_state()`` / ``set_state()`` checkpoint the position of the whole pipeline: a
fresh iterator over the same pipeline (same seeds), given the state, continues with
exactly the elements the original would have produced next.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.ops.tensor import Tensor

STATE_VERSION = 1


def to_tensors(element: Any) -> Any:
    """An element as Tensors: numeric leaves moved to the device in one call (leaves
    already on the device are wrapped as they are); strings become host string tensors."""
    leaves, treedef = structure.flatten(element)
    host = [i for i, a in enumerate(leaves) if not isinstance(a, jax.Array) and not structure.is_string(a)]
    if host:
        moved = jax.device_put([np.asarray(leaves[i]) for i in host])
        for i, m in zip(host, moved):
            leaves[i] = m
    return structure.unflatten(treedef, [Tensor._wrap(a) if isinstance(a, jax.Array) else structure.to_tensor_leaf(a)
                                         if structure.is_string(a) else structure.to_numpy_leaf(a) for a in leaves])


def _identity(element: Any) -> Any:
    return element


def _spec_needs_run(dataset: Any) -> bool:
    """Whether computing ``element_spec`` may run user code on data (a map or
    interleave whose function could not be traced abstractly peeks at an element)."""
    if "_spec_cache" in dataset.__dict__:
        return False
    if hasattr(dataset, "_fn") or type(dataset).__name__ == "InterleaveDataset":
        return True
    return any(_spec_needs_run(d) for d in dataset._inputs())


def _plain_arrays(dataset: Any) -> bool:
    """Whether every leaf of an element is a NumPy array already (known rank >= 1, not
    a string): then ``as_numpy_iterator()`` hands elements over untouched."""
    if _spec_needs_run(dataset):
        return False
    try:
        leaves, _ = structure.spec_leaves(dataset.element_spec)
    except Exception:
        return False
    return bool(leaves) and all(not structure.is_string_spec(s) and s.shape.rank for s in leaves)


class Iterator:
    """An iterator over a :class:`~xlaflow.data.Dataset` (TF's ``OwnedIterator``).

    ``next(it)`` returns the next element (Tensors, or NumPy values for
    ``as_numpy_iterator()``); ``get_next()`` raises ``tf.errors.OutOfRangeError`` at the
    end instead of ``StopIteration``.
    """

    def __init__(self, dataset: Any, numpy: bool = False):
        self._dataset = dataset
        self._numpy = numpy
        self._it = dataset._make(device=not numpy)
        self._convert = (_identity if _plain_arrays(dataset) else structure.to_numpy) if numpy else to_tensors

    @property
    def element_spec(self) -> Any:
        return self._dataset.element_spec

    def __iter__(self) -> "Iterator":
        return self

    def __next__(self) -> Any:
        return self._convert(self._it.next())

    def next(self) -> Any:
        return self.__next__()

    def get_next(self) -> Any:
        try:
            return self.__next__()
        except StopIteration:
            raise errors.OutOfRangeError("End of sequence") from None

    def get_state(self) -> dict:
        """The iteration position as a picklable dict (see the module docstring)."""
        return {"version": STATE_VERSION, "pipeline": self._it.get_state()}

    def set_state(self, state: dict) -> None:
        """Continues from ``state`` (from :meth:`get_state` of an iterator over the
        same pipeline)."""
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION or "pipeline" not in state:
            raise errors.InvalidArgumentError(f"Iterator.set_state: argument `state` must come from Iterator.get_state(). Received: {state!r:.200}")
        self._it.set_state(state["pipeline"])

    def close(self) -> None:
        """Stops background prefetch threads (also done when the iterator is deleted)."""
        it = self.__dict__.get("_it")
        if it is not None:
            it.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # pragma: no cover - interpreter shutdown
            pass
