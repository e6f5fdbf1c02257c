"""``CheckpointManager``: keeps the newest checkpoints and falls back past a damaged one.

TF's class and file layout: checkpoints ``<directory>/<name>-<n>`` (one HDF5 file
each, ``<name>-<n>.h5``, see :mod:`.checkpoint`) listed in a text state file
``<directory>/checkpoint`` (``model_checkpoint_path: "ckpt-3"`` and one
``all_model_checkpoint_paths:`` line per kept checkpoint).

Crash safety comes from the order of writes: the new checkpoint file is written
atomically first, then the state file (atomically), and only then are checkpoints
beyond ``max_to_keep`` deleted — so at every instant the state file lists complete
files. ``restore_or_initialize()`` restores the newest checkpoint that loads and
falls back to older ones, with a warning, when the newest is corrupted.
"""

from __future__ import annotations

import os
import re
import warnings
from typing import Any, Callable

import numpy as np

from xlaflow.saving.atomic import atomic_write_bytes
from xlaflow.saving.checkpoint import KEY, Checkpoint, data_path
from xlaflow.saving.errors import LoadError

STATE_FILE = "checkpoint"
MAX_STATE_BYTES = 1 << 20


class CheckpointManager:
    """Keeps the newest ``max_to_keep`` checkpoints of a :class:`Checkpoint` (TF's class).

    Args:
      checkpoint: the :class:`Checkpoint` to save and restore.
      directory: where checkpoints and the ``checkpoint`` state file live.
      max_to_keep: how many to keep (``None``: all).
      checkpoint_name: the file prefix (``ckpt`` -> ``ckpt-1.h5``, ``ckpt-2.h5`` ...).
      step_counter, checkpoint_interval: with both, ``save()`` only writes when
        ``step_counter`` advanced by at least ``checkpoint_interval`` since the last save.
      init_fn: called by :meth:`restore_or_initialize` when there is no checkpoint.
    """

    def __init__(self, checkpoint: Checkpoint, directory: str | os.PathLike, max_to_keep: int | None,
                 keep_checkpoint_every_n_hours: float | None = None, checkpoint_name: str = "ckpt",
                 step_counter: Any = None, checkpoint_interval: int | None = None,
                 init_fn: Callable[[], Any] | None = None):
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager: argument `checkpoint` must be a Checkpoint. Received: {checkpoint!r:.100}")
        if max_to_keep is not None and (isinstance(max_to_keep, bool) or not isinstance(max_to_keep, int) or max_to_keep < 1):
            raise ValueError(f"CheckpointManager: argument `max_to_keep` must be None or an int >= 1. Received: max_to_keep={max_to_keep!r}")
        if not isinstance(checkpoint_name, str) or not KEY.match(checkpoint_name):
            raise ValueError(f"CheckpointManager: argument `checkpoint_name` must be a plain file name. Received: {checkpoint_name!r}")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("CheckpointManager: `step_counter` should be passed if `checkpoint_interval` is not None.")
        self._checkpoint = checkpoint
        self.directory = os.fspath(directory)
        self.max_to_keep = max_to_keep
        self._prefix = os.path.join(self.directory, checkpoint_name)
        self._step_counter = step_counter
        self.checkpoint_interval = checkpoint_interval
        self._last_step: int | None = None
        self._init_fn = init_fn
        self._checkpoints: list[str] = self._read_state()

    # -- state file -------------------------------------------------------------------------
    def _state_path(self) -> str:
        return os.path.join(self.directory, STATE_FILE)

    def _read_state(self) -> list[str]:
        return _read_state_file(self.directory)

    def _write_state(self) -> None:
        lines = []
        if self._checkpoints:
            lines.append(f'model_checkpoint_path: "{os.path.basename(self._checkpoints[-1])}"')
        lines += [f'all_model_checkpoint_paths: "{os.path.basename(p)}"' for p in self._checkpoints]
        atomic_write_bytes(self._state_path(), ("\n".join(lines) + "\n").encode())

    # -- API --------------------------------------------------------------------------------
    @property
    def checkpoints(self) -> list[str]:
        """The kept checkpoints, oldest first."""
        return list(self._checkpoints)

    @property
    def latest_checkpoint(self) -> str | None:
        return self._checkpoints[-1] if self._checkpoints else None

    @property
    def checkpoint(self) -> Checkpoint:
        return self._checkpoint

    def save(self, checkpoint_number: int | None = None, check_interval: bool = True, options: Any = None) -> str | None:
        """Writes a new checkpoint (atomically), records it, and deletes the oldest
        beyond ``max_to_keep``. Returns its path, or None when skipped by the interval."""
        if self.checkpoint_interval is not None and check_interval:
            step = int(np.asarray(self._step_counter.numpy() if hasattr(self._step_counter, "numpy") else self._step_counter))
            if self._last_step is not None and step < self._last_step + self.checkpoint_interval:
                return None
            self._last_step = step
        self._checkpoint.save_counter.assign_add(1)
        if checkpoint_number is None:
            checkpoint_number = int(self._checkpoint.save_counter.numpy())
        path = self._checkpoint.write(f"{self._prefix}-{int(checkpoint_number)}")
        self._checkpoints = [p for p in self._checkpoints if p != path] + [path]
        removed = []
        if self.max_to_keep is not None:
            while len(self._checkpoints) > self.max_to_keep:
                removed.append(self._checkpoints.pop(0))
        self._write_state()
        for old in removed:  # only after the state file no longer lists them
            try:
                os.remove(data_path(old))
            except OSError:
                pass
        return path

    def restore_or_initialize(self) -> str | None:
        """Restores the newest checkpoint that loads; falls back to older ones (with a
        warning) when the newest is corrupted. With no checkpoint, calls ``init_fn``.

        Returns:
          The restored path, or None if there was nothing to restore.

        Raises:
          LoadError: checkpoints exist but none of them can be loaded.
        """
        errors = []
        for path in reversed(self._checkpoints):
            try:
                self._checkpoint.restore(path)
            except LoadError as e:
                errors.append(f"{path}: {e}")
                warnings.warn(f"CheckpointManager: checkpoint {path!r} could not be restored ({e}); "
                              "falling back to the previous checkpoint.", stacklevel=2)
                continue
            return path
        if errors:
            raise LoadError("CheckpointManager: no checkpoint could be restored:\n" + "\n".join(errors))
        if self._init_fn is not None:
            self._init_fn()
        return None


def _read_state_file(directory: str) -> list[str]:
    """The checkpoints a ``checkpoint`` state file lists that exist in ``directory``
    (bounded read; names leaving the directory are ignored)."""
    path = os.path.join(directory, STATE_FILE)
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        text = f.read(MAX_STATE_BYTES).decode("utf-8", "replace")
    out = []
    for name in re.findall(r'^all_model_checkpoint_paths:\s*"([^"\n]*)"\s*$', text, flags=re.M):
        full = name if os.path.isabs(name) else os.path.join(directory, name)
        if os.path.dirname(os.path.abspath(full)) == os.path.abspath(directory) and os.path.exists(data_path(full)):
            out.append(full)
    return out


def latest_checkpoint(checkpoint_dir: str | os.PathLike) -> str | None:
    """The newest checkpoint recorded in ``checkpoint_dir``'s state file (TF's function)."""
    kept = _read_state_file(os.fspath(checkpoint_dir))
    return kept[-1] if kept else None
