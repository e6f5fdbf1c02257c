"""``ProgbarLogger``: prints training progress, the callback ``fit`` adds when ``verbose != 0``.

``verbose=1``: ``Epoch i/N`` then a live bar per epoch with ETA, time per step and
the running metrics, ending on the epoch's logs (with ``val_*``); into a pipe only
that final line is written. ``verbose=2``: ``Epoch i/N`` and one line per epoch.
Validation inside ``fit`` is silent; ``evaluate``/``predict`` get their own bar.
See :mod:`xlaflow.callbacks.progbar` for the drawing and its cost.
"""

from __future__ import annotations

import sys

from xlaflow.callbacks.callback import Callback
from xlaflow.callbacks.progbar import Progbar, _interactive


class ProgbarLogger(Callback):
    """Prints metrics to stdout (``keras.callbacks.ProgbarLogger``).

    Takes no arguments; its verbosity, number of epochs and steps come from the
    params ``fit``/``evaluate``/``predict`` pass (``verbose``, ``epochs``, ``steps``).
    """

    _accepts_device_logs = True

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target: int | None = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _needs_batch_hooks(self, mode: str = "train") -> bool:
        # Only a live bar on a terminal redraws between epochs.
        if self.verbose != 1 or not _interactive():
            return False
        return not (mode == "test" and self._called_in_fit)

    def on_train_begin(self, logs=None):
        self._called_in_fit = True  # validation inside fit is silent

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
            sys.stdout.flush()

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._update_progbar(batch, None)  # predictions are not shown

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(logs)

    def _reset_progbar(self) -> None:
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self) -> None:
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step",
                                   stateless_metrics=set())

    def _update_progbar(self, batch: int, logs: dict | None) -> None:
        self._maybe_init_progbar()
        self.seen = batch + 1
        if self.verbose == 1:
            self.progbar.update(self.seen, list((logs or {}).items()), finalize=False)

    def _finalize_progbar(self, logs: dict | None) -> None:
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, list((logs or {}).items()), finalize=True)
