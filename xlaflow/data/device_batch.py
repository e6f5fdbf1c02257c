"""``batch`` as the last stage before Tensors: whole chunks of batches moved at once.

When a batch stage feeds the consumer directly (or through ``prefetch``), it asks its
input for ``m`` batches' worth of rows in one ``take_batch`` (one fancy index or one
slice for in-memory data), moves them with one ``jax.device_put`` per chunk, and cuts
them into ``m`` batches with one compiled split (one dispatch for all of them). This
replaces ``m`` transfers, each of which costs tens of microseconds of dispatch, by
one: the Tensor path of ``from_tensor_slices(...).shuffle(n).batch(b)`` runs several
times faster. Only inputs whose ``take_batch`` runs no user code
(``StageIterator.bulk``: in-memory slices, shuffles, repeats of them) are read in
chunks, so an error in a ``map`` still arrives after the elements before it. A
partial chunk (the end of the data) is moved batch by batch, so the split compiles
once per element shape. Elements and order are exactly those of the plain batch stage.
"""

from __future__ import annotations

import functools
from collections import deque
from typing import Any

import jax
import numpy as np

from xlaflow.engine import compiler
from xlaflow.data import structure
from xlaflow.data.batching import _BatchIterator
from xlaflow.data.dataset import StageIterator

CHUNK_BYTES = 1 << 21  # about this many bytes are moved per transfer
MAX_BATCHES = 64


@functools.lru_cache(maxsize=64)
def _splitter(k: int, m: int) -> Any:
    """A compiled function cutting arrays of ``k * m`` rows into ``m`` batches."""
    return compiler.jit(lambda arrays: [[a[i * k:(i + 1) * k] for a in arrays] for i in range(m)])


class DeviceBatchIterator(_BatchIterator):
    """A batch stage whose elements are on the device (strings stay on the host)."""

    def __init__(self, up: StageIterator, size: int, drop: bool):
        super().__init__(up, size, drop)
        self.ready: deque = deque()
        self.per_chunk = 1  # batches per transfer: 1 until the first batch tells its size

    def next(self) -> Any:
        if not self.ready:
            self._refill()
            if not self.ready:
                raise StopIteration
        return self.ready.popleft()

    def _refill(self) -> None:
        k, m = self.size, self.per_chunk
        n, chunk = self.up.take_batch(k * m)
        if n == 0:
            return
        leaves, treedef = structure.flatten(chunk)
        if m == 1 or n < k * m:  # the first batch, or the end of the data
            nbytes = sum(np.asarray(a).nbytes for a in leaves) * k // max(n, 1)
            if self.up.bulk:
                self.per_chunk = max(1, min(MAX_BATCHES, CHUNK_BYTES // max(1, nbytes)))
            for s in range(0, n, k):
                if self.drop and s + k > n:
                    break
                self.ready.append(_to_device(treedef, [a[s:s + k] for a in leaves]))
            return
        numeric = [i for i, a in enumerate(leaves) if not structure.is_string(a)]
        moved = _splitter(k, m)(jax.device_put([leaves[i] for i in numeric])) if numeric else [[] for _ in range(m)]
        for b in range(m):
            out = [a[b * k:(b + 1) * k] for a in leaves]
            for i, arr in zip(numeric, moved[b]):
                out[i] = arr
            self.ready.append(structure.unflatten(treedef, out))

    def get_state(self) -> dict:
        ready = [structure.map_leaves(np.asarray, el) for el in self.ready]
        return {"input": self.up.get_state(), "ready": ready}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.ready = deque(state.get("ready", []))


def _to_device(treedef: Any, leaves: list) -> Any:
    numeric = [i for i, a in enumerate(leaves) if not structure.is_string(a)]
    if numeric:
        moved = jax.device_put([leaves[i] for i in numeric])
        for i, arr in zip(numeric, moved):
            leaves[i] = arr
    return structure.unflatten(treedef, leaves)
