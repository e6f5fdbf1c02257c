"""``CallbackList``: the container the trainer calls, forwarding each hook to every callback.

It adds the default callbacks by Keras' rules (a ``History`` when asked — always in
``fit`` — and a ``ProgbarLogger`` when asked — when ``verbose != 0`` — unless the
user passed one), hands every callback the model and the params, and converts logs:

* begin/end and epoch hooks: one dict of Python floats (keys sorted, as Keras),
  shared by all callbacks so that one callback's additions (e.g.
  ``logs["learning_rate"]``) reach the ones after it;
* batch hooks: built-in callbacks get the values as they come (possibly device
  scalars not yet synchronised); other callbacks get Python floats, converted once
  per call and only if such a callback is present.

``needs_batch_hooks`` (and ``needs_test_batch_hooks``/``needs_predict_batch_hooks``)
tell the trainer whether some callback must see every dispatch, so that a fit whose
callbacks do not care may run many steps per dispatch and never synchronise.
"""

from __future__ import annotations

from typing import Any, Iterable

from xlaflow.callbacks.callback import Callback, device_logs, python_logs
from xlaflow.callbacks.history import History
from xlaflow.callbacks.progbar_logger import ProgbarLogger


def _flatten(callbacks: Any) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [c for item in callbacks for c in _flatten(item)]
    return [callbacks]


class CallbackList(Callback):
    """A list of callbacks called as one (``keras.callbacks.CallbackList``).

    Args:
      callbacks: a list of ``Callback`` instances (nested lists are flattened).
      add_history: add a ``History`` if the list has none.
      add_progbar: add a ``ProgbarLogger`` if the list has none.
      model: the model the callbacks act on.
      **params: passed to every callback's ``set_params`` (``verbose``, ``epochs``,
        ``steps``).

    Raises:
      TypeError: an element is not a ``Callback``.
    """

    def __init__(self, callbacks: Iterable[Callback] | Callback | None = None, add_history: bool = False,
                 add_progbar: bool = False, model: Any = None, **params: Any):
        super().__init__()
        self.callbacks = _flatten(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    "CallbackList: argument `callbacks` must hold `keras.callbacks.Callback` instances. "
                    f"Received an element of type {type(cb).__name__}: {cb!r}"
                )
        self._in_begin_end_block_count = 0
        self._add_default_callbacks(add_history, add_progbar)
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        self._history = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        self._progbar = next((cb for cb in self.callbacks if isinstance(cb, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def append(self, callback: Callback) -> None:
        """Add a callback, giving it the list's model and params."""
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)

    def set_params(self, params: dict) -> None:
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def set_model(self, model: Any) -> None:
        if not model:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    # --- what the trainer asks ---------------------------------------------------
    @property
    def needs_batch_hooks(self) -> bool:
        """True if some callback must see ``on_train_batch_*`` at every dispatch."""
        return any(cb._needs_batch_hooks("train") for cb in self.callbacks)

    @property
    def needs_test_batch_hooks(self) -> bool:
        """True if some callback must see ``on_test_batch_*`` at every dispatch."""
        return any(cb._needs_batch_hooks("test") for cb in self.callbacks)

    @property
    def needs_predict_batch_hooks(self) -> bool:
        """True if some callback must see ``on_predict_batch_*`` at every dispatch."""
        return any(cb._needs_batch_hooks("predict") for cb in self.callbacks)

    # --- forwarding ------------------------------------------------------------------
    def _call_all(self, hook: str, *args: Any, logs: dict | None = None) -> None:
        logs = python_logs(logs)
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)

    def _call_batch(self, hook: str, batch: int, logs: dict | None) -> None:
        lazy = device_logs(logs)
        floats = None
        for cb in self.callbacks:
            if cb._accepts_device_logs:
                getattr(cb, hook)(batch, logs=lazy)
            else:
                if floats is None:
                    floats = python_logs(lazy)
                getattr(cb, hook)(batch, logs=floats)

    def _on_begin(self) -> None:
        self._in_begin_end_block_count += 1

    def _on_end(self) -> None:
        self._in_begin_end_block_count -= 1
        if self._in_begin_end_block_count < 0:
            raise ValueError("CallbackList: `on_xxx_end` was called without a matching `on_xxx_begin`.")

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._call_all("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._call_all("on_epoch_end", epoch, logs=logs)

    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._on_begin()
        self._call_all("on_train_begin", logs=logs)

    def on_train_end(self, logs: dict | None = None) -> None:
        self._call_all("on_train_end", logs=logs)
        self._on_end()

    def on_test_begin(self, logs: dict | None = None) -> None:
        self._on_begin()
        self._call_all("on_test_begin", logs=logs)

    def on_test_end(self, logs: dict | None = None) -> None:
        self._call_all("on_test_end", logs=logs)
        self._on_end()

    def on_predict_begin(self, logs: dict | None = None) -> None:
        self._on_begin()
        self._call_all("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: dict | None = None) -> None:
        self._call_all("on_predict_end", logs=logs)
        self._on_end()

    def __iter__(self):
        return iter(self.callbacks)
