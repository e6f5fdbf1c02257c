"""``LearningRateScheduler``: set the optimizer's learning rate at each epoch start from a function."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow.callbacks.callback import Callback


def current_learning_rate(optimizer: Any) -> float:
    """``optimizer.learning_rate`` as a Python float (a Variable's value, or a schedule's
    value now)."""
    return float(np.asarray(optimizer.learning_rate))


class LearningRateScheduler(Callback):
    """Sets the learning rate from ``schedule`` at the start of every epoch
    (``keras.callbacks.LearningRateScheduler``).

    The new rate is assigned to ``model.optimizer.learning_rate``, which takes effect
    at the next step without recompiling; the epoch's logs get a
    ``"learning_rate"`` entry.

    Args:
      schedule: ``schedule(epoch, lr) -> float`` (epoch 0-based, ``lr`` the current
        rate); a one-argument ``schedule(epoch)`` is accepted too.
      verbose: 1 prints the rate set at each epoch.

    Raises:
      ValueError (at the epoch start): the optimizer has no ``learning_rate`` or
        ``schedule`` did not return a float.

    Example::

        def scheduler(epoch, lr):
            return lr if epoch < 10 else lr * 0.9
        model.fit(x, y, epochs=15, callbacks=[keras.callbacks.LearningRateScheduler(scheduler)])
    """

    def __init__(self, schedule: Callable, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise ValueError(
                "LearningRateScheduler: argument `schedule` must be a function `schedule(epoch, lr)` returning the "
                f"learning rate. Received: schedule={schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose

    def _update_optimizer_lr(self, optimizer: Any, epoch: int) -> float:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError(
                'LearningRateScheduler: the optimizer must have a "learning_rate" attribute. '
                f"Received: optimizer={optimizer!r}"
            )
        try:
            learning_rate = self.schedule(epoch, current_learning_rate(optimizer))
        except TypeError:  # the old one-argument signature
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                "LearningRateScheduler: the output of the `schedule` function should be a float. "
                f"Got: {learning_rate!r}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        opt = self.model.optimizer
        if hasattr(opt, "optimizers"):
            for inner in opt.optimizers:
                lr = self._update_optimizer_lr(inner, epoch)
                if self.verbose > 0:
                    print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting {inner.name} learning rate to {lr}.")
        else:
            lr = self._update_optimizer_lr(opt, epoch)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        add_learning_rate_logs(self.model.optimizer, logs)

    def get_config(self) -> dict:
        return {"schedule": self.schedule, "verbose": self.verbose}


def add_learning_rate_logs(optimizer: Any, logs: dict | None) -> dict:
    """Put the current learning rate(s) into ``logs`` as Keras does:
    ``learning_rate``, or ``learning_rate_<name>`` per inner optimizer."""
    logs = logs if logs is not None else {}
    if hasattr(optimizer, "optimizers"):
        for inner in optimizer.optimizers:
            logs[f"learning_rate_{inner.name}"] = current_learning_rate(inner)
    else:
        logs["learning_rate"] = current_learning_rate(optimizer)
    return logs
