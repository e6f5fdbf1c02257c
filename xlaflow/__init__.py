"""xlaflow: TensorFlow/Keras training styles on one compiled JAX/XLA core.

``import xlaflow as tf`` gives the TensorFlow namespace. This module only
re-exports: every name is defined in a private module under ``xlaflow/_core`` or
``xlaflow/ops`` (and the namespaces ``xlaflow.math``, ``nn``, ``linalg``, ``random``).
"""

from xlaflow import config, data, dtypes, errors, image, io, keras, linalg, math, nn, random
from xlaflow._core.dtypes import (
    DType,
    as_dtype,
    bfloat16,
    bool,
    complex64,
    complex128,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from xlaflow._core.tensor_shape import TensorShape
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow.ops import Tensor, Variable
from xlaflow.ops.array_ops import (
    broadcast_to,
    cast,
    concat,
    expand_dims,
    identity,
    pad,
    rank,
    reshape,
    shape,
    size,
    split,
    squeeze,
    stack,
    stop_gradient,
    tile,
    transpose,
    unstack,
)
from xlaflow.ops.binary_ops import (
    add,
    atan2,
    divide,
    equal,
    floordiv,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    matmul,
    maximum,
    minimum,
    multiply,
    not_equal,
    pow,
    subtract,
    truediv,
)
from xlaflow._core.state import tracing as _tracing
from xlaflow.autodiff import GradientTape
from xlaflow.function import cond, function, map_fn, scan, while_loop
from xlaflow.ops.clip_ops import clip_by_global_norm, clip_by_norm, clip_by_value
from xlaflow.ops.contract_ops import add_n, einsum, tensordot
from xlaflow.ops.convert import constant, convert_to_tensor
from xlaflow.ops.debug_ops import print
from xlaflow.ops.creation_ops import eye, fill, linspace, ones, ones_like, range, zeros, zeros_like
from xlaflow.ops.gather_ops import (
    boolean_mask,
    gather,
    gather_nd,
    one_hot,
    reverse,
    tensor_scatter_nd_add,
    tensor_scatter_nd_update,
    where,
)
from xlaflow.ops.linalg_ops import norm
from xlaflow.ops.operators import abs, negative
from xlaflow.ops.reduce_ops import (
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from xlaflow.ops.scan_ops import argmax, argmin, argsort, cumsum, sort
from xlaflow.ops.unary_ops import (
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    exp,
    floor,
    round,
    sigmoid,
    sign,
    sin,
    sinh,
    sqrt,
    square,
    tan,
    tanh,
)

from xlaflow import compat, train  # TF1: tf.compat.v1, tf.train (v1 optimizers, Saver)
from xlaflow.compat.v1 import (  # TF1 names at the top level, where TF1 had them
    AUTO_REUSE,
    Graph,
    GraphKeys,
    InteractiveSession,
    Session,
    VariableScope,
    add_to_collection,
    assign,
    assign_add,
    assign_sub,
    constant_initializer,
    control_dependencies,
    get_collection,
    get_default_graph,
    get_default_session,
    get_variable,
    get_variable_scope,
    global_variables,
    global_variables_initializer,
    glorot_normal_initializer,
    glorot_uniform_initializer,
    gradients,
    group,
    initialize_all_variables,
    local_variables,
    local_variables_initializer,
    log,
    name_scope,
    no_op,
    ones_initializer,
    placeholder,
    placeholder_with_default,
    random_normal,
    random_normal_initializer,
    random_uniform,
    random_uniform_initializer,
    reset_default_graph,
    trainable_variables,
    truncated_normal,
    truncated_normal_initializer,
    variable_scope,
    variables_initializer,
    zeros_initializer,
)

from xlaflow import ragged, strings  # noqa: E402 - tf.ragged, tf.strings (host string ops)
from xlaflow.ops.ragged_tensor import RaggedTensor  # noqa: E402
from xlaflow.strings import as_string  # noqa: E402

newaxis = None
__version__ = "0.1.0"


def is_tensor(x: object) -> "bool":
    """Whether ``x`` is an xlaflow Tensor or Variable (TF's ``tf.is_tensor``)."""
    return isinstance(x, (Tensor, Variable, RaggedTensor)) or getattr(x, "_xf_symbolic", False) is True


def executing_eagerly() -> "bool":
    """False while a compiled function is being traced, True otherwise (TF's rule)."""
    return not _tracing()

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf")  # tf.<name> xlaflow lacks: "xlaflow does not implement tf.<name> yet"
