"""``interleave`` and ``flat_map``: each input element becomes a dataset; their
elements are merged.

``flat_map(f)`` is ``interleave(f, cycle_length=1, block_length=1)``. Interleave keeps
up to ``cycle_length`` inner datasets open and takes ``block_length`` elements from
each in turn; an exhausted slot is refilled from the input when the cycle comes back
to it (TF's order exactly). ``map_func`` returns a Dataset, so it always runs as
plain Python on Tensors. State: the input's, the cycle position, and for each open
slot the input element that made it plus its iterator's state.
"""

from __future__ import annotations

from typing import Any, Callable

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator, as_int
from xlaflow.data.options import AUTOTUNE, AUTOTUNE_PARALLELISM, UNKNOWN_CARDINALITY


class InterleaveDataset(Dataset):
    """``dataset.interleave(map_func, cycle_length=None, block_length=None)``."""

    def __init__(self, input: Dataset, map_func: Callable, cycle_length: Any, block_length: Any, op: str):
        if not callable(map_func):
            raise TypeError(f"{op}: argument `map_func` must be callable. Received: {map_func!r}")
        self._op = op
        self._input, self._fn = input, map_func
        cycle = AUTOTUNE if cycle_length is None else as_int(cycle_length, op, "cycle_length")
        self._cycle = AUTOTUNE_PARALLELISM if cycle == AUTOTUNE else cycle
        self._block = 1 if block_length is None else as_int(block_length, op, "block_length")
        if self._cycle <= 0 or self._block <= 0:
            raise errors.InvalidArgumentError(
                f"{op}: arguments `cycle_length` and `block_length` must be positive. Received: "
                f"cycle_length={cycle_length!r}, block_length={block_length!r}"
            )

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def inner(self, element: Any, index: int) -> Dataset:
        from xlaflow.data.mapping import _pipeline_context

        try:
            with _pipeline_context():
                out = self._fn(*structure.to_tensors(element)) if type(element) is tuple else self._fn(structure.to_tensors(element))
        except Exception as e:
            raise errors.InvalidArgumentError(
                f"{self._op}: `map_func` raised {type(e).__name__} on element {index} ({structure.describe(element)}): {e}"
            ) from e
        if not isinstance(out, Dataset):
            raise errors.InvalidArgumentError(f"{self._op}: `map_func` must return a Dataset. Received: {type(out).__name__} for element {index}")
        return out

    def _make(self, device: bool = False) -> StageIterator:
        return _InterleaveIterator(self)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return 0 if n == 0 else UNKNOWN_CARDINALITY

    def _element_spec(self) -> Any:
        it = self._input._make()
        try:
            first = it.next()
        except StopIteration:
            return None
        finally:
            it.close()
        return self.inner(first, 0).element_spec


class _InterleaveIterator(StageIterator):
    def __init__(self, ds: InterleaveDataset):
        self.ds = ds
        self.up = ds._input._make()
        self.slots: list = [None] * ds._cycle  # [input element, its index, inner iterator] or None
        self.cycle = self.block = self.index = 0
        self.end_of_input = False

    def _advance(self) -> None:
        self.block = 0
        self.cycle = (self.cycle + 1) % len(self.slots)

    def _open(self, element: Any, index: int) -> list:
        return [element, index, self.ds.inner(element, index)._make()]

    def next(self) -> Any:
        while not self.end_of_input or any(s is not None for s in self.slots):
            slot = self.slots[self.cycle]
            if slot is not None:
                try:
                    el = slot[2].next()
                except StopIteration:
                    slot[2].close()
                    self.slots[self.cycle] = None
                    self._advance()
                    continue
                self.block += 1
                if self.block == self.ds._block:
                    self._advance()
                return el
            if not self.end_of_input:
                try:
                    element = self.up.next()
                except StopIteration:
                    self.end_of_input = True
                    continue
                self.slots[self.cycle] = self._open(element, self.index)
                self.index += 1
            else:
                self._advance()
        raise StopIteration

    def get_state(self) -> dict:
        slots = [None if s is None else {"element": s[0], "index": s[1], "state": s[2].get_state()} for s in self.slots]
        return {"input": self.up.get_state(), "slots": slots, "cycle": self.cycle, "block": self.block, "index": self.index,
                "end_of_input": self.end_of_input}

    def set_state(self, state: dict) -> None:
        for s in self.slots:
            if s is not None:
                s[2].close()
        self.up.set_state(state["input"])
        self.slots = []
        for s in state["slots"]:
            if s is None:
                self.slots.append(None)
            else:
                slot = self._open(s["element"], int(s["index"]))
                slot[2].set_state(s["state"])
                self.slots.append(slot)
        self.cycle, self.block, self.index = int(state["cycle"]), int(state["block"]), int(state["index"])
        self.end_of_input = bool(state["end_of_input"])

    def close(self) -> None:
        for s in self.slots:
            if s is not None:
                s[2].close()
        self.up.close()
