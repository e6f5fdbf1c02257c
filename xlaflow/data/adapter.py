"""Internal helpers for the trainer (``fit``/``evaluate``/``predict`` on a Dataset).

``iterate_numpy(ds)`` yields each element as nested host NumPy arrays without building
Tensors (the trainer feeds them to its compiled step, which moves them to the device
itself); ``iterate_device(ds)`` yields nested ``jax.Array``s, moved by a final
``prefetch`` thread when there is one. ``steps(ds)`` is the number of elements per
pass, or None for infinite / unknown (then the trainer needs ``steps_per_epoch``).
Arrays yielded may be read-only views of the source data: do not write into them.
"""

from __future__ import annotations

from typing import Any, Iterator

from xlaflow.data.dataset import Dataset
from xlaflow.data.iterator import to_tensors
from xlaflow.data.options import INFINITE_CARDINALITY

__all__ = ["iterate_numpy", "iterate_device", "steps", "is_infinite", "is_dataset"]


def is_dataset(x: Any) -> bool:
    return isinstance(x, Dataset)


def iterate_numpy(ds: Dataset) -> Iterator[Any]:
    """One pass over ``ds``: nested NumPy elements (a fresh shuffle order each pass
    when the pipeline reshuffles)."""
    it = ds._make(device=False)
    try:
        while True:
            try:
                yield it.next()
            except StopIteration:
                return
    finally:
        it.close()


def iterate_device(ds: Dataset) -> Iterator[Any]:
    """One pass over ``ds``: nested ``jax.Array`` elements (strings stay NumPy object arrays)."""
    it = ds._make(device=True)
    try:
        while True:
            try:
                el = it.next()
            except StopIteration:
                return
            yield _unwrap(to_tensors(el))
    finally:
        it.close()


def _unwrap(element: Any) -> Any:
    from xlaflow.data import structure
    from xlaflow.ops.tensor import Tensor

    return structure.map_leaves(lambda t: t.value if isinstance(t, Tensor) else t, element)  # strings: host arrays


def steps(ds: Dataset) -> int | None:
    """Elements per pass, or None when infinite or unknown."""
    n = ds._cardinality()
    return n if n >= 0 else None


def is_infinite(ds: Dataset) -> bool:
    return ds._cardinality() == INFINITE_CARDINALITY
