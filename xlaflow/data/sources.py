"""In-memory sources: ``from_tensor_slices``, ``from_tensors``, ``range``, ``zip``.

Slices, ranges and zips of them are *random access*: :class:`RandomAccess` gathers any
set of rows with one NumPy slice or fancy index per leaf. Sequential iteration serves
``batch`` with slices (views, no copy) and ``shuffle`` gathers whole batches from its
permutation (``shuffle.py``), so these pipelines never touch single elements.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator, as_int
from xlaflow.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


def _readonly(a: np.ndarray) -> np.ndarray:
    if isinstance(a, np.ndarray) and a.base is not None:
        a.flags.writeable = False
    return a


class RandomAccess:
    """Row access to a dataset of ``n`` elements.

    ``rows(idx)``: the stacked element of those rows (one fancy index per leaf);
    ``span(start, stop)``: the stacked element of a row range (views); ``row(i)``: one
    element; ``flat_rows(idx)``: ``rows`` as a list of leaves, with ``treedef``.
    """

    def __init__(self, n: int, rows: Callable[[np.ndarray], Any], span: Callable[[int, int], Any], row: Callable[[int], Any],
                 flat_rows: Callable[[np.ndarray], list] | None = None, treedef: Any = None):
        self.n = n
        self.rows = rows
        self.span = span
        self.row = row
        if flat_rows is None:
            flat_rows = lambda idx: structure.flatten(rows(idx))[0]  # noqa: E731
            treedef = structure.flatten(rows(np.zeros(1, np.int64)))[1] if n > 0 else None
        self.flat_rows = flat_rows
        self.treedef = treedef


class RandomAccessIterator(StageIterator):
    """Sequential iteration over random-access data (state: the position)."""

    bulk = True

    def __init__(self, ra: RandomAccess):
        self.ra = ra
        self.pos = 0

    def next(self) -> Any:
        if self.pos >= self.ra.n:
            raise StopIteration
        self.pos += 1
        return self.ra.row(self.pos - 1)

    def take_batch(self, k: int) -> tuple[int, Any]:
        start = self.pos
        stop = min(start + k, self.ra.n)
        if stop <= start:
            return 0, None
        self.pos = stop
        return stop - start, self.ra.span(start, stop)

    def get_state(self) -> dict:
        return {"pos": self.pos}

    def set_state(self, state: dict) -> None:
        self.pos = int(state["pos"])


class RandomAccessDataset(Dataset):
    """A dataset whose elements can be gathered by index (see :class:`RandomAccess`)."""

    def random_access(self) -> RandomAccess:  # pragma: no cover - defined by subclasses
        raise NotImplementedError(f"{type(self).__name__} must implement `random_access`.")

    def _make(self, device: bool = False) -> StageIterator:
        return RandomAccessIterator(self.random_access())

    def _cardinality(self) -> int:
        return self.random_access().n


class TensorSliceDataset(RandomAccessDataset):
    """``Dataset.from_tensor_slices(tensors)``."""

    _op = "Dataset.from_tensor_slices"

    def __init__(self, tensors: Any):
        self._data = structure.normalize(tensors, self._op, "tensors")
        leaves, self._treedef = structure.flatten(self._data)
        if not leaves:
            raise errors.InvalidArgumentError(f"{self._op}: argument `tensors` must contain at least one tensor. Received: {tensors!r:.200}")
        for i, leaf in enumerate(leaves):
            if leaf.ndim == 0:
                raise errors.InvalidArgumentError(
                    f"{self._op}: every component of `tensors` must have rank >= 1 to be sliced. Received: component {i} "
                    f"is a scalar ({structure.describe(self._data)})"
                )
        sizes = [leaf.shape[0] for leaf in leaves]
        if len(set(sizes)) != 1:
            bad = next(i for i, s in enumerate(sizes) if s != sizes[0])
            raise errors.InvalidArgumentError(
                f"{self._op}: all components of `tensors` must have the same size in their first dimension. "
                f"Received: component 0 has shape {leaves[0].shape} but component {bad} has shape {leaves[bad].shape} "
                f"(structure: {structure.describe(self._data)})"
            )
        self._leaves = leaves
        self._n = sizes[0]

    def random_access(self) -> RandomAccess:
        leaves, treedef = self._leaves, self._treedef
        single = len(leaves) == 1 and treedef.num_nodes == 1
        if single:
            a = leaves[0]
            return RandomAccess(self._n, a.__getitem__, lambda s, e: _readonly(a[s:e]), lambda i: _readonly(a[i]),
                                lambda idx: [np.take(a, idx, axis=0)], treedef)

        def flat_rows(idx):
            return [np.take(a, idx, axis=0) for a in leaves]  # faster than a[idx] for row gathers

        def rows(idx):
            return structure.unflatten(treedef, [a[idx] for a in leaves])

        def span(s, e):
            return structure.unflatten(treedef, [_readonly(a[s:e]) for a in leaves])

        def row(i):
            return structure.unflatten(treedef, [_readonly(a[i]) if a.ndim > 1 else a[i] for a in leaves])

        return RandomAccess(self._n, rows, span, row, flat_rows, treedef)

    def _cardinality(self) -> int:
        return self._n

    def _element_spec(self) -> Any:
        return structure.spec_of(self._data, drop_first=True)


class TensorDataset(Dataset):
    """``Dataset.from_tensors(tensors)``: one element."""

    _op = "Dataset.from_tensors"

    def __init__(self, tensors: Any):
        self._data = structure.normalize(tensors, self._op, "tensors")

    def _make(self, device: bool = False) -> StageIterator:
        data = structure.map_leaves(lambda a: a[None], self._data)
        return RandomAccessIterator(RandomAccess(1, lambda idx: structure.map_leaves(lambda a: a[idx], data),
                                                 lambda s, e: structure.map_leaves(lambda a: a[s:e], data),
                                                 lambda i: self._data))

    def _cardinality(self) -> int:
        return 1

    def _element_spec(self) -> Any:
        return structure.spec_of(self._data)


class RangeDataset(RandomAccessDataset):
    """``Dataset.range(start, stop, step)``."""

    _op = "Dataset.range"

    def __init__(self, args: tuple, dtype: Any):
        if not 1 <= len(args) <= 3:
            raise errors.InvalidArgumentError(f"{self._op}: takes 1 to 3 positional arguments (stop | start, stop[, step]). Received: {args!r}")
        vals = [as_int(a, self._op, n) for a, n in zip(args, ("start", "stop", "step") if len(args) > 1 else ("stop",))]
        start, stop, step = (0, vals[0], 1) if len(vals) == 1 else (vals[0], vals[1], vals[2] if len(vals) == 3 else 1)
        if step == 0:
            raise errors.InvalidArgumentError(f"{self._op}: argument `step` must not be 0. Received: 0")
        self._start, self._step = start, step
        self._n = max(0, -(-(stop - start) // step))
        self._dtype = np.dtype(dtypes.canonical(dtype).as_numpy_dtype) if dtype is not None else structure.int64_dtype()

    def random_access(self) -> RandomAccess:
        start, step, dt = self._start, self._step, self._dtype
        return RandomAccess(self._n, lambda idx: (start + np.asarray(idx) * step).astype(dt),
                            lambda s, e: np.arange(start + s * step, start + e * step, step, dtype=dt)[: e - s],
                            lambda i: np.asarray(start + i * step, dtype=dt))

    def _cardinality(self) -> int:
        return self._n

    def _element_spec(self) -> Any:
        return structure.spec_of_leaf(np.zeros((), self._dtype))


class ZipDataset(Dataset):
    """``Dataset.zip(datasets)``: a (nested) structure of datasets, zipped."""

    _op = "Dataset.zip"

    def __init__(self, datasets: Any):
        if isinstance(datasets, list):
            datasets = tuple(datasets)
        flat, self._treedef = jax.tree_util.tree_flatten(datasets, is_leaf=lambda x: isinstance(x, Dataset))
        if not flat:
            raise errors.InvalidArgumentError(f"{self._op}: argument `datasets` must hold at least one Dataset. Received: {datasets!r}")
        for i, d in enumerate(flat):
            if not isinstance(d, Dataset):
                raise errors.InvalidArgumentError(
                    f"{self._op}: argument `datasets` must be a (nested) structure of Datasets. Received: component {i} "
                    f"of type {type(d).__name__}"
                )
        self._datasets = flat

    def _inputs(self) -> list[Dataset]:
        return list(self._datasets)

    def _make(self, device: bool = False) -> StageIterator:
        ras = [d.random_access() for d in self._datasets]
        if all(r is not None for r in ras):
            return RandomAccessIterator(self._zip_access(ras))
        return _ZipIterator([d._make() for d in self._datasets], self._treedef)

    def _zip_access(self, ras: list) -> RandomAccess:
        treedef = self._treedef
        n = min(r.n for r in ras)
        return RandomAccess(n, lambda idx: structure.unflatten(treedef, [r.rows(idx) for r in ras]),
                            lambda s, e: structure.unflatten(treedef, [r.span(s, e) for r in ras]),
                            lambda i: structure.unflatten(treedef, [r.row(i) for r in ras]))

    def random_access(self) -> RandomAccess | None:
        ras = [d.random_access() for d in self._datasets]
        return self._zip_access(ras) if all(r is not None for r in ras) else None

    def _cardinality(self) -> int:
        cards = [d._cardinality() for d in self._datasets]
        if UNKNOWN_CARDINALITY in cards:
            return UNKNOWN_CARDINALITY
        finite = [c for c in cards if c >= 0]
        return min(finite) if finite else INFINITE_CARDINALITY

    def _element_spec(self) -> Any:
        return structure.unflatten(self._treedef, [d.element_spec for d in self._datasets])


class _ZipIterator(StageIterator):
    def __init__(self, its: list, treedef: Any):
        self.its, self.treedef = its, treedef

    def next(self) -> Any:
        return structure.unflatten(self.treedef, [it.next() for it in self.its])

    def get_state(self) -> dict:
        return {"inputs": [it.get_state() for it in self.its]}

    def set_state(self, state: dict) -> None:
        for it, s in zip(self.its, state["inputs"]):
            it.set_state(s)

    def close(self) -> None:
        for it in self.its:
            it.close()
