"""Keras 3 weight constraints (``keras.constraints``): ``new_w = constraint(w)``.

``constraint`` holds the base class and NonNeg, ``norms`` MaxNorm/MinMaxNorm/UnitNorm,
``registry`` name lookup. Keras' lowercase names (``max_norm`` ...) are the classes.
"""

from xlaflow.constraints.constraint import Constraint, NonNeg
from xlaflow.constraints.norms import MaxNorm, MinMaxNorm, UnitNorm
from xlaflow.constraints.registry import deserialize, get, serialize

max_norm = MaxNorm
min_max_norm = MinMaxNorm
non_neg = NonNeg
unit_norm = UnitNorm

__all__ = [
    "Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm",
    "min_max_norm", "non_neg", "serialize", "unit_norm",
]
