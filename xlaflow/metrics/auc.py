"""``AUC``: area under the ROC or precision-recall curve, from per-threshold counts.

Keras 3's definition: ``num_thresholds`` (default 200) thresholds spaced evenly over
[0, 1], the first and last moved out by epsilon (1e-7) so predictions of exactly 0
and 1 are counted; true/false positive/negative counts accumulate per threshold
(see :mod:`xlaflow.metrics.confusion`); ``result()`` sums a Riemann approximation
of the curve -- trapezoids (``"interpolation"``), or the lower (``"minoring"``) or
upper (``"majoring"``) rectangles. For the PR curve with interpolation, Davis &
Goadrich's interpolation of precision between thresholds is used instead of
trapezoids. ``multi_label=True`` keeps one curve per label and averages them
(weighted by ``label_weights``).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.losses.base import EPSILON
from xlaflow.metrics.base import Metric, divide_no_nan, read, values_of, wrap
from xlaflow.metrics.confusion import confusion_counts, evenly_distributed

CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
SUMMATIONS = {"interpolation": "interpolation", "majoring": "majoring", "minoring": "minoring"}
_STATE = {"tp": "true_positives", "fp": "false_positives", "tn": "true_negatives", "fn": "false_negatives"}


class AUC(Metric):
    """Approximate area under the ROC or PR curve.

    Args:
      num_thresholds: number of thresholds (> 1) when ``thresholds`` is not given.
      curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"``.
      summation_method: ``"interpolation"`` (default), ``"minoring"`` or ``"majoring"``.
      name, dtype: as for :class:`Metric`.
      thresholds: explicit thresholds in [0, 1] (``num_thresholds`` becomes
        ``len(thresholds) + 2``).
      multi_label: one curve per label (``y_pred`` of rank 2), averaged.
      num_labels: number of labels with ``multi_label`` (else learnt on first update).
      label_weights: weights of labels in the average (or, without ``multi_label``,
        weights of the label columns in the counts).
      from_logits: apply a sigmoid to ``y_pred`` first.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC", summation_method: str = "interpolation",
                 name: str | None = None, dtype: Any = None, thresholds: Any = None, multi_label: bool = False,
                 num_labels: int | None = None, label_weights: Any = None, from_logits: bool = False):
        if not isinstance(curve, str) or curve.lower() not in CURVES:
            raise ValueError(f"AUC: argument `curve` must be one of ['ROC', 'PR', 'PRGAIN']. Received: curve={curve!r}")
        if not isinstance(summation_method, str) or summation_method.lower() not in SUMMATIONS:
            raise ValueError("AUC: argument `summation_method` must be one of ['interpolation', 'majoring', 'minoring']. "
                             f"Received: summation_method={summation_method!r}")
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            thresholds = sorted(float(t) for t in (thresholds if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]))
            bad = [t for t in thresholds if not 0 <= t <= 1]
            if bad:
                raise ValueError(f"AUC: argument `thresholds` must be values in [0, 1]. Received: thresholds={thresholds!r}")
            self.num_thresholds = len(thresholds) + 2
            self._thresholds_distributed_evenly = evenly_distributed([0.0, *thresholds, 1.0])
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(f"AUC: argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds!r}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        self._thresholds = np.array([0.0 - EPSILON, *thresholds, 1.0 + EPSILON])
        self.curve = CURVES[curve.lower()]
        self.summation_method = SUMMATIONS[summation_method.lower()]
        super().__init__(name=name, dtype=dtype)
        self.multi_label = bool(multi_label)
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else jnp.asarray(np.asarray(label_weights), self.dtype)
        self._from_logits = bool(from_logits)
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError(f"AUC: argument `num_labels` is needed only when `multi_label=True`. Received: num_labels={num_labels!r}")
            self._build(None)

    @property
    def thresholds(self) -> list:
        return list(self._thresholds)

    def _build(self, shape: Any) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(f"AUC: with `multi_label=True`, `y_pred` must have rank 2. Received: y_pred.shape={tuple(shape)}")
            self._num_labels = int(shape[1])
            var_shape = (self.num_thresholds, self._num_labels)
        else:
            var_shape = (self.num_thresholds,)
        for attr in _STATE.values():
            setattr(self, attr, self.add_variable(var_shape, "zeros", name=attr))
        self._built = True

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = values_of(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        counts = confusion_counts(
            tuple(_STATE), values_of(y_true), y_pred, self.thresholds,
            sample_weight=None if sample_weight is None else values_of(sample_weight), multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights, evenly=self._thresholds_distributed_evenly,
            dtype=self.dtype, owner="AUC")
        for cond, attr in _STATE.items():
            var = getattr(self, attr)
            var.assign(read(var) + counts[cond].astype(self.dtype))

    def _average(self, per_threshold: Any) -> Any:
        if not self.multi_label:
            return jnp.sum(per_threshold)
        by_label = jnp.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return jnp.mean(by_label)
        return divide_no_nan(jnp.sum(by_label * self.label_weights), jnp.sum(self.label_weights))

    def _interpolate_pr_auc(self, tp: Any, fp: Any, fn: Any) -> Any:
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, jnp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both = jnp.logical_and(p[:-1] > 0, p[1:] > 0)
        ratio = jnp.where(both, divide_no_nan(p[:-1], jnp.maximum(p[1:], 0)), jnp.ones_like(p[1:]))
        increment = divide_no_nan(slope * (dtp + intercept * jnp.log(ratio)), jnp.maximum(tp[1:] + fn[1:], 0))
        return self._average(increment)

    def result(self) -> Any:
        if not self._built:
            return wrap(jnp.zeros((), self.dtype))
        tp, fp, tn, fn = (read(getattr(self, a)) for a in _STATE.values())
        if self.curve == "PR" and self.summation_method == "interpolation":
            return wrap(self._interpolate_pr_auc(tp, fp, fn))
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = jnp.where(tp == 0, 0.0, 1.0 - scale * divide_no_nan(fn, tp))
            precision_gain = jnp.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
            x, y = jnp.maximum(recall_gain, 0.0), precision_gain
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = jnp.minimum(y[:-1], y[1:])
        else:
            heights = jnp.maximum(y[:-1], y[1:])
        return wrap(self._average((x[:-1] - x[1:]) * heights))

    def reset_state(self) -> None:
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        lw = None if self.label_weights is None else np.asarray(self.label_weights).tolist()
        config = {"num_thresholds": self.num_thresholds, "curve": self.curve, "summation_method": self.summation_method,
                  "multi_label": self.multi_label, "num_labels": self.num_labels, "label_weights": lw,
                  "from_logits": self._from_logits}
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}
