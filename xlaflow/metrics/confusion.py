"""Confusion-matrix metrics: ``TruePositives``/``FalsePositives``/``TrueNegatives``/
``FalseNegatives``, ``Precision``, ``Recall`` and ``AUC``.

All count (weighted) predictions above each threshold, as Keras 3 does: a prediction
is positive when ``y_pred > threshold``; a label is positive when it is non-zero.
When the thresholds are evenly spaced over [0, 1] (AUC's default 200 thresholds),
predictions are put into buckets with ``ceil(y_pred * (n - 1)) - 1`` and the counts
are reverse cumulative sums of the buckets -- Keras' fast path, kept so the counts
agree with Keras bit for bit at bucket edges. ``top_k`` keeps only the ``k`` highest
predictions per row (the others become -1e10); ``class_id`` looks at one column.
"""

from __future__ import annotations

import functools
from typing import Any, Sequence

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.engine import compiler
from xlaflow.losses.base import EPSILON, squeeze_or_expand_to_same_rank
from xlaflow.metrics.base import Metric, divide_no_nan, read, values_of, wrap

NEG_INF = -1e10
_CONDS = ("tp", "fp", "tn", "fn")


def parse_thresholds(owner: str, thresholds: Any, default: float) -> list:
    """``thresholds`` as a list, each in [0, 1] (ValueError naming ``owner`` if not)."""
    if thresholds is None:
        return [default]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    bad = [t for t in values if t is None or isinstance(t, bool) or not isinstance(t, (int, float, np.floating, np.integer))
           or not 0 <= t <= 1]
    if bad or not values:
        raise ValueError(f"{owner}: argument `thresholds` must be values in [0, 1]. Received: thresholds={thresholds!r}")
    return [float(t) for t in values]


def evenly_distributed(thresholds: Sequence[float]) -> bool:
    """Whether ``thresholds`` are ``i / (n - 1)`` for ``i`` in ``0..n-1`` (n >= 3)."""
    n = len(thresholds)
    if n < 3:
        return False
    return bool(np.allclose(thresholds, np.arange(n, dtype=np.float32) / (n - 1), atol=EPSILON))


def filter_top_k(x: Any, k: int) -> Any:
    """``x`` with all but the ``k`` largest entries of each row set to -1e10."""
    _, idx = jax.lax.top_k(x, k)
    mask = jnp.sum(jax.nn.one_hot(idx, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * mask + NEG_INF * (1 - mask)


def confusion_counts(conds: Sequence[str], y_true: Any, y_pred: Any, thresholds: Sequence[float], *, top_k: int | None = None,
                     class_id: int | None = None, sample_weight: Any = None, multi_label: bool = False,
                     label_weights: Any = None, evenly: bool = False, dtype: Any = "float32", owner: str = "Metric") -> dict:
    """Per-threshold weighted counts ``{cond: array}`` for one batch (JAX arrays in).

    Shapes are ``(len(thresholds),)``, or ``(len(thresholds), num_labels)`` with
    ``multi_label``. Compiled once per shape and setting (also when called eagerly).
    """
    return _counts(y_true, y_pred, sample_weight, label_weights, conds=tuple(conds),
                   thresholds=tuple(float(t) for t in thresholds), top_k=top_k, class_id=class_id,
                   multi_label=bool(multi_label), evenly=bool(evenly), dtype=str(np.dtype(dtype)), owner=owner)


@functools.partial(compiler.jit, static_argnames=("conds", "thresholds", "top_k", "class_id", "multi_label", "evenly", "dtype", "owner"))
def _counts(y_true, y_pred, sample_weight, label_weights, *, conds, thresholds, top_k, class_id, multi_label, evenly, dtype,
            owner) -> dict:
    y_true = y_true.astype(dtype)
    y_pred = y_pred.astype(dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = jnp.expand_dims(sample_weight.astype(dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(f"{owner}: with `class_id`, `y_pred` must have shape (num_samples, num_classes). "
                             f"Received: y_pred.shape={tuple(y_pred.shape)}")
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    try:
        np.broadcast_shapes(tuple(y_true.shape), tuple(y_pred.shape))
        if sample_weight is not None:
            np.broadcast_shapes(tuple(sample_weight.shape), tuple(y_pred.shape))
    except ValueError:
        raise ValueError(f"{owner}: arguments `y_true`, `y_pred` and `sample_weight` must have compatible shapes. "
                         f"Received: y_true.shape={tuple(y_true.shape)}, y_pred.shape={tuple(y_pred.shape)}"
                         + ("" if sample_weight is None else f", sample_weight.shape={tuple(sample_weight.shape)}")) from None
    if evenly:
        with_eps = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        return _bucketed(conds, y_true, y_pred, len(thresholds), multi_label, sample_weight, label_weights, with_eps)
    return _compared(conds, y_true, y_pred, jnp.asarray(thresholds, dtype), multi_label, sample_weight, label_weights)


def _weights(y_pred: Any, sample_weight: Any, label_weights: Any, multi_label: bool) -> Any:
    w = jnp.ones((), y_pred.dtype)
    if sample_weight is not None:
        w = jnp.broadcast_to(sample_weight.astype(y_pred.dtype), y_pred.shape)
    if label_weights is not None:
        w = w * jnp.broadcast_to(jnp.expand_dims(label_weights, 0), y_pred.shape)
    if not multi_label and w.ndim:
        w = jnp.reshape(jnp.broadcast_to(w, y_pred.shape), (-1,))
    return w


def _bucketed(conds, y_true, y_pred, n, multi_label, sample_weight, label_weights, with_eps) -> dict:
    weights = _weights(y_pred, sample_weight, label_weights, multi_label)
    y_pred = jnp.clip(y_pred, 0.0, 1.0)
    y_true = (y_true != 0).astype(y_pred.dtype)
    if not multi_label:
        y_true, y_pred = jnp.reshape(y_true, (-1,)), jnp.reshape(y_pred, (-1,))
    y_true, y_pred = jnp.broadcast_arrays(y_true, y_pred)
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = jnp.ceil(y_pred * (n - 1)) - 1
    if with_eps:
        buckets = jnp.maximum(buckets, 0)
    buckets = buckets.astype(jnp.int32)

    def count(labels, ids):
        per_bucket = jax.ops.segment_sum(labels, ids, num_segments=n)
        return jnp.flip(jnp.cumsum(jnp.flip(per_bucket)))

    if multi_label:
        tp = jax.vmap(count)(true_labels.T, buckets.T).T
        fp = jax.vmap(count)(false_labels.T, buckets.T).T
        total_true, total_false = jnp.sum(true_labels, axis=0), jnp.sum(false_labels, axis=0)
    else:
        tp, fp = count(true_labels, buckets), count(false_labels, buckets)
        total_true, total_false = jnp.sum(true_labels), jnp.sum(false_labels)
    out = {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}
    return {c: out[c] for c in conds}


def _compared(conds, y_true, y_pred, thresholds, multi_label, sample_weight, label_weights) -> dict:
    y_true, y_pred = jnp.broadcast_arrays(y_true, y_pred)
    if multi_label:
        preds, labels = y_pred[None], (y_true != 0)[None]  # (1, N, L)
        thr = thresholds[:, None, None]
    else:
        preds, labels = jnp.reshape(y_pred, (1, -1)), jnp.reshape(y_true != 0, (1, -1))
        thr = thresholds[:, None]
    pred_pos = preds > thr
    weights = None
    if sample_weight is not None or (label_weights is not None and not multi_label):
        w = _weights(y_pred, sample_weight, None if multi_label else label_weights, multi_label)
        weights = jnp.broadcast_to(w, y_pred.shape if multi_label else (y_pred.size,))[None]
    pairs = {"tp": (labels, pred_pos), "fp": (~labels, pred_pos), "tn": (~labels, ~pred_pos), "fn": (labels, ~pred_pos)}
    out = {}
    for c in conds:
        hit = jnp.logical_and(*pairs[c])
        hit = jnp.broadcast_to(hit, (thresholds.shape[0], *hit.shape[1:]))
        vals = hit.astype(y_pred.dtype) if weights is None else jnp.where(hit, weights, 0.0).astype(y_pred.dtype)
        out[c] = jnp.sum(vals, axis=1)
    return out


class _ThresholdMetric(Metric):
    """Shared update: add this batch's counts to the state variables in ``_state``."""

    _state: dict = {}

    def _update(self, y_true, y_pred, sample_weight, **kw) -> None:
        counts = confusion_counts(tuple(self._state), values_of(y_true), values_of(y_pred), self.thresholds,
                                  sample_weight=None if sample_weight is None else values_of(sample_weight),
                                  evenly=self._thresholds_distributed_evenly, dtype=self.dtype, owner=type(self).__name__, **kw)
        for cond, attr in self._state.items():
            var = getattr(self, attr)
            var.assign(read(var) + counts[cond].astype(self.dtype))


class _ConfusionMatrixConditionCount(_ThresholdMetric):
    _cond = "tp"

    def __init__(self, thresholds: Any = None, name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(type(self).__name__, thresholds, 0.5)
        self._thresholds_distributed_evenly = evenly_distributed(self.thresholds)
        self._state = {self._cond: "accumulator"}
        self.accumulator = self.add_variable((len(self.thresholds),), "zeros", name="accumulator")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._update(y_true, y_pred, sample_weight)

    def result(self) -> Any:
        acc = read(self.accumulator)
        return wrap(acc[0] if len(self.thresholds) == 1 else acc)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted positive (``y_pred > threshold``)."""
    _cond = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted positive."""
    _cond = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted negative."""
    _cond = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted negative."""
    _cond = "fn"


class _PrecisionRecall(_ThresholdMetric):
    _other = "fp"

    def __init__(self, thresholds: Any = None, top_k: int | None = None, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        owner = type(self).__name__
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
            raise ValueError(f"{owner}: argument `top_k` must be a positive int or None. Received: top_k={top_k!r}")
        if class_id is not None and (isinstance(class_id, bool) or not isinstance(class_id, int)):
            raise ValueError(f"{owner}: argument `class_id` must be an int or None. Received: class_id={class_id!r}")
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parse_thresholds(owner, thresholds, 0.5 if top_k is None else NEG_INF)
        self._thresholds_distributed_evenly = evenly_distributed(self.thresholds)
        n = len(self.thresholds)
        other = "false_positives" if self._other == "fp" else "false_negatives"
        self._state = {"tp": "true_positives", self._other: other}
        self.true_positives = self.add_variable((n,), "zeros", name="true_positives")
        setattr(self, other, self.add_variable((n,), "zeros", name=other))

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        self._update(y_true, y_pred, sample_weight, top_k=self.top_k, class_id=self.class_id)

    def result(self) -> Any:
        tp = read(self.true_positives)
        other = read(getattr(self, self._state[self._other]))
        res = divide_no_nan(tp, tp + other)
        return wrap(res[0] if len(self.thresholds) == 1 else res)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """``true_positives / (true_positives + false_positives)`` per threshold."""
    _other = "fp"


class Recall(_PrecisionRecall):
    """``true_positives / (true_positives + false_negatives)`` per threshold."""
    _other = "fn"
