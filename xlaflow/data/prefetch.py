"""``prefetch(buffer_size)``: a background thread runs the pipeline ahead of the consumer.

The producer thread pulls up to ``buffer_size`` elements (``AUTOTUNE``: about 32 MiB
of elements, 2 to 64 of them, judged by the first) from the stage below. A consumer
that finds the buffer empty while the producer is idle makes the next element itself
(pulls are serialised, so the order is unchanged), and the producer pauses while the
consumer is inside ``next()``: with Python's GIL a consumer that only iterates would
otherwise pay a thread hand-over per element, while a consumer that computes between
elements (a compiled step releases the GIL) finds the buffer filled. When the
prefetch is the last stage and the consumer wants Tensors, the producer also moves
each element to the device with one ``jax.device_put`` of all its leaves, so the
host-to-device copy overlaps the consumer's compute; the consumer only wraps arrays.

An exception raised below (a failing ``map``, a bad generator value) is handed to the
consumer and raised from its ``next()``, unchanged, in order: nothing hangs and
nothing stops silently. ``get_state()`` waits for the element being produced, then
records the stage below's state plus the buffered elements, so a restore resumes
exactly at the consumer's position.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

import jax
import numpy as np

from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator, as_int
from xlaflow.data.options import AUTOTUNE, AUTOTUNE_PREFETCH, AUTOTUNE_PREFETCH_BYTES, buffer_size

_END = object()  # the input is exhausted
PAUSE_POLL_S = 0.001  # how often a producer paused by a consumer inside next() looks again


class _Error:
    def __init__(self, exc: BaseException):
        self.exc = exc


def to_device(element: Any) -> Any:
    """An element with its numeric leaves on the default device (one transfer call)."""
    leaves, treedef = structure.flatten(element)
    idx = [i for i, a in enumerate(leaves) if not structure.is_string(a) and not isinstance(a, jax.Array)]
    if idx:
        moved = jax.device_put([leaves[i] for i in idx])
        for i, m in zip(idx, moved):
            leaves[i] = m
    return structure.unflatten(treedef, leaves)


class PrefetchDataset(Dataset):
    """``dataset.prefetch(buffer_size)``."""

    _op = "Dataset.prefetch"

    def __init__(self, input: Dataset, size: Any):
        self._input = input
        n = as_int(size, self._op, "buffer_size")
        self._size = buffer_size(n, self._op) if n != 0 else 0

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _make(self, device: bool = False) -> StageIterator:
        if self._size == 0:
            return self._input._make(device)
        # the stage below may deliver device arrays itself (a batch moves whole chunks)
        return _PrefetchIterator(self._input._make(device), self._size, device)

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _element_spec(self) -> Any:
        return self._input.element_spec


class _PrefetchIterator(StageIterator):
    """The producer thread fills ``buf`` while the consumer is away (between its
    ``next()`` calls); a consumer that finds ``buf`` empty while the producer is idle
    produces the element itself (same order: pulls are serialised by ``pull_lock``)."""

    def __init__(self, up: StageIterator, size: int, device: bool):
        self.up, self.size, self.device = up, size, device
        self.buf: deque = deque()  # (element,) or _Error, in order
        self.cond = threading.Condition()
        self.pull_lock = threading.Lock()  # held while an element is being produced
        self.generation = 0  # a producer thread exits when this changes
        self.thread: threading.Thread | None = None
        self.ended = False  # the input is exhausted (after what ``buf`` holds)
        self.low = max(1, size // 2) if size != AUTOTUNE else 1  # the producer resumes at size - low
        self.producer_waits = self.consumer_waits = False
        self.inside = False  # the consumer is in next(): the producer pauses (no GIL contention)

    def _start(self) -> None:
        self.thread = threading.Thread(target=self._produce, args=(self.generation,), daemon=True, name="xlaflow-data-prefetch")
        self.thread.start()

    def _pull(self) -> Any:
        """One item from the stage below (``pull_lock`` held): (element,), _END or _Error."""
        try:
            el = self.up.next()
            if self.size == AUTOTUNE:
                self._autotune(el)
            return (to_device(el) if self.device else el,)
        except StopIteration:
            return _END
        except BaseException as e:  # handed to the consumer
            return _Error(e)

    def _produce(self, gen: int) -> None:
        while True:
            with self.cond:  # run while the buffer has room and the consumer is away (computing)
                while self.generation == gen:
                    if self.size != AUTOTUNE and len(self.buf) >= self.size:
                        self.producer_waits = True
                        self.cond.wait()
                        self.producer_waits = False
                    elif self.inside:
                        self.cond.wait(PAUSE_POLL_S)
                    else:
                        break
            with self.pull_lock:
                if self.generation != gen or self.ended:
                    return
                item = self._pull()
                with self.cond:
                    if item is _END:
                        self.ended = True
                    else:
                        self.buf.append(item)
                    if self.consumer_waits:
                        self.cond.notify_all()
            if not isinstance(item, tuple):
                return

    def _autotune(self, element: Any) -> None:
        nbytes = sum(np.asarray(a).nbytes for a in structure.flatten(element)[0])
        size = max(2, min(AUTOTUNE_PREFETCH, AUTOTUNE_PREFETCH_BYTES // max(1, nbytes)))
        with self.cond:
            self.size, self.low = size, max(1, size // 2)

    def next(self) -> Any:
        if self.thread is None and not self.ended:
            self._start()
        self.inside = True
        try:
            # Fast path: nothing buffered and the producer idle: make the element here.
            # (Only the producer appends, and only while holding pull_lock.)
            if not self.buf and self.pull_lock.acquire(blocking=False):
                try:
                    if not self.buf:
                        if self.ended:
                            raise StopIteration
                        item = self._pull()
                        if isinstance(item, tuple):
                            return item[0]
                        self.ended = True
                        if item is _END:
                            raise StopIteration
                        raise item.exc
                finally:
                    self.pull_lock.release()
            return self._next()
        finally:
            self.inside = False

    def _next(self) -> Any:
        while True:
            with self.cond:
                if self.buf:
                    item = self.buf.popleft()
                    if self.producer_waits and len(self.buf) <= self.size - self.low:
                        self.cond.notify_all()
                    break
                if self.ended:
                    raise StopIteration
            if self.pull_lock.acquire(blocking=False):  # producer idle: produce it here
                try:
                    with self.cond:
                        if self.buf or self.ended:
                            continue
                    item = self._pull()
                    if item is _END:
                        with self.cond:
                            self.ended = True
                        raise StopIteration
                finally:
                    self.pull_lock.release()
                break
            with self.cond:  # the producer is making the next element: wait for it
                while not self.buf and not self.ended and self.pull_lock.locked():
                    self.consumer_waits = True
                    self.cond.wait(0.05)
                self.consumer_waits = False
        if isinstance(item, _Error):
            with self.cond:
                self.ended = True
            raise item.exc
        return item[0]

    def get_state(self) -> dict:
        with self.pull_lock:
            with self.cond:
                items = list(self.buf)
                ended = self.ended
            state = self.up.get_state()
        buffered = [structure.map_leaves(np.asarray, it[0]) for it in items if isinstance(it, tuple)]
        return {"input": state, "buffer": buffered, "end": ended}

    def _stop(self) -> None:
        with self.cond:
            self.generation += 1
            self.cond.notify_all()

    def set_state(self, state: dict) -> None:
        self._stop()
        with self.pull_lock:
            self.up.set_state(state["input"])
            with self.cond:
                self.buf = deque((to_device(el) if self.device else el,) for el in state["buffer"])
                self.ended = bool(state["end"])
        self.thread = None

    def close(self) -> None:
        self._stop()
        self.up.close()
