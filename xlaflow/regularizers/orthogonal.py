"""``OrthogonalRegularizer``: pushes the rows (or columns) of a 2-D weight towards
being orthogonal to each other.

The rows (``mode="rows"``) or columns are L2-normalized (Keras' ``normalize``: the
inverse norm capped at ``1 / 1e-7``), their pairwise dot products taken, and the
penalty is ``factor * 0.5 * sum(|off-diagonal products|) / (n * (n - 1) / 2)``:
``factor`` times the mean absolute cosine similarity over the ``n * (n - 1) / 2``
distinct pairs.
"""

from __future__ import annotations

from typing import Any

from xlaflow.ops import binary_ops, creation_ops, operators, reduce_ops, unary_ops
from xlaflow.regularizers.regularizer import Regularizer, as_tensor, check_factor

EPSILON = 1e-7  # keras.config.epsilon()
MODES = ("rows", "columns")


def _normalize(x: Any, axis: int) -> Any:
    inv_norm = unary_ops.rsqrt(reduce_ops.reduce_sum(unary_ops.square(x), axis=axis, keepdims=True))
    return x * binary_ops.minimum(inv_norm, 1.0 / EPSILON)


class OrthogonalRegularizer(Regularizer):
    """Penalizes non-orthogonal rows (or columns) of a 2-D weight.

    Args:
      factor: a non-negative factor (0.01 by default).
      mode: ``"rows"`` (default) or ``"columns"``.

    Raises:
      ValueError: ``factor`` is negative or ``mode`` unknown; on call, a weight
        that is not 2-D.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        self.factor = check_factor("OrthogonalRegularizer", "factor", factor)
        if mode not in MODES:
            raise ValueError(f"OrthogonalRegularizer: argument `mode` must be 'rows' or 'columns'. Received: mode={mode!r}")
        self.mode = mode

    def __call__(self, x: Any) -> Any:
        x = as_tensor(x)
        if len(x.shape) != 2:
            raise ValueError(
                f"OrthogonalRegularizer: the weight must have rank 2. Received: shape={tuple(x.shape)}"
            )
        if self.mode == "rows":
            x = _normalize(x, axis=1)
            product = binary_ops.matmul(x, x, transpose_b=True)
        else:
            x = _normalize(x, axis=0)
            product = binary_ops.matmul(x, x, transpose_a=True)
        size = int(product.shape[0])
        off_diagonal = product * (1.0 - creation_ops.eye(size, dtype=x.dtype))
        num_pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * reduce_ops.reduce_sum(operators.abs(off_diagonal)) / num_pairs

    def get_config(self) -> dict:
        return {"factor": self.factor, "mode": self.mode}
