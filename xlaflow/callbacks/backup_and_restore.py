"""``BackupAndRestore``: an interrupted ``fit`` resumes where it stopped.

At the end of every epoch (or every ``save_freq`` batches) the callback saves, with
the crash-safe checkpoint machinery of :mod:`xlaflow.saving`, everything the rest of
the run depends on: the model's weights, the optimizer's state, the global RNG key,
and where the run is (epoch, batch, and the seed of ``fit``'s data order). When
``fit`` starts again with the same callback directory, it restores all of it and
continues at that epoch and batch, so the final weights equal an uninterrupted run.
A damaged newest backup falls back to the previous one (``double_checkpoint=True``
keeps two) with a warning. The backup is deleted when training ends normally
(``delete_checkpoint=True``). Metric accumulators of a partially finished epoch are
not saved: the resumed epoch's logs cover the batches run after the restart.
"""

from __future__ import annotations

import os
import shutil
from typing import Any

from xlaflow.callbacks.callback import Callback


class BackupAndRestore(Callback):
    """Keras 3's ``keras.callbacks.BackupAndRestore``.

    Args:
      backup_dir: the directory holding the backup (created if needed).
      save_freq: ``"epoch"``, an integer number of batches, or ``False`` (never save).
      double_checkpoint: keep the previous backup too, to fall back to.
      delete_checkpoint: delete the backup when ``fit`` finishes.
    """

    def __init__(self, backup_dir: str, save_freq: Any = "epoch", double_checkpoint: bool = False,
                 delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir:
            raise ValueError(f"BackupAndRestore: argument `backup_dir` must be a directory path. Received: {backup_dir!r}")
        if save_freq not in ("epoch", False) and (isinstance(save_freq, bool) or not isinstance(save_freq, int)
                                                   or save_freq < 1):
            raise ValueError(f"BackupAndRestore: argument `save_freq` must be 'epoch', False or an integer >= 1. "
                             f"Received: save_freq={save_freq!r}")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = bool(double_checkpoint)
        self.delete_checkpoint = bool(delete_checkpoint)
        self._manager: Any = None
        self._extra: dict = {}
        self._epoch = 0
        self._batches = 0

    def _needs_batch_hooks(self, mode: str = "train") -> bool:
        return mode == "train" and self.save_freq not in ("epoch", False)

    def on_train_begin(self, logs: dict | None = None) -> None:
        from xlaflow.ops import rng
        from xlaflow.saving import Checkpoint, CheckpointManager

        model = self.model
        self._extra = {"epoch": 0, "batch": 0, "data_seed": int(model._data_seed)}
        checkpoint = Checkpoint(model=model, optimizer=model.optimizer, rng=rng.key_variable(), extra=self._extra)
        os.makedirs(self.backup_dir, exist_ok=True)
        self._manager = CheckpointManager(checkpoint, self.backup_dir, max_to_keep=2 if self.double_checkpoint else 1)
        if self._manager.restore_or_initialize() is not None:
            model._resume_point = (int(self._extra["epoch"]), int(self._extra["batch"]), int(self._extra["data_seed"]))

    def _save(self, epoch: int, batch: int) -> None:
        self._extra.update(epoch=epoch, batch=batch, data_seed=int(self.model._data_seed))
        self._manager.save()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.save_freq in ("epoch", False):
            return
        self._batches += 1
        if self._batches % self.save_freq == 0:
            self._save(self._epoch, batch + 1)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0)

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):  # (not reached when fit raised)
            shutil.rmtree(self.backup_dir, ignore_errors=True)

    def get_config(self) -> dict:
        return {"backup_dir": self.backup_dir, "save_freq": self.save_freq, "double_checkpoint": self.double_checkpoint,
                "delete_checkpoint": self.delete_checkpoint}
