"""``keras.constraints``: Keras 3's weight constraints and ``get``/``serialize``/
``deserialize``.

Re-exports only: the classes are defined once in :mod:`xlaflow.constraints`.
"""

from xlaflow.constraints import (  # noqa: F401
    Constraint,
    MaxNorm,
    MinMaxNorm,
    NonNeg,
    UnitNorm,
    deserialize,
    get,
    max_norm,
    min_max_norm,
    non_neg,
    serialize,
    unit_norm,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.constraints")
