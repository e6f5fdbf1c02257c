"""``cache(filename="")``: the first complete pass is kept, later passes read it.

In memory by default; with a ``filename`` the elements go to ``filename + ".npz"``
(plain arrays, loaded without pickle), which a later pipeline with the same filename
reads instead of its input. Once filled, a cache whose elements share one shape is
random access, so ``cache().shuffle(n).batch(b)`` uses the gathered fast path. An
incomplete pass (an iterator dropped early) stores nothing, as in TF.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator
from xlaflow.data.ordering import _Unary


class CacheDataset(_Unary):
    """``dataset.cache(filename="")``: the first complete pass is kept (in memory, or
    in ``filename`` as a ``.npz`` file) and later passes read it. Once filled, a cache
    whose elements share one shape is random-access (fast ``shuffle``/``batch``)."""

    _op = "Dataset.cache"

    def __init__(self, input: Dataset, filename: str):
        super().__init__(input)
        self._filename = os.fspath(filename) if filename else ""
        self._items: list | None = None
        self._stacked: Any = None

    def _load(self) -> None:
        if self._items is None and self._filename and os.path.exists(self._file()):
            with np.load(self._file(), allow_pickle=False) as z:
                n = int(z["count"])
                _, treedef = structure.spec_leaves(self.element_spec)
                k = treedef.num_leaves
                self._items = [structure.unflatten(treedef, [_unbytes(z[f"e{i}_{j}"]) for j in range(k)]) for i in range(n)]

    def _file(self) -> str:
        return self._filename if self._filename.endswith(".npz") else self._filename + ".npz"

    def _store(self, items: list) -> None:
        self._items = items
        if self._filename:
            arrays = {f"e{i}_{j}": _bytes(a) for i, el in enumerate(items) for j, a in enumerate(structure.flatten(el)[0])}
            np.savez(self._file(), count=len(items), **arrays)

    def random_access(self) -> Any:
        self._load()
        if self._items is None or not self._items:
            return None
        if self._stacked is None:
            try:
                self._stacked = Dataset.from_tensor_slices(structure.stack(self._items))
            except (ValueError, errors.InvalidArgumentError):
                return None
        return self._stacked.random_access()

    def _make(self, device: bool = False) -> StageIterator:
        self._load()
        if self._items is not None:
            from xlaflow.data.sources import RandomAccess, RandomAccessIterator

            ra = self.random_access()
            if ra is None:
                items = self._items
                ra = RandomAccess(len(items), None, None, items.__getitem__)
                it = RandomAccessIterator(ra)
                it.take_batch = StageIterator.take_batch.__get__(it)
                return it
            return RandomAccessIterator(ra)
        return _CacheFillIterator(self)

    def _cardinality(self) -> int:
        return self._input._cardinality()


def _bytes(a: Any) -> np.ndarray:
    a = np.asarray(a)
    return a.astype(np.bytes_) if a.dtype == object else a


def _unbytes(a: np.ndarray) -> np.ndarray:
    return a.astype(object) if a.dtype.kind == "S" else a


class _CacheFillIterator(StageIterator):
    def __init__(self, ds: CacheDataset):
        self.ds, self.up, self.items = ds, ds._input._make(), []

    def next(self) -> Any:
        try:
            el = self.up.next()
        except StopIteration:
            if self.ds._items is None:
                self.ds._store(self.items)
            raise
        self.items.append(el)
        return el

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "items": list(self.items)}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.items = list(state["items"])

    def close(self) -> None:
        self.up.close()
