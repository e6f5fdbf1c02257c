"""``batch``, ``unbatch``, ``padded_batch`` and ``rebatch``.

``batch`` asks its input for ``take_batch(batch_size)``: random-access inputs answer
with one slice or fancy index (``sources.py``, ``shuffle.py``), others by stacking
elements. ``unbatch`` and ``rebatch`` move row ranges between batches with slicing and
one concatenation per output batch, never row by row.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator, as_int
from xlaflow.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


def _batch_size(value: Any, op: str) -> int:
    n = as_int(value, op, "batch_size")
    if n <= 0:
        raise errors.InvalidArgumentError(f"{op}: argument `batch_size` must be greater than zero. Received: {value!r}")
    return n


def _batched_card(n: int, size: int, drop: bool) -> int:
    if n < 0:
        return n
    return n // size if drop else -(-n // size)


class BatchDataset(Dataset):
    """``dataset.batch(batch_size, drop_remainder=False)``."""

    _op = "Dataset.batch"

    def __init__(self, input: Dataset, batch_size: Any, drop_remainder: bool):
        self._input = input
        self._size = _batch_size(batch_size, self._op)
        self._drop = bool(drop_remainder)

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _make(self, device: bool = False) -> StageIterator:
        if device:
            from xlaflow.data.device_batch import DeviceBatchIterator

            return DeviceBatchIterator(self._input._make(), self._size, self._drop)
        return _BatchIterator(self._input._make(), self._size, self._drop)

    def _cardinality(self) -> int:
        return _batched_card(self._input._cardinality(), self._size, self._drop)

    def _element_spec(self) -> Any:
        return structure.batch_spec(self._input.element_spec, self._size if self._drop else None)


class _BatchIterator(StageIterator):
    def __init__(self, up: StageIterator, size: int, drop: bool):
        self.up, self.size, self.drop = up, size, drop

    def next(self) -> Any:
        n, batch = self.up.take_batch(self.size)
        if n == 0 or (self.drop and n < self.size):
            raise StopIteration
        return batch

    def get_state(self) -> dict:
        return {"input": self.up.get_state()}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])

    def close(self) -> None:
        self.up.close()


class _RowIterator(StageIterator):
    """Rows of a batched input; ``take_batch`` slices and concatenates row ranges."""

    op = "Dataset.unbatch"

    @property
    def bulk(self) -> bool:
        return self.up.bulk

    def __init__(self, up: StageIterator):
        self.up = up
        self.cur: Any = None
        self.rows = 0
        self.row = 0

    def _fill(self) -> bool:
        while self.cur is None or self.row >= self.rows:
            try:
                cur = self.up.next()
            except StopIteration:
                self.cur = None
                return False
            leaves, _ = structure.flatten(cur)
            dims = {np.shape(a)[0] if np.ndim(a) else None for a in leaves}
            if len(dims) != 1 or None in dims:
                raise errors.InvalidArgumentError(
                    f"{self.op}: every component of an element must have the same first (batch) dimension. "
                    f"Received: {structure.describe(cur)}"
                )
            self.cur, self.rows, self.row = cur, dims.pop(), 0
        return True

    def next(self) -> Any:
        if not self._fill():
            raise StopIteration
        self.row += 1
        return structure.map_leaves(lambda a: a[self.row - 1], self.cur)

    def take_batch(self, k: int) -> tuple[int, Any]:
        pieces, got = [], 0
        while got < k and self._fill():
            m = min(k - got, self.rows - self.row)
            pieces.append(structure.slice_rows(self.cur, self.row, self.row + m))
            self.row += m
            got += m
        if not pieces:
            return 0, None
        if len(pieces) == 1:
            return got, pieces[0]
        return got, structure.map_leaves(lambda *p: np.concatenate(p), *pieces)

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "cur": self.cur, "row": self.row, "rows": self.rows}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.cur, self.row, self.rows = state["cur"], int(state["row"]), int(state["rows"])

    def close(self) -> None:
        self.up.close()


def _rows_card(ds: Dataset) -> int:
    n = ds._cardinality()
    if n < 0:
        return n
    leaves, _ = structure.spec_leaves(ds.element_spec)
    dims = {s.shape.as_list()[0] if s.shape.rank else None for s in leaves}
    return n * dims.pop() if len(dims) == 1 and None not in dims else UNKNOWN_CARDINALITY


class UnbatchDataset(Dataset):
    """``dataset.unbatch()``: splits each element along its first dimension."""

    _op = "Dataset.unbatch"

    def __init__(self, input: Dataset):
        self._input = input
        for s in structure.spec_leaves(input.element_spec)[0]:
            if s.shape.rank == 0:
                raise errors.InvalidArgumentError(f"{self._op}: every component must have rank >= 1. Received element_spec: {input.element_spec}")

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _make(self, device: bool = False) -> StageIterator:
        return _RowIterator(self._input._make())

    def _cardinality(self) -> int:
        return _rows_card(self._input)

    def _element_spec(self) -> Any:
        return structure.unbatch_spec(self._input.element_spec)


class RebatchDataset(Dataset):
    """``dataset.rebatch(batch_size, drop_remainder=False)``: the rows of a batched
    dataset regrouped into batches of ``batch_size`` (an int, or a list of sizes used
    in turn)."""

    _op = "Dataset.rebatch"

    def __init__(self, input: Dataset, batch_size: Any, drop_remainder: bool):
        sizes = [batch_size] if np.ndim(batch_size) == 0 else list(np.asarray(batch_size).reshape(-1))
        self._sizes = [_batch_size(s, self._op) for s in sizes]
        self._input, self._drop = input, bool(drop_remainder)
        UnbatchDataset(input)  # same validation

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _make(self, device: bool = False) -> StageIterator:
        return _RebatchIterator(_RowIterator(self._input._make()), self._sizes, self._drop)

    def _cardinality(self) -> int:
        if self._input._cardinality() == INFINITE_CARDINALITY:
            return INFINITE_CARDINALITY
        rows = _rows_card(self._input)
        if rows < 0:
            return rows
        count, i = 0, 0
        while rows > 0:
            size = self._sizes[i % len(self._sizes)]
            if self._drop and rows < size:
                break
            rows -= size
            count, i = count + 1, i + 1
        return count

    def _element_spec(self) -> Any:
        fixed = self._sizes[0] if self._drop and len(set(self._sizes)) == 1 else None
        return structure.batch_spec(structure.unbatch_spec(self._input.element_spec), fixed)


class _RebatchIterator(StageIterator):
    def __init__(self, rows: _RowIterator, sizes: list[int], drop: bool):
        rows.op = "Dataset.rebatch"
        self.rows, self.sizes, self.drop, self.i = rows, sizes, drop, 0

    def next(self) -> Any:
        size = self.sizes[self.i % len(self.sizes)]
        n, batch = self.rows.take_batch(size)
        if n == 0 or (self.drop and n < size):
            raise StopIteration
        self.i += 1
        return batch

    def get_state(self) -> dict:
        return {"rows": self.rows.get_state(), "i": self.i}

    def set_state(self, state: dict) -> None:
        self.rows.set_state(state["rows"])
        self.i = int(state["i"])

    def close(self) -> None:
        self.rows.close()


class PaddedBatchDataset(BatchDataset):
    """``dataset.padded_batch(batch_size, padded_shapes=None, padding_values=None,
    drop_remainder=False)``: batches elements of different shapes, padding each
    component to ``padded_shapes`` (None or -1 dims: the largest in the batch)."""

    _op = "Dataset.padded_batch"

    def __init__(self, input: Dataset, batch_size: Any, padded_shapes: Any, padding_values: Any, drop_remainder: bool):
        super().__init__(input, batch_size, drop_remainder)
        spec = input.element_spec
        leaves, self._treedef = structure.spec_leaves(spec)
        if padded_shapes is None:
            if any(s.shape.rank is None for s in leaves):
                raise errors.InvalidArgumentError(
                    f"{self._op}: argument `padded_shapes` is required when a component has unknown rank. "
                    f"Received element_spec: {spec}"
                )
            shapes = [s.shape.as_list() for s in leaves]
        else:
            shapes = self._treedef.flatten_up_to(padded_shapes) if self._treedef.num_leaves > 1 or not _is_shape(padded_shapes) else [padded_shapes]
            shapes = [[None if d is None or int(d) == -1 else int(d) for d in np.asarray(s, dtype=object).reshape(-1)] for s in shapes]
        for s, p in zip(leaves, shapes):
            if s.shape.rank is not None and len(p) != s.shape.rank:
                raise errors.InvalidArgumentError(
                    f"{self._op}: argument `padded_shapes` must give a shape of rank {s.shape.rank} for a component with "
                    f"spec {s}. Received: {p}"
                )
        self._shapes = shapes
        if padding_values is None:
            self._pads = [b"" if structure.is_string_spec(s) else 0 for s in leaves]
        elif self._treedef.num_leaves > 1 and isinstance(padding_values, (tuple, dict)):
            self._pads = self._treedef.flatten_up_to(padding_values)
        else:
            self._pads = [padding_values] * len(leaves)
        self._pads = [np.asarray(p.numpy() if hasattr(p, "numpy") else p) for p in self._pads]

    def _make(self, device: bool = False) -> StageIterator:
        return _PaddedIterator(self._input._make(), self)

    def _element_spec(self) -> Any:
        leaves, treedef = structure.spec_leaves(self._input.element_spec)
        batch = self._size if self._drop else None
        out = [structure.respec(s, [batch, *p]) for s, p in zip(leaves, self._shapes)]
        return structure.unflatten(treedef, out)


def _is_shape(value: Any) -> bool:
    return value is None or (isinstance(value, (list, tuple)) and all(d is None or np.ndim(d) == 0 for d in value)) or hasattr(value, "as_list")


class _PaddedIterator(_BatchIterator):
    def __init__(self, up: StageIterator, ds: PaddedBatchDataset):
        super().__init__(up, ds._size, ds._drop)
        self.ds = ds

    def next(self) -> Any:
        elements = []
        for _ in range(self.size):
            try:
                elements.append(self.up.next())
            except StopIteration:
                break
        if not elements or (self.drop and len(elements) < self.size):
            raise StopIteration
        columns = [structure.flatten(e)[0] for e in elements]
        out = []
        for j, (shape, pad) in enumerate(zip(self.ds._shapes, self.ds._pads)):
            col = [np.asarray(c[j]) for c in columns]
            target = [max(a.shape[d] for a in col) if want is None else want for d, want in enumerate(shape)]
            for i, a in enumerate(col):
                if any(x > t for x, t in zip(a.shape, target)):
                    raise errors.InvalidArgumentError(
                        f"{self.ds._op}: an element of shape {a.shape} (batch position {i}) does not fit the padded shape {target}."
                    )
            buf = np.full((len(col), *target), pad, dtype=col[0].dtype)
            for i, a in enumerate(col):
                buf[(i, *[slice(0, x) for x in a.shape])] = a
            out.append(buf)
        return structure.unflatten(self.ds._treedef, out)
