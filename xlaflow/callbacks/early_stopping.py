"""``EarlyStopping``: stop ``fit`` when a monitored quantity stops improving."""

from __future__ import annotations

import warnings
from typing import Any

from xlaflow.callbacks.monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stops training when ``monitor`` has not improved for ``patience`` epochs
    (``keras.callbacks.EarlyStopping``).

    At each epoch end (from epoch ``start_from_epoch`` on) the monitored value is
    compared with the best so far; an improvement resets the wait counter only if it
    also beats ``baseline`` (when given). Once the counter reaches ``patience`` (and
    not on the first epoch) ``model.stop_training`` is set.

    Args:
      monitor: the log name to watch (``"val_loss"``).
      min_delta: changes smaller than this do not count as improvements.
      patience: epochs without improvement before stopping.
      verbose: 1 prints when stopping and when restoring weights.
      mode: ``"auto"``, ``"min"`` or ``"max"``.
      baseline: a value the model must beat; without it, training stops after
        ``patience`` epochs.
      restore_best_weights: at the end of training, restore the weights of the best
        epoch (even if it did not beat ``baseline``).
      start_from_epoch: epochs to wait before monitoring starts.

    Example::

        model.fit(x, y, epochs=100, callbacks=[keras.callbacks.EarlyStopping("loss", patience=3)])
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0, verbose: int = 0,
                 mode: str = "auto", baseline: float | None = None, restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self._config = dict(monitor=monitor, min_delta=min_delta, patience=patience, verbose=verbose, mode=mode,
                            baseline=baseline, restore_best_weights=restore_best_weights,
                            start_from_epoch=start_from_epoch)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights: Any = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # A callback may be reused across fit calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()  # late: the model's metrics are built by now
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs: dict | None) -> Any:
        """The monitored value in ``logs``, or None (with a warning) if absent."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs.keys())}",
                stacklevel=2,
            )
        return value

    def get_config(self) -> dict:
        return dict(self._config)
