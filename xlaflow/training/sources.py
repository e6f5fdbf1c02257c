"""Where the batches of an epoch come from, in the form the step programs take.

* :class:`ArraySource` — in-memory arrays. Batches in order are read in place on the
  CPU backend (:mod:`~xlaflow.training.host_rows`: each dispatch sends only batch
  numbers). Otherwise, for several passes the arrays are moved to the device once and
  stay there for the whole ``fit`` (each epoch only sends the shuffled row indices);
  for a single pass they are streamed, each dispatch's rows gathered on the host. An
  epoch is cut into dispatches of ``k`` steps each (``lax.scan`` inside one program); the last, ragged batch is padded to the full
  batch size with a row mask, so no sample is dropped or counted twice and no new
  batch shape is compiled.
* :class:`IteratorSource` — a Dataset, a generator or any iterable of batches. Each
  batch is padded to the first batch's size (or, if larger, to its power-of-two
  bucket); consecutive same-shaped batches are stacked into dispatches of ``k``
  steps like arrays are. Dispatch is asynchronous, so the host (and a Dataset's
  prefetch thread) prepares the next batches while the device computes.

Both yield ``(first_step, k, per_step, shared, steps)`` where ``steps`` is the
``steps=`` argument of :meth:`~xlaflow.engine.program.StatefulProgram.run`.
"""

from __future__ import annotations

import warnings
from typing import Any, Iterator

import jax
import numpy as np

from xlaflow.data import adapter
from xlaflow.training import data, host_rows
from xlaflow.utils.py_dataset import PyDataset


class ArraySource:
    """Batches of in-memory arrays ``x``, ``y``, ``sample_weight`` (``n`` rows).

    ``resident=True`` moves the arrays to the device once; each dispatch then sends
    only row indices and the steps gather their rows on the device — the right choice
    when the data is passed over several times. ``resident=False`` streams: each
    dispatch gathers its rows on the host and sends just those (cheaper for a single
    pass, e.g. ``evaluate``, ``predict`` or a one-epoch ``fit``, where copying the
    whole dataset first would cost more than it saves).
    """

    def __init__(self, x: Any, y: Any, sample_weight: Any, n: int, batch_size: int, steps: int | None = None,
                 resident: bool = True, pad: bool = True):
        self.n = n
        self.pad = pad  # False: the ragged last batch comes at its own size (custom steps see real rows only)
        self.batch_size = batch_size
        self.resident = resident
        self.host = {"x": x, "y": y, "sw": sample_weight}
        self.views = host_rows.views(self.host, batch_size)  # the CPU backend reads the arrays in place
        self._shared: Any = None
        full = -(-n // batch_size) if n else 0
        self.steps = full if steps is None else min(int(steps), full)

    @property
    def shared(self) -> Any:
        """The arrays copied to the device, once (the resident form, for shuffled epochs)."""
        if self._shared is None:
            self._shared = jax.device_put(self.host)
        return self._shared

    def first_rows(self) -> tuple:
        """``(x, y)`` of the first row (to build the model from)."""
        first = jax.tree_util.tree_map(lambda a: a[:1], self.host)
        return first["x"], first["y"]

    def _rows(self, idx: np.ndarray, mask: np.ndarray, contiguous: bool) -> dict:
        """The streamed form of a dispatch: the rows ``idx`` (any leading shape) gathered on the
        host — a plain slice (no copy) when they are consecutive and all real."""
        flat = idx.reshape(-1)
        if contiguous and (mask is None or mask.all()) and flat[-1] - flat[0] == flat.size - 1:
            lo, hi = int(flat[0]), int(flat[-1]) + 1
            take = lambda a: np.asarray(a)[lo:hi].reshape(idx.shape + np.shape(a)[1:])  # noqa: E731
        else:
            take = lambda a: np.asarray(a)[flat].reshape(idx.shape + np.shape(a)[1:])  # noqa: E731
        batch = jax.tree_util.tree_map(take, self.host)
        batch["mask"] = mask
        return batch

    def epoch(self, shuffle: bool, per_dispatch: int, seed: Any = None, skip: int = 0) -> Iterator[tuple]:
        """The dispatches of one epoch; ``seed`` fixes the shuffled order, ``skip`` drops the first steps."""
        bs, steps = self.batch_size, self.steps
        if shuffle:
            order = np.random.default_rng(seed).permutation(self.n) if seed is not None else np.random.permutation(self.n)
        else:
            order = np.arange(self.n)
        total = steps * bs
        idx = np.zeros(total, np.int32)
        used = min(total, self.n)
        idx[:used] = order[:used]
        mask = data.row_mask(used, total)
        idx, mask = idx.reshape(steps, bs), mask.reshape(steps, bs)
        in_place = 0 if shuffle or self.views is None else min(steps, self.n // bs)  # full batches read in place
        start = skip
        ragged = used < total
        while start < steps:
            k = min(per_dispatch, (in_place if start < in_place else steps) - start)
            if not self.pad and ragged and start + k == steps:
                if k > 1:
                    k -= 1  # the full steps first; the ragged one next, alone
                else:
                    real = used - start * bs
                    yield start, 1, self._rows(idx[start][:real], None, not shuffle), None, None
                    return
            sl = start if k == 1 else slice(start, start + k)
            multi = None if k == 1 else k
            if start < in_place:
                first = np.arange(start, start + k, dtype=np.int32)
                yield start, k, {"start": first[0] if k == 1 else first, "mask": None}, self.views, multi
            else:
                chunk_mask = None if mask[sl].all() else mask[sl]  # full batches skip the mask arithmetic
                if self.resident:
                    yield start, k, {"idx": idx[sl], "mask": chunk_mask}, self.shared, multi
                else:
                    yield start, k, self._rows(idx[sl], chunk_mask, not shuffle), None, multi
            start += k


class IteratorSource:
    """Batches from an iterable (a Dataset is iterated afresh each epoch; a generator once).

    ``steps`` (``steps_per_epoch``) ends an epoch early; a Dataset then continues
    where it stopped in the next epoch, as Keras does. An infinite Dataset needs it.
    """

    def __init__(self, iterable: Any, steps: int | None = None, what: str = "x", pad: bool = True):
        self.iterable = iterable
        self.pad = pad  # False: batches keep their own sizes (custom steps see real rows only)
        self.is_dataset = adapter.is_dataset(iterable)
        if self.is_dataset and steps is None:
            if adapter.is_infinite(iterable):
                raise ValueError(f"argument `{what}` is an infinite dataset (e.g. after .repeat()): pass "
                                 "`steps_per_epoch` (or `steps`/`validation_steps`) to say how many batches an epoch has")
        self.steps = steps
        self.what = what
        self._iterator: Any = None
        self._bucket: int | None = None
        self._exhausted = False
        self.known_steps = steps if steps is not None else adapter.steps(iterable) if self.is_dataset else (
            len(iterable) if isinstance(iterable, PyDataset) else None)

    def _numpy_iter(self) -> Any:
        if self.is_dataset:
            return iter(adapter.iterate_numpy(self.iterable))
        return iter(self.iterable)

    def _batches(self) -> Iterator[dict]:
        """Each element as a padded batch dict ``{x, y, sw, mask}``."""
        reusable = self.is_dataset or isinstance(self.iterable, (list, tuple, PyDataset))
        if self._iterator is None or (reusable and self.steps is None):
            self._iterator = self._numpy_iter()
        step = 0
        while self.steps is None or step < self.steps:
            try:
                element = next(self._iterator)
            except StopIteration:
                if self.steps is not None and step < self.steps:
                    if reusable and step > 0:
                        self._iterator = self._numpy_iter()
                        continue
                    warnings.warn(f"Your input ran out of data after {step} steps; the epoch stops early. Make sure "
                                  f"that `{self.what}` can produce `steps_per_epoch * epochs` batches (use .repeat()).",
                                  UserWarning, stacklevel=5)
                self._exhausted = True
                return
            x, y, sw = data.unpack_element(element)
            x, y, sw, n = data.standardize(x, y, sw)
            if not self.pad:
                yield {"x": x, "y": y, "sw": sw, "mask": None}
                step += 1
                continue
            if self._bucket is None:
                self._bucket = n
            size = self._bucket if n <= self._bucket else data.bucket(n)
            batch = {"x": x, "y": y, "sw": sw}
            if n != size:
                batch = data.pad_rows(batch, size)
            batch["mask"] = data.row_mask(n, size)
            yield batch
            step += 1

    def epoch(self, shuffle: bool = False, per_dispatch: int = 1, seed: Any = None, skip: int = 0) -> Iterator[tuple]:
        """Dispatches of up to ``per_dispatch`` same-shaped batches, stacked for ``lax.scan``
        (``shuffle``/``seed`` are the dataset's business; ``skip`` drops the first batches)."""
        group: list = []
        first = 0
        batches = self._batches()
        for _ in range(skip):
            if next(batches, None) is None:
                return
            first += 1

        def flush() -> tuple:
            if len(group) == 1:
                return first, 1, group[0], None, None
            stacked = jax.tree_util.tree_map(_stack, *group)
            return first, len(group), stacked, None, len(group)

        for batch in batches:
            if group and _shapes(batch) != _shapes(group[0]):
                yield flush()
                first += len(group)
                group = []
            group.append(batch)
            if len(group) == per_dispatch:
                yield flush()
                first += len(group)
                group = []
        if group:
            yield flush()


def _shapes(batch: dict) -> list:
    return [np.shape(a) for a in jax.tree_util.tree_leaves(batch)]


def _stack(*arrays: Any) -> Any:
    if all(isinstance(a, np.ndarray) for a in arrays):
        return np.stack(arrays)
    return jax.numpy.stack(arrays)
