"""Probabilistic and hinge metrics: the mean over all samples of a loss function
(``BinaryCrossentropy``, ``CategoricalCrossentropy``, ``SparseCategoricalCrossentropy``,
``KLDivergence``, ``Poisson``, ``Hinge``, ``SquaredHinge``, ``CategoricalHinge``)."""

from __future__ import annotations

from typing import Any

from xlaflow.losses import hinge as hinge_losses
from xlaflow.losses import probabilistic as losses
from xlaflow.metrics.reduction import MeanMetricWrapper


class _Plain(MeanMetricWrapper):
    _loss: Any = None

    def __init__(self, name: str | None = None, dtype: Any = None):
        super().__init__(type(self)._loss, name=name, dtype=dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}


class KLDivergence(_Plain):
    """Mean Kullback-Leibler divergence."""
    _loss = staticmethod(losses.kl_divergence)

    def __init__(self, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)


class Poisson(_Plain):
    """Mean Poisson loss."""
    _loss = staticmethod(losses.poisson)

    def __init__(self, name: str = "poisson", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)


class Hinge(_Plain):
    """Mean hinge loss."""
    _loss = staticmethod(hinge_losses.hinge)

    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)


class SquaredHinge(_Plain):
    """Mean squared hinge loss."""
    _loss = staticmethod(hinge_losses.squared_hinge)

    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)


class CategoricalHinge(_Plain):
    """Mean categorical hinge loss."""
    _loss = staticmethod(hinge_losses.categorical_hinge)

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """Mean binary crossentropy."""

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None, from_logits: bool = False, label_smoothing: float = 0):
        super().__init__(losses.binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits, "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(MeanMetricWrapper):
    """Mean categorical crossentropy."""

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 label_smoothing: float = 0, axis: int = -1):
        super().__init__(losses.categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """Mean sparse categorical crossentropy."""

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None, from_logits: bool = False,
                 ignore_class: int | None = None, axis: int = -1):
        super().__init__(losses.sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype, "from_logits": self.from_logits,
                "ignore_class": self.ignore_class, "axis": self.axis}
