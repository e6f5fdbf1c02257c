"""``keras.regularizers``: Keras 3's weight regularizers and ``get``/``serialize``/
``deserialize``.

Re-exports only: the classes are defined once in :mod:`xlaflow.regularizers`.
"""

from xlaflow.regularizers import (  # noqa: F401
    L1,
    L1L2,
    L2,
    OrthogonalRegularizer,
    Regularizer,
    deserialize,
    get,
    l1,
    l1_l2,
    l2,
    orthogonal_regularizer,
    serialize,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.regularizers")
