"""Keras 3 activation functions (``keras.activations``) on xlaflow ops.

The functions live in three modules by kind -- ``rectifiers`` (relu and relatives),
``squashing`` (sigmoid/tanh and shrink functions), ``normalizing`` (softmax and
friends over an axis) -- and ``registry`` resolves names and configs. Each works
eagerly, under a ``GradientTape``, inside ``xlaflow.function`` and on symbolic
inputs, because each is one xlaflow op (TF's where TF has it).
"""

from xlaflow.activations.normalizing import glu, log_softmax, softmax, sparsemax  # noqa: F401
from xlaflow.activations.rectifiers import (  # noqa: F401
    celu,
    elu,
    exponential,
    gelu,
    hard_silu,
    hard_swish,
    leaky_relu,
    linear,
    mish,
    relu,
    relu6,
    selu,
    silu,
    softplus,
    sparse_plus,
    squareplus,
    swish,
    threshold,
)
from xlaflow.activations.registry import deserialize, get, serialize  # noqa: F401
from xlaflow.activations.squashing import (  # noqa: F401
    hard_shrink,
    hard_sigmoid,
    hard_tanh,
    log_sigmoid,
    sigmoid,
    soft_shrink,
    softsign,
    sparse_sigmoid,
    tanh,
    tanh_shrink,
)
