"""``keras.utils.PyDataset`` (and Keras 2's name for it, ``Sequence``).

A PyDataset is an indexable list of batches: ``__len__`` is the number of batches
per epoch, ``__getitem__(i)`` returns batch ``i`` (``x``, ``(x, y)`` or ``(x, y,
sample_weight)``), ``on_epoch_end`` runs after each epoch (e.g. to reshuffle).
``fit``/``evaluate``/``predict`` read it in order, one batch per step.

``workers``, ``use_multiprocessing`` and ``max_queue_size`` are accepted as Keras
takes them; batches are read in the training thread while the device computes
(dispatch is asynchronous), which is what the worker pool is for.
"""

from __future__ import annotations

from typing import Any, Iterator


class PyDataset:
    """Base class for Python data sources of batches (see the module docstring).

    Args:
      workers: accepted (batches are read in the training thread).
      use_multiprocessing: accepted, as above.
      max_queue_size: accepted, as above.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        for arg, value in (("workers", workers), ("max_queue_size", max_queue_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"PyDataset: argument `{arg}` must be an integer >= 1. Received: {arg}={value!r}")
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    @property
    def workers(self) -> int:
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self) -> bool:
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self) -> int:
        return getattr(self, "_max_queue_size", 10)

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(self, index).")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must implement __len__(self).")

    @property
    def num_batches(self) -> int | None:
        return len(self)

    def on_epoch_end(self) -> None:
        """Called after each epoch (override to reshuffle)."""

    def __iter__(self) -> Iterator[Any]:
        """One epoch: every batch in order, then :meth:`on_epoch_end`."""
        for i in range(len(self)):
            yield self[i]
        self.on_epoch_end()


Sequence = PyDataset
