"""``History``: records the epoch logs of ``fit``; the object ``fit`` returns."""

from __future__ import annotations

from xlaflow.callbacks.callback import Callback


class History(Callback):
    """Records every epoch's logs (``keras.callbacks.History``).

    Added to every ``fit`` automatically and returned by it. After training,
    ``history.history`` maps each log name (``"loss"``, metric names, ``"val_*"``)
    to its list of Python floats per epoch, ``history.epoch`` lists the epoch
    indices and ``history.params`` holds the fit's params. It also sets
    ``model.history`` to itself at the end of each epoch.

    Example::

        history = model.fit(x, y, epochs=3, verbose=0)
        history.history["loss"]   # [0.9, 0.5, 0.3]
    """

    _accepts_device_logs = True

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def _needs_batch_hooks(self, mode: str = "train") -> bool:
        return False

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch = []

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            try:
                value = float(value)
            except (TypeError, ValueError):
                pass
            self.history.setdefault(key, []).append(value)
        self.model.history = self
