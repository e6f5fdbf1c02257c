"""``ReduceLROnPlateau``: lower the learning rate when a monitored quantity stalls."""

from __future__ import annotations

import warnings

import numpy as np

from xlaflow.callbacks.learning_rate_scheduler import add_learning_rate_logs, current_learning_rate
from xlaflow.callbacks.monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiplies the learning rate by ``factor`` after ``patience`` epochs without
    improvement (``keras.callbacks.ReduceLROnPlateau``).

    After a reduction, ``cooldown`` epochs pass before the wait counter runs again;
    the rate never goes below ``min_lr``. The epoch's logs get a ``"learning_rate"``
    entry.

    Args:
      monitor: the log name to watch (``"val_loss"``).
      factor: the multiplier, < 1.
      patience: epochs without improvement before a reduction.
      verbose: 1 prints each reduction.
      mode: ``"auto"``, ``"min"`` or ``"max"``.
      min_delta: changes smaller than this do not count as improvements.
      cooldown: epochs to wait after a reduction before counting again.
      min_lr: the lower bound of the learning rate.

    Raises:
      ValueError: ``factor >= 1``.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10, verbose: int = 0,
                 mode: str = "auto", min_delta: float = 1e-4, cooldown: int = 0, min_lr: float = 0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self._config = dict(monitor=monitor, factor=factor, patience=patience, verbose=verbose, mode=mode,
                            min_delta=min_delta, cooldown=cooldown, min_lr=min_lr)
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self._reset()

    def _reduce_optimizer_lr(self, optimizer, epoch: int, name: str = "") -> bool:
        old_lr = current_learning_rate(optimizer)
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            optimizer.learning_rate = new_lr
            if self.verbose > 0:
                name_str = f" {name}" if name else ""
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name_str} learning rate to {new_lr}.")
            return True
        return False

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = add_learning_rate_logs(self.model.optimizer, logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs.keys())}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                opt = self.model.optimizer
                if hasattr(opt, "optimizers"):
                    reduced = any([self._reduce_optimizer_lr(o, epoch, f"{o.name}") for o in opt.optimizers])
                else:
                    reduced = self._reduce_optimizer_lr(opt, epoch)
                if reduced:
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether the callback is in its cooldown period after a reduction."""
        return self.cooldown_counter > 0

    def get_config(self) -> dict:
        return dict(self._config)
