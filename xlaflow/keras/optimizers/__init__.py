"""``keras.optimizers``: the Keras 3 optimizers (re-exports of :mod:`xlaflow.optimizers`)."""

from xlaflow.keras.optimizers import schedules
from xlaflow.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Lion,
    Nadam,
    Optimizer,
    RMSprop,
    deserialize,
    get,
    serialize,
)

__all__ = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Lion", "Nadam", "Optimizer", "RMSprop", "SGD",
           "deserialize", "get", "schedules", "serialize"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.optimizers")
