"""``xlaflow.dtypes``: the dtype objects and ``as_dtype`` (``tf.dtypes.*``)."""

from xlaflow._core.dtypes import (  # noqa: F401
    DType,
    XlaflowDowncastWarning,
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
from xlaflow.ops.array_ops import cast  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.dtypes")
