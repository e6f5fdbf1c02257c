"""``shuffle(buffer_size, seed=None, reshuffle_each_iteration=True)`` with tf.data's
buffer semantics.

TF's algorithm: fill a buffer with the first ``buffer_size`` elements; then repeatedly
emit a uniformly chosen buffer slot and put the next input element into it; when the
input ends, emit what is left in random order. With ``buffer_size >= n`` the output is
a uniform permutation; with a smaller buffer an element moves at most so far ahead.

Two implementations of that one algorithm:

* **random-access input** (``from_tensor_slices``, ``range``, ``zip`` of them): the
  whole epoch's order is computed up front from the random slot choices with a few
  vectorised NumPy operations (slot ``j`` chosen at step ``t`` emits input ``B + p``
  where ``p`` is the previous step that chose ``j``, or ``j`` if none), then whole
  batches are gathered with one ``np.take`` per leaf for a chunk of batches (about
  2 MiB) and served as views;
* **any other input**: the literal buffer, element by element.

Seeds: an op ``seed`` (combined with the global seed, TF's default 87654321 when none is
set) gives the same sequence of epoch orders each time the pipeline is built; with no
seed, ``xlaflow.random.set_seed`` makes it reproducible, otherwise it is random. Each
new iterator (each ``repeat`` epoch) draws epoch ``e`` of that sequence when
``reshuffle_each_iteration`` (epoch 0 always otherwise).
"""

from __future__ import annotations

import os
import threading
from typing import Any

import numpy as np

from xlaflow._core import errors
from xlaflow.data.dataset import Dataset, StageIterator, as_int

_DEFAULT_GLOBAL = 87654321
CHUNK_BYTES = 1 << 21  # rows gathered per fancy index: whole batches, about this many bytes
_lock = threading.Lock()


def _mix(a: int, b: int) -> int:
    return int(np.random.SeedSequence([a, b]).generate_state(1, np.uint64)[0]) % (2**63)


def _base_seed(seed: Any, op: str) -> int:
    from xlaflow.ops import rng

    global_seed = rng.get_global_seed()
    if seed is not None:
        s = as_int(seed, op, "seed")
        return _mix(global_seed if global_seed is not None else _DEFAULT_GLOBAL, s % (2**63))
    if global_seed is not None:  # n-th unseeded shuffle since set_seed (counter reset by it)
        with rng._lock:
            n = rng._op_counts.get(-1, 0)
            rng._op_counts[-1] = n + 1
        return _mix(global_seed, 2**63 + n)
    return int.from_bytes(os.urandom(8), "little") % (2**63)


def buffer_order(n: int, buffer_size: int, rng: np.random.Generator) -> np.ndarray:
    """The order in which TF's buffer shuffle emits inputs ``0..n-1`` (vectorised)."""
    b = buffer_size
    if b >= n:
        return rng.permutation(n)
    m = n - b
    js = rng.integers(0, b, size=m, dtype=np.uint16 if b <= 1 << 16 else np.int64)
    order = np.argsort(js, kind="stable")  # a radix sort for 16-bit slots
    sj = js[order]
    same = sj[1:] == sj[:-1]
    prev = np.full(m, -1, dtype=np.int64)
    prev[order[1:][same]] = order[:-1][same]
    head = np.where(prev >= 0, b + prev, js.astype(np.int64))
    final = np.arange(b, dtype=np.int64)
    last = np.append(~same, True)
    final[sj[last].astype(np.int64)] = b + order[last]
    return np.concatenate([head, final[rng.permutation(b)]])


class ShuffleDataset(Dataset):
    """``dataset.shuffle(buffer_size, seed=None, reshuffle_each_iteration=True)``."""

    _op = "Dataset.shuffle"

    def __init__(self, input: Dataset, buffer_size: Any, seed: Any, reshuffle: bool):
        self._input = input
        self._buffer = as_int(buffer_size, self._op, "buffer_size")
        if self._buffer <= 0:
            raise errors.InvalidArgumentError(f"{self._op}: argument `buffer_size` must be greater than zero. Received: {buffer_size!r}")
        self._seed = _base_seed(seed, self._op)
        self._reshuffle = bool(reshuffle)
        self._next_epoch = 0

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _take_epoch(self) -> int:
        if not self._reshuffle:
            return 0
        with _lock:
            e = self._next_epoch
            self._next_epoch += 1
        return e

    def _rng(self, seed: int, epoch: int) -> np.random.Generator:
        return np.random.default_rng([seed, epoch])

    def _make(self, device: bool = False) -> StageIterator:
        ra = self._input.random_access()
        if ra is not None:
            return _OrderIterator(self, ra)
        return _BufferIterator(self, self._input._make())

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _element_spec(self) -> Any:
        return self._input.element_spec


class _OrderIterator(StageIterator):
    """Shuffle of random-access input: a precomputed order, gathered batch by batch."""

    bulk = True

    def __init__(self, ds: ShuffleDataset, ra: Any):
        self.ds, self.ra = ds, ra
        self._begin(ds._seed, ds._take_epoch(), 0)

    def _begin(self, seed: int, epoch: int, pos: int) -> None:
        self.seed, self.epoch, self.pos = seed, epoch, pos
        self.order = buffer_order(self.ra.n, self.ds._buffer, self.ds._rng(seed, epoch))
        self.chunk: list = []  # leaves of the gathered rows order[c0:c1]
        self.c0 = self.c1 = 0

    def next(self) -> Any:
        if self.pos >= len(self.order):
            raise StopIteration
        self.pos += 1
        return self.ra.row(int(self.order[self.pos - 1]))

    def take_batch(self, k: int) -> tuple[int, Any]:
        pos = self.pos
        if not (self.c0 <= pos and (pos + k <= self.c1 or self.c1 == self.ra.n)):  # gather a chunk of whole batches
            leaves = self.chunk = self.ra.flat_rows(self.order[pos:pos + k * max(1, CHUNK_BYTES // max(1, k * self._row_bytes()))])
            if not leaves or not len(leaves[0]):
                return 0, None
            for a in leaves:
                a.flags.writeable = False
            self.c0, self.c1 = pos, pos + len(leaves[0])
        s = pos - self.c0
        e = min(s + k, self.c1 - self.c0)
        if e <= s:
            return 0, None
        self.pos = self.c0 + e
        return e - s, self.ra.treedef.unflatten([a[s:e] for a in self.chunk])

    def _row_bytes(self) -> int:
        rb = self.__dict__.get("_rb")
        if rb is None:
            rb = self._rb = sum(a.nbytes for a in self.ra.flat_rows(np.zeros(1, np.int64))) if self.ra.n else 1
        return rb

    def get_state(self) -> dict:
        return {"seed": self.seed, "epoch": self.epoch, "pos": self.pos, "next_epoch": self.ds._next_epoch}

    def set_state(self, state: dict) -> None:
        self.ds._next_epoch = int(state["next_epoch"])
        self._begin(int(state["seed"]), int(state["epoch"]), int(state["pos"]))


class _BufferIterator(StageIterator):
    """Shuffle of any input: TF's buffer, element by element."""

    def __init__(self, ds: ShuffleDataset, up: StageIterator):
        self.ds, self.up = ds, up
        self.seed, self.epoch = ds._seed, ds._take_epoch()
        self.rng = ds._rng(self.seed, self.epoch)
        self.buf: list = []
        self.filled = False
        self.exhausted = False

    def _pull(self) -> Any:
        if self.exhausted:
            return None
        try:
            return self.up.next()
        except StopIteration:
            self.exhausted = True
            return None

    def next(self) -> Any:
        if not self.filled:
            while len(self.buf) < self.ds._buffer:
                el = self._pull()
                if el is None:
                    break
                self.buf.append(el)
            self.filled = True
        if not self.buf:
            raise StopIteration
        j = int(self.rng.integers(len(self.buf)))
        out = self.buf[j]
        nxt = self._pull()
        if nxt is not None:
            self.buf[j] = nxt
        else:
            self.buf[j] = self.buf[-1]
            self.buf.pop()
        return out

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "buffer": list(self.buf), "rng": self.rng.bit_generator.state,
                "filled": self.filled, "exhausted": self.exhausted, "seed": self.seed, "epoch": self.epoch,
                "next_epoch": self.ds._next_epoch}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.ds._next_epoch = int(state["next_epoch"])
        self.seed, self.epoch = int(state["seed"]), int(state["epoch"])
        self.rng = self.ds._rng(self.seed, self.epoch)
        self.rng.bit_generator.state = state["rng"]
        self.buf = list(state["buffer"])
        self.filled, self.exhausted = bool(state["filled"]), bool(state["exhausted"])

    def close(self) -> None:
        self.up.close()
