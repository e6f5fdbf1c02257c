"""Reducing metrics: ``Sum``, ``Mean`` and ``MeanMetricWrapper`` (the mean of a
per-sample function such as a loss or ``binary_accuracy``).

Sample weights follow Keras 3: the weight's last axis is squeezed/expanded to the
values' rank, values are first reduced (mean for ``Mean``, sum for ``Sum``) over the
axes the weight does not have, then weighted; ``Mean`` divides the weighted total by
the sum of the weights (or the number of samples when there are none).
"""

from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp

from xlaflow.losses.base import apply_mask, squeeze_or_expand_to_same_rank
from xlaflow.metrics.base import Metric, divide_no_nan, fn_name, read, values_of, wrap


def reduce_to_samplewise_values(values: Any, sample_weight: Any, reduce_fn: Callable, dtype: Any, mask: Any = None) -> tuple:
    """Per-sample (axis 0) values, weighted, and the matching weights (JAX arrays)."""
    values = values.astype(dtype)
    if sample_weight is not None:
        sample_weight = sample_weight.astype(dtype)
        if mask is not None:
            sample_weight = apply_mask(sample_weight, mask, dtype, "sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_nd, v_nd = sample_weight.ndim, values.ndim
        if v_nd > w_nd:
            values = reduce_fn(values, axis=tuple(range(w_nd, v_nd)))
        try:
            sample_weight = jnp.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ValueError(
                f"Metric: argument `sample_weight` must broadcast to the values' shape {tuple(values.shape)}. "
                f"Received: sample_weight.shape={tuple(sample_weight.shape)}"
            ) from None
        values = values * sample_weight
        if w_nd > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_nd)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen."""

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        mask = getattr(values, "_keras_mask", None)
        v, _ = reduce_to_samplewise_values(values_of(values, self.dtype), _weights(sample_weight, self.dtype), jnp.sum,
                                           self.dtype, mask)
        self.total.assign_add(jnp.sum(v).astype(self.dtype))

    def result(self) -> Any:
        return wrap(read(self.total))


class Mean(Metric):
    """The (weighted) mean of all values seen: ``total / count``."""

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), "zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable((), "zeros", dtype=self.dtype, name="count")

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        mask = getattr(values, "_keras_mask", None)
        self._add(values_of(values, self.dtype), _weights(sample_weight, self.dtype), mask)

    def _add(self, values: Any, sample_weight: Any, mask: Any = None) -> None:
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, jnp.mean, self.dtype, mask)
        self.total.assign_add(jnp.sum(values).astype(self.dtype))
        if sample_weight is not None:
            n = jnp.sum(sample_weight)
        else:
            n = values.shape[0] if values.ndim >= 1 else 1
        self.count.assign_add(jnp.asarray(n, self.dtype))

    def result(self) -> Any:
        return wrap(divide_no_nan(read(self.total), read(self.count)))


class MeanMetricWrapper(Mean):
    """The mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Args:
      fn: a per-sample function (a loss function, ``binary_accuracy`` ...).
      name, dtype: as for :class:`Metric`.
      **kwargs: passed to ``fn`` on every update.
    """

    def __init__(self, fn: Callable, name: str | None = None, dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"MeanMetricWrapper: argument `fn` must be callable. Received: fn={fn!r}")
        super().__init__(name=name or "mean_metric_wrapper", dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        mask = getattr(y_pred, "_keras_mask", None)
        with_mask = getattr(self._fn, "with_mask", None)  # e.g. sparse crossentropy's ignore_class
        if with_mask is not None:
            values, values_mask = with_mask(y_true, y_pred, **self._fn_kwargs)
        else:
            values, values_mask = self._fn(y_true, y_pred, **self._fn_kwargs), None
        sample_weight = _weights(sample_weight, self.dtype)
        if mask is not None:  # the predictions' mask (Keras: applied with or without weights)
            sample_weight = apply_mask(sample_weight, values_of(mask), self.dtype, "sum")
        self._add(values_of(values).astype(self.dtype), sample_weight,
                  None if values_mask is None else values_of(values_mask))

    def get_config(self) -> dict:
        from xlaflow.losses.registry import serialize

        try:
            fn = serialize(self._fn)
        except ValueError:
            fn = fn_name(self._fn)
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        config = dict(config)
        if cls is MeanMetricWrapper and isinstance(config.get("fn"), str):
            from xlaflow.metrics.registry import get_function

            config["fn"] = get_function(config["fn"])
        return cls(**config)


def _weights(sample_weight: Any, dtype: Any) -> Any:
    return None if sample_weight is None else values_of(sample_weight, dtype)
