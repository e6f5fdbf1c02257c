"""``TerminateOnNaN``: stop ``fit`` as soon as a batch loss is NaN or infinite."""

from __future__ import annotations

import math

from xlaflow.callbacks.callback import Callback, to_float


class TerminateOnNaN(Callback):
    """Stops training on a NaN or infinite loss (``keras.callbacks.TerminateOnNaN``).

    Checks ``logs["loss"]`` after every training batch (dispatch) and sets
    ``model.stop_training``, so ``fit`` ends after that batch.

    Args:
      raise_error: raise a ``RuntimeError`` instead of stopping quietly.
    """

    _accepts_device_logs = True

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = to_float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                    "Terminating training immediately."
                )
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True

    def get_config(self) -> dict:
        return {"raise_error": self.raise_error}
