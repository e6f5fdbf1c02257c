"""``ModelCheckpoint``: save the model or its weights during ``fit``.

The callback decides *when* and *under which name* to save (Keras' rules: every
epoch or every ``save_freq`` batches, only on improvement with
``save_best_only``, ``filepath`` formatted with ``epoch`` (1-based), ``batch``
(1-based, batch saves only) and the logs); the saving itself is the model's
``save_weights(filepath, overwrite=True)`` or ``save(filepath, overwrite=True)``.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any

import numpy as np

from xlaflow.callbacks.callback import python_logs, to_float
from xlaflow.callbacks.monitor import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Saves the model or its weights at some frequency (``keras.callbacks.ModelCheckpoint``).

    Args:
      filepath: where to save; may hold format fields such as
        ``"model.{epoch:02d}-{val_loss:.2f}.keras"``. Must end in ``.keras`` (or
        ``.h5``), or in ``.weights.h5`` with ``save_weights_only=True``.
      monitor: the log name that decides the best model (``"val_loss"``).
      verbose: 1 prints a message per save decision.
      save_best_only: save only when ``monitor`` improves on the best value so far.
      save_weights_only: call ``model.save_weights`` instead of ``model.save``.
      mode: ``"auto"``, ``"min"`` or ``"max"``.
      save_freq: ``"epoch"``, or an int: save after every this many batches.
      initial_value_threshold: the best value to beat at the start (best-only).

    Raises:
      ValueError: ``save_freq`` is neither ``"epoch"`` nor an int, or ``filepath``
        has the wrong extension.
    """

    _accepts_device_logs = True

    def __init__(self, filepath: Any, monitor: str = "val_loss", verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto", save_freq: str | int = "epoch",
                 initial_value_threshold: float | None = None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self._config = dict(filepath=self.filepath, monitor=monitor, verbose=verbose, save_best_only=save_best_only,
                            save_weights_only=save_weights_only, mode=mode, save_freq=save_freq,
                            initial_value_threshold=initial_value_threshold)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen: int | None = None
        self._current_epoch = 0
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int)):
            raise ValueError(
                "ModelCheckpoint: argument `save_freq` must be 'epoch' or an integer number of batches. "
                f"Received: save_freq={save_freq!r}"
            )
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "ModelCheckpoint: when using `save_weights_only=True`, argument `filepath` must end in "
                    f"`.weights.h5` (Keras weights format). Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith((".keras", ".h5")):
            raise ValueError(
                "ModelCheckpoint: argument `filepath` must end in `.keras` (Keras model format). "
                f"Received: filepath={self.filepath}"
            )

    def _needs_batch_hooks(self, mode: str = "train") -> bool:
        return mode == "train" and self.save_freq != "epoch"

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=python_logs(logs))

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _should_save_on_batch(self, batch: int) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch: batches are 0-based
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    # -- the best value across restarts ------------------------------------------------
    def _best_file(self) -> str:
        return os.path.join(os.path.dirname(self.filepath) or ".", ".xlaflow_best.json")

    def _best_key(self) -> str:
        return f"{self.filepath}|{self.monitor}|{self.mode}"

    def _read_best_file(self) -> dict:
        try:
            with open(self._best_file(), "rb") as f:
                data = json.loads(f.read(1 << 20))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def on_train_begin(self, logs=None):
        if self.save_best_only and self.best is None:
            stored = self._read_best_file().get(self._best_key())
            if isinstance(stored, (int, float)) and np.isfinite(stored):
                self.best = float(stored)

    def _remember_best(self) -> None:
        from xlaflow.saving.atomic import atomic_write_bytes

        data = self._read_best_file()
        data[self._best_key()] = self.best
        os.makedirs(os.path.dirname(self._best_file()) or ".", exist_ok=True)
        atomic_write_bytes(self._best_file(), json.dumps(data).encode())

    def _should_save_model(self, epoch: int, logs: dict, filepath: str) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn(
                f"Can save best model only when `monitor` is a scalar value. Received: {current}. "
                "Falling back to `save_best_only=False`.",
                stacklevel=3,
            )
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        current = to_float(current)
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to {current:.5f}, "
                      f"saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    def _save_model(self, epoch: int, batch: int | None, logs: dict | None) -> None:
        logs = logs or {}
        filepath = self._get_file_path(epoch, batch, logs)
        if os.path.isdir(filepath):
            raise IOError(
                "ModelCheckpoint: please specify a non-directory filepath. "
                f"Filepath used is an existing directory: {filepath}"
            )
        if not self._should_save_model(epoch, logs, filepath):
            return
        dirname = os.path.dirname(filepath)
        if dirname and not os.path.exists(dirname):
            os.makedirs(dirname, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.save_best_only and self.best is not None:
            self._remember_best()
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _get_file_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {e}') from None

    def get_config(self) -> dict:
        return dict(self._config)
