"""``xlaflow.nn``: TensorFlow's ``tf.nn`` namespace (activations, losses, convolution,
pooling, normalization, dropout).

Re-exports only: the ops are defined once under :mod:`xlaflow.ops`.
"""

from xlaflow.ops.activation_ops import (  # noqa: F401
    crelu,
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    silu,
    softmax,
    swish,
)
from xlaflow.ops.conv_ops import (  # noqa: F401
    atrous_conv2d,
    bias_add,
    conv1d,
    conv1d_transpose,
    conv2d,
    conv2d_transpose,
    conv3d,
    conv3d_transpose,
    conv_transpose,
    convolution,
    depthwise_conv2d,
    separable_conv2d,
)
from xlaflow.ops.gather_ops import embedding_lookup  # noqa: F401
from xlaflow.ops.linalg_ops import l2_normalize  # noqa: F401
from xlaflow.ops.loss_ops import (  # noqa: F401
    compute_average_loss,
    l2_loss,
    log_poisson_loss,
    scale_regularization_loss,
    sigmoid_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
    weighted_cross_entropy_with_logits,
)
from xlaflow.ops.pool_ops import (  # noqa: F401
    avg_pool,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool,
    max_pool1d,
    max_pool2d,
    max_pool3d,
    pool,
)
from xlaflow.ops.scan_ops import top_k  # noqa: F401
from xlaflow.ops.stat_ops import (  # noqa: F401
    batch_norm_with_global_normalization,
    batch_normalization,
    dropout,
    moments,
    normalize_moments,
    weighted_moments,
)
from xlaflow.ops.unary_ops import sigmoid, softplus, softsign, tanh  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.nn")
