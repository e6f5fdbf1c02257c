"""``keras.activations``: Keras 3's activation functions and ``get``/``serialize``/
``deserialize``.

Re-exports only: the functions are defined once in :mod:`xlaflow.activations`.
"""

from xlaflow.activations import (  # noqa: F401
    celu,
    deserialize,
    elu,
    exponential,
    gelu,
    get,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    serialize,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.activations")
