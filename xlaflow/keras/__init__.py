"""``xlaflow.keras``: the Keras 3 API on xlaflow (``from xlaflow import keras``).

Re-exports only. Module paths work as in TensorFlow: ``from xlaflow.keras.layers
import Dense``, ``keras.optimizers.Adam``, ``keras.losses.mean_squared_error``.
"""

from xlaflow.keras import (  # noqa: F401
    activations,
    callbacks,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    preprocessing,
    regularizers,
    saving,
    utils,
)
from xlaflow.models import Model, Sequential  # noqa: F401
from xlaflow.layers.symbolic_call import Input  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras")
