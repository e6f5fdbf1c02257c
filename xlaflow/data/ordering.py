"""Transformations that reorder or select whole elements: ``repeat``, ``take``,
``skip``, ``enumerate``, ``concatenate`` (and ``with_options``).

All of them pass ``take_batch`` through to their input (crossing epoch or dataset
boundaries where needed), so ``repeat().batch()`` or ``take(n).batch()`` over
in-memory data keeps the sliced/gathered fast path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator, as_int
from xlaflow.data.options import INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options


def _concat(pieces: list) -> Any:
    if len(pieces) == 1:
        return pieces[0]
    return structure.map_leaves(lambda *p: np.concatenate([np.asarray(x) for x in p]), *pieces)


class _Unary(Dataset):
    """A transformation of one input that keeps its element_spec."""

    def __init__(self, input: Dataset):
        self._input = input

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _element_spec(self) -> Any:
        return self._input.element_spec


class RepeatDataset(_Unary):
    """``dataset.repeat(count=None)``: ``count`` passes (None or -1: forever)."""

    _op = "Dataset.repeat"

    def __init__(self, input: Dataset, count: Any):
        super().__init__(input)
        self._count = -1 if count is None else as_int(count, self._op, "count")

    def _make(self, device: bool = False) -> StageIterator:
        return _RepeatIterator(self, device)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count == 0 or n == 0:
            return 0
        if self._count < 0:
            return INFINITE_CARDINALITY if n != UNKNOWN_CARDINALITY else UNKNOWN_CARDINALITY
        return n * self._count if n >= 0 else n


class _RepeatIterator(StageIterator):
    @property
    def bulk(self) -> bool:
        return self.cur is None or self.cur.bulk

    def __init__(self, ds: RepeatDataset, device: bool = False):
        self.ds, self.device = ds, device  # device: elements pass through untouched
        self.epoch = 0
        self.produced = 0  # elements produced in this epoch (an empty epoch ends the loop)
        self.cur = ds._input._make(device) if ds._count != 0 else None

    def _advance(self) -> bool:
        """Moves to the next epoch; False when there is none."""
        self.cur.close()
        self.epoch += 1
        if self.produced == 0 or (self.ds._count >= 0 and self.epoch >= self.ds._count):
            self.cur = None
            return False
        self.produced = 0
        self.cur = self.ds._input._make(self.device)
        return True

    def next(self) -> Any:
        while self.cur is not None:
            try:
                el = self.cur.next()
                self.produced += 1
                return el
            except StopIteration:
                self._advance()
        raise StopIteration

    def take_batch(self, k: int) -> tuple[int, Any]:
        pieces, got = [], 0
        while got < k and self.cur is not None:
            n, b = self.cur.take_batch(k - got)
            if n == 0:
                self._advance()
                continue
            self.produced += n
            pieces.append(b)
            got += n
        return (got, _concat(pieces)) if pieces else (0, None)

    def get_state(self) -> dict:
        return {"epoch": self.epoch, "produced": self.produced, "input": None if self.cur is None else self.cur.get_state()}

    def set_state(self, state: dict) -> None:
        if self.cur is not None:
            self.cur.close()
        self.epoch, self.produced = int(state["epoch"]), int(state["produced"])
        self.cur = None
        if state["input"] is not None:
            self.cur = self.ds._input._make(self.device)
            self.cur.set_state(state["input"])

    def close(self) -> None:
        if self.cur is not None:
            self.cur.close()


class TakeDataset(_Unary):
    """``dataset.take(count)``: the first ``count`` elements (-1: all)."""

    _op = "Dataset.take"

    def __init__(self, input: Dataset, count: Any):
        super().__init__(input)
        self._count = as_int(count, self._op, "count")

    def _make(self, device: bool = False) -> StageIterator:
        return _TakeIterator(self._input._make(device), self._count)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if self._count < 0:
            return n
        if n == UNKNOWN_CARDINALITY:
            return UNKNOWN_CARDINALITY
        return self._count if n == INFINITE_CARDINALITY else min(n, self._count)


class _TakeIterator(StageIterator):
    @property
    def bulk(self) -> bool:
        return self.up.bulk

    def __init__(self, up: StageIterator, count: int):
        self.up, self.left = up, count if count >= 0 else float("inf")

    def next(self) -> Any:
        if self.left <= 0:
            raise StopIteration
        el = self.up.next()
        self.left -= 1
        return el

    def take_batch(self, k: int) -> tuple[int, Any]:
        if self.left <= 0:
            return 0, None
        n, b = self.up.take_batch(int(min(k, self.left)))
        self.left -= n
        return n, b

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "left": -1 if self.left == float("inf") else self.left}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.left = float("inf") if state["left"] < 0 else int(state["left"])

    def close(self) -> None:
        self.up.close()


class SkipDataset(_Unary):
    """``dataset.skip(count)``: all but the first ``count`` elements (-1: none)."""

    _op = "Dataset.skip"

    def __init__(self, input: Dataset, count: Any):
        super().__init__(input)
        self._count = as_int(count, self._op, "count")

    def _make(self, device: bool = False) -> StageIterator:
        return _SkipIterator(self._input._make(device), self._count)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        if n < 0:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)


class _SkipIterator(_TakeIterator):
    def __init__(self, up: StageIterator, count: int):
        self.up, self.to_skip = up, count if count >= 0 else float("inf")

    def _skip(self) -> None:
        while self.to_skip > 0:
            n, _ = self.up.take_batch(int(min(self.to_skip, 1024)))
            if n == 0:
                self.to_skip = 0
                self.up = _Empty()
                return
            self.to_skip -= n

    def next(self) -> Any:
        self._skip()
        return self.up.next()

    def take_batch(self, k: int) -> tuple[int, Any]:
        self._skip()
        return self.up.take_batch(k)

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "to_skip": -1 if self.to_skip == float("inf") else self.to_skip}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.to_skip = float("inf") if state["to_skip"] < 0 else int(state["to_skip"])


class _Empty(StageIterator):
    def next(self) -> Any:
        raise StopIteration

    def get_state(self) -> dict:
        return {}

    def set_state(self, state: dict) -> None:
        pass


class EnumerateDataset(_Unary):
    """``dataset.enumerate(start=0)``: elements ``(index, element)``, index int64
    (int32 when xlaflow's 64-bit mode is off)."""

    _op = "Dataset.enumerate"

    def __init__(self, input: Dataset, start: Any):
        super().__init__(input)
        self._start = as_int(start, self._op, "start")

    def _make(self, device: bool = False) -> StageIterator:
        return _EnumerateIterator(self._input._make(), self._start)

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _element_spec(self) -> Any:
        return (structure.spec_of_leaf(np.zeros((), structure.int64_dtype())), self._input.element_spec)


class _EnumerateIterator(StageIterator):
    @property
    def bulk(self) -> bool:
        return self.up.bulk

    def __init__(self, up: StageIterator, start: int):
        self.up, self.i, self.dt = up, start, structure.int64_dtype()

    def next(self) -> Any:
        el = self.up.next()
        self.i += 1
        return (np.asarray(self.i - 1, self.dt), el)

    def take_batch(self, k: int) -> tuple[int, Any]:
        n, b = self.up.take_batch(k)
        if n:
            self.i += n
            return n, (np.arange(self.i - n, self.i, dtype=self.dt), b)
        return 0, None

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "i": self.i}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.i = int(state["i"])

    def close(self) -> None:
        self.up.close()


class ConcatenateDataset(Dataset):
    """``dataset.concatenate(other)``: this dataset's elements, then ``other``'s."""

    _op = "Dataset.concatenate"

    def __init__(self, first: Dataset, second: Dataset):
        if not isinstance(second, Dataset):
            raise TypeError(f"{self._op}: argument `dataset` must be a Dataset. Received: {type(second).__name__}")
        a, ta = structure.spec_leaves(first.element_spec)
        b, tb = structure.spec_leaves(second.element_spec)
        if ta != tb or any(x.dtype != y.dtype or x.shape.rank != y.shape.rank for x, y in zip(a, b)):
            raise errors.InvalidArgumentError(
                f"{self._op}: the datasets must have compatible element_spec. Received: {first.element_spec} and {second.element_spec}"
            )
        self._datasets = [first, second]

    def _inputs(self) -> list[Dataset]:
        return list(self._datasets)

    def _make(self, device: bool = False) -> StageIterator:
        return _ConcatIterator(self._datasets)

    def _cardinality(self) -> int:
        a, b = (d._cardinality() for d in self._datasets)
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in (a, b) else a + b

    def _element_spec(self) -> Any:
        return structure.merge_spec(self._datasets[0].element_spec, self._datasets[1].element_spec)


class _ConcatIterator(StageIterator):
    @property
    def bulk(self) -> bool:
        return self.cur.bulk

    def __init__(self, datasets: list[Dataset]):
        self.datasets, self.which = datasets, 0
        self.cur = datasets[0]._make()

    def next(self) -> Any:
        while True:
            try:
                return self.cur.next()
            except StopIteration:
                if self.which == 1:
                    raise
                self.cur.close()
                self.which, self.cur = 1, self.datasets[1]._make()

    def take_batch(self, k: int) -> tuple[int, Any]:
        pieces, got = [], 0
        while got < k:
            n, b = self.cur.take_batch(k - got)
            if n == 0:
                if self.which == 1:
                    break
                self.cur.close()
                self.which, self.cur = 1, self.datasets[1]._make()
                continue
            pieces.append(b)
            got += n
        return (got, _concat(pieces)) if pieces else (0, None)

    def get_state(self) -> dict:
        return {"which": self.which, "input": self.cur.get_state()}

    def set_state(self, state: dict) -> None:
        self.cur.close()
        self.which = int(state["which"])
        self.cur = self.datasets[self.which]._make()
        self.cur.set_state(state["input"])

    def close(self) -> None:
        self.cur.close()


class OptionsDataset(_Unary):
    """``dataset.with_options(options)``: the same elements, with options attached."""

    def __init__(self, input: Dataset, options: Options):
        if not isinstance(options, Options):
            raise TypeError(f"Dataset.with_options: argument `options` must be a tf.data.Options. Received: {options!r}")
        super().__init__(input)
        self._options = options

    def options(self) -> Options:
        return self._input.options().merge(self._options)

    def random_access(self) -> Any:
        return self._input.random_access()

    def _make(self, device: bool = False) -> StageIterator:
        return self._input._make(device)

    def _cardinality(self) -> int:
        return self._input._cardinality()
