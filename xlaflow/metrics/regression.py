"""Regression metrics: the mean over all samples of a regression loss
(``MeanSquaredError``, ``MeanAbsoluteError``, ``MeanAbsolutePercentageError``,
``MeanSquaredLogarithmicError``, ``CosineSimilarity``, ``LogCoshError``) and
``RootMeanSquaredError`` (the square root of the weighted mean squared error)."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp

from xlaflow.losses import regression as losses
from xlaflow.losses.base import loss_op, prepare, squeeze_or_expand_to_same_rank
from xlaflow.losses.regression import _l2_normalize
from xlaflow.metrics.base import divide_no_nan, read, values_of, wrap
from xlaflow.metrics.reduction import Mean, MeanMetricWrapper


class _Wrapped(MeanMetricWrapper):
    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_Wrapped):
    """Mean of ``mean_squared_error`` over all samples."""

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(_Wrapped):
    """Mean of ``mean_absolute_error`` over all samples."""

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(_Wrapped):
    """Mean of ``mean_absolute_percentage_error`` over all samples."""

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype: Any = None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_Wrapped):
    """Mean of ``mean_squared_logarithmic_error`` over all samples."""

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype: Any = None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(_Wrapped):
    """Mean cosine similarity between labels and predictions (``+1`` for equal directions)."""

    def __init__(self, name: str = "cosine_similarity", dtype: Any = None, axis: int = -1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(_Wrapped):
    """Mean of ``log_cosh`` over all samples."""

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt`` of the weighted mean of ``square(y_pred - y_true)``."""

    def __init__(self, name: str = "root_mean_squared_error", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_true, y_pred = squeeze_or_expand_to_same_rank(values_of(y_true, self.dtype), values_of(y_pred, self.dtype))
        sw = None if sample_weight is None else values_of(sample_weight, self.dtype)
        self._add(jnp.square(y_pred - y_true), sw)

    def result(self) -> Any:
        return wrap(jnp.sqrt(divide_no_nan(read(self.total), read(self.count))))


@loss_op("KerasCosineSimilarityMetric")
def cosine_similarity(y_true, y_pred, axis=-1):
    """``sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``: +1 for equal directions
    (``keras.metrics.cosine_similarity``; the loss of the same name is its negative)."""
    y_true, y_pred = prepare("cosine_similarity", y_true, y_pred)
    return jnp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)
