"""``LambdaCallback``: a callback made of plain functions."""

from __future__ import annotations

from typing import Callable

from xlaflow.callbacks.callback import Callback

_HOOKS = ("on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end", "on_train_batch_begin",
          "on_train_batch_end")


class LambdaCallback(Callback):
    """Builds a callback from functions (``keras.callbacks.LambdaCallback``).

    Each argument replaces the hook of the same name: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_train_begin(logs)``, ``on_train_end(logs)``,
    ``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``; other
    keyword arguments set attributes, so any other hook (``on_test_end=...``) can be
    given too.

    Example::

        print_loss = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(logs["loss"]))
    """

    def __init__(self, on_epoch_begin: Callable | None = None, on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None, on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None, on_train_batch_end: Callable | None = None,
                 **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        given = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end, on_train_begin=on_train_begin,
                     on_train_end=on_train_end, on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name, fn in given.items():
            if fn is not None:
                if not callable(fn):
                    raise TypeError(f"LambdaCallback: argument `{name}` must be callable. Received: {name}={fn!r}")
                setattr(self, name, fn)
        self._config = {**{k: v for k, v in given.items() if v is not None}, **kwargs}

    def get_config(self) -> dict:
        return dict(self._config)
