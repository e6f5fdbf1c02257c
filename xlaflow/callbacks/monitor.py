"""``MonitorCallback``: the "is this value an improvement?" logic shared by EarlyStopping,
ModelCheckpoint and ReduceLROnPlateau.

Keras' rules: ``mode="min"``/``"max"`` choose the direction; ``mode="auto"`` minimises
``loss``/``val_loss`` and otherwise looks the metric (without ``val_``) up among the
model's compiled metrics and follows its direction (accuracy-like metrics go up,
error-like ones down); an unknown direction is an error asking for ``mode``. A value
improves on the reference when ``value - min_delta`` is below (min) or above (max)
it, ``min_delta`` counted towards the right direction; the comparison is done in
float32, as Keras compares tensors.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from xlaflow.callbacks.callback import Callback, to_float

# Keras' metric directions (its metrics' ``_direction``), for metric objects that
# do not carry one themselves.
_UP = {"AUC", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "ConcordanceCorrelation", "CosineSimilarity",
       "FBetaScore", "F1Score", "PearsonCorrelation", "Precision", "R2Score", "Recall", "SparseCategoricalAccuracy",
       "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy", "IoU", "MeanIoU", "BinaryIoU", "OneHotIoU",
       "OneHotMeanIoU"}
_DOWN = {"BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "Hinge", "LogCoshError",
         "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError",
         "RootMeanSquaredError", "SparseCategoricalCrossentropy", "SquaredHinge"}


def _all_metrics(metrics: Any) -> list:
    """Metric objects of ``model.metrics``, looking inside containers (objects with
    their own ``metrics`` list, like Keras' compiled-metrics wrapper)."""
    found = []
    for m in metrics or []:
        inner = getattr(m, "metrics", None)
        if isinstance(inner, (list, tuple)) and inner is not metrics:
            found.extend(_all_metrics(inner))
        found.append(m)
    return found


def _direction(metric: Any) -> str | None:
    direction = getattr(metric, "_direction", None)
    if direction in ("up", "down"):
        return direction
    for cls in type(metric).__mro__:
        if cls.__name__ in _UP:
            return "up"
        if cls.__name__ in _DOWN:
            return "down"
    return None


def _less(a: Any, b: Any) -> bool:
    return bool(np.float32(a) < np.float32(b))


def _greater(a: Any, b: Any) -> bool:
    return bool(np.float32(a) > np.float32(b))


class MonitorCallback(Callback):
    """Base of callbacks that watch one logged quantity.

    Args:
      monitor: the log name to watch.
      mode: ``"auto"``, ``"min"`` or ``"max"`` (anything else warns and uses ``"auto"``).
      baseline: the initial best value (None: the first value seen).
      min_delta: the smallest change that counts as an improvement.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline: float | None = None,
                 min_delta: float = 0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto mode.", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = _less
            for m in _all_metrics(getattr(self.model, "metrics", None)):
                if getattr(m, "name", None) == name and _direction(m) is not None:
                    self.monitor_op = _greater if _direction(m) == "up" else _less
            if self.monitor_op is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor}, but xlaflow isn't able to "
                    "automatically determine whether that metric should be maximized or minimized. Pass "
                    "`mode='max'` in order to monitor based on the highest metric value, or pass `mode='min'` in "
                    "order to use the lowest value."
                )
        if self.monitor_op is _less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value: Any, reference_value: Any) -> bool:
        if reference_value is None:
            return True
        return self.monitor_op(to_float(monitor_value) - self.min_delta, to_float(reference_value))
