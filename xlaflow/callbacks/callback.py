"""``Callback``: the Keras 3 callback base class, and the log conversion shared by callbacks.

A callback is a bag of hooks that ``fit``/``evaluate``/``predict`` call at the
begin and end of training, testing, prediction, each epoch and each batch
(dispatch). Two additions to Keras' class let the trainer stay fast; user code
never needs them:

* :meth:`Callback._needs_batch_hooks` tells the trainer whether this callback must
  see batch hooks at every dispatch. By default a callback needs them when it
  overrides a batch hook of that mode; built-ins that only need them sometimes
  (a live progress bar, ``save_freq=<int>``) say so precisely.
* ``_accepts_device_logs``: built-ins set it to True and then receive batch logs
  whose values may be device scalars that are not yet synchronised (they call
  ``float()`` only when they really need a number). Other callbacks receive
  Python floats, as in Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

_BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def python_logs(logs: dict | None) -> dict:
    """Keras' log conversion: keys sorted, nested dicts flattened, values made Python
    floats where ``float()`` accepts them (this synchronises device values)."""
    result: dict = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(python_logs(value))
            continue
        try:
            value = float(value)
        except (TypeError, ValueError):
            pass
        result[key] = value
    return result


def device_logs(logs: dict | None) -> dict:
    """Like :func:`python_logs` but leaves values as they are (no synchronisation)."""
    result: dict = {}
    for key, value in sorted((logs or {}).items()):
        if isinstance(value, dict):
            result.update(device_logs(value))
        else:
            result[key] = value
    return result


def to_float(value: Any) -> float:
    """A log value as a Python float (a device scalar is synchronised here)."""
    return float(np.mean(np.asarray(value)))


class Callback:
    """Base class of Keras callbacks (``keras.callbacks.Callback``).

    Subclass it and override the hooks you need. Attributes set by the trainer:
    ``model`` (the model being trained) and ``params`` (a dict with ``verbose``,
    ``epochs`` and ``steps``). ``logs`` passed to epoch hooks hold ``"loss"``, the
    metric names and, after validation, the ``"val_*"`` entries; batch hooks see
    the running epoch averages up to that batch.

    Example::

        class Print(keras.callbacks.Callback):
            def on_epoch_end(self, epoch, logs=None):
                print(epoch, logs["loss"])
    """

    _accepts_device_logs = False

    def __init__(self) -> None:
        self.params: dict | None = None
        self._model: Any = None

    def set_params(self, params: dict) -> None:
        self.params = params

    def set_model(self, model: Any) -> None:
        self._model = model

    @property
    def model(self) -> Any:
        return self._model

    def _needs_batch_hooks(self, mode: str = "train") -> bool:
        """Whether the trainer must call this callback's ``mode`` batch hooks at every
        dispatch; by default: whether it overrides one of them."""
        return any(_overrides(self, name) for name in _BATCH_HOOKS[mode])

    # --- hooks: all do nothing ------------------------------------------------
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """A backwards-compatible alias of :meth:`on_train_batch_begin`."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """A backwards-compatible alias of :meth:`on_train_batch_end`."""

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of an epoch (training only)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of an epoch with the epoch's metrics (and ``val_*``)."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a training batch (or a dispatch of several steps)."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a training batch; ``batch`` is the index of the last step run."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a batch of ``evaluate`` (and of validation in ``fit``)."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a batch of ``evaluate`` (and of validation in ``fit``)."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a batch of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a batch of ``predict``."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``fit``."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``fit`` with the last epoch's logs."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``evaluate`` (and of validation in ``fit``)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``evaluate`` with its results."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of ``predict``."""

    # --- config -----------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments (empty for the base class)."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Callback":
        return cls(**config)


def _overrides(callback: Callback, name: str) -> bool:
    if name in getattr(callback, "__dict__", {}):
        return True
    return getattr(type(callback), name, None) is not getattr(Callback, name)
