"""``xlaflow.linalg``: TensorFlow's ``tf.linalg`` namespace (re-exports only).

Norms, products, decompositions, solvers and diagonal/band helpers on (batches of)
matrices, each defined once under :mod:`xlaflow.ops`.
"""

from xlaflow.ops.binary_ops import matmul
from xlaflow.ops.clip_ops import global_norm
from xlaflow.ops.contract_ops import einsum, tensordot
from xlaflow.ops.creation_ops import eye
from xlaflow.ops.linalg_ops import (
    adjoint,
    band_part,
    cholesky,
    det,
    diag,
    diag_part,
    eigh,
    eigvalsh,
    inv,
    l2_normalize,
    logdet,
    matrix_transpose,
    matvec,
    norm,
    qr,
    set_diag,
    slogdet,
    solve,
    svd,
    trace,
    triangular_solve,
)

transpose = matrix_transpose

__all__ = [
    "adjoint", "band_part", "cholesky", "det", "diag", "diag_part", "eigh", "eigvalsh", "einsum", "eye",
    "global_norm", "inv", "l2_normalize", "logdet", "matmul", "matrix_transpose", "matvec", "norm", "qr",
    "set_diag", "slogdet", "solve", "svd", "tensordot", "trace", "transpose", "triangular_solve",
]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.linalg")
