"""``keras.optimizers.schedules``: learning-rate schedules (re-exports of :mod:`xlaflow.optimizers.schedules`)."""

from xlaflow.optimizers.schedules import (
    CosineDecay,
    CosineDecayRestarts,
    ExponentialDecay,
    InverseTimeDecay,
    LearningRateSchedule,
    PiecewiseConstantDecay,
    PolynomialDecay,
    deserialize,
    serialize,
)

__all__ = ["CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule",
           "PiecewiseConstantDecay", "PolynomialDecay", "deserialize", "serialize"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.optimizers.schedules")
