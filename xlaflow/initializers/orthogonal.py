"""``Orthogonal``: a random orthogonal matrix (Saxe et al., 2014), the default
recurrent-kernel initializer of Keras' LSTM and GRU.

A standard normal matrix of shape ``(max(rows, cols), min(rows, cols))`` -- ``rows``
being the product of all dims but the last -- is QR-decomposed; ``Q`` with its
columns' signs fixed by ``R``'s diagonal (so the result is uniformly distributed) is
transposed if the shape is wide, reshaped to the requested shape and multiplied by
``gain``. Rows (or columns, whichever are fewer) are orthonormal.
"""

from __future__ import annotations

import math
from typing import Any

from xlaflow.initializers.initializer import check_dtype, check_shape
from xlaflow.initializers.random import RandomInitializer, _number
from xlaflow.ops import array_ops, linalg_ops, unary_ops


class Orthogonal(RandomInitializer):
    """Initializes to a random orthogonal matrix times ``gain``.

    Args:
      gain: multiplicative factor (1.0 by default).
      seed: an int for reproducible values, or None (draws from the global state).

    Raises (on call):
      ValueError: the shape has rank < 2.
    """

    def __init__(self, gain: float = 1.0, seed: Any = None):
        self.gain = _number("Orthogonal", "gain", gain)
        super().__init__(seed=seed)

    def sampler(self, shape):
        return "normal", {"mean": 0.0, "stddev": 1.0}

    @staticmethod
    def flat_shape(shape: tuple[int, ...]) -> tuple[int, int]:
        """The shape of the normal matrix that is QR-decomposed: ``(max, min)`` of
        ``(rows, cols)``."""
        rows, cols = math.prod(shape[:-1]), shape[-1]
        return max(rows, cols), min(rows, cols)

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        shape = check_shape("Orthogonal", shape)
        if len(shape) < 2:
            raise ValueError(
                f"Orthogonal: argument `shape` must have rank >= 2. Received: shape={shape} of rank {len(shape)}"
            )
        d = check_dtype("Orthogonal", dtype, floating=True)
        # QR needs float32/float64; half precision is computed in float32, then cast.
        work = d if d.name in ("float32", "float64") else check_dtype("Orthogonal", "float32")
        kind, params = self.sampler(shape)
        a = self.draw(kind, self.flat_shape(shape), work, params)
        q, r = linalg_ops.qr(a)
        q = q * unary_ops.sign(linalg_ops.diag_part(r))
        if math.prod(shape[:-1]) < shape[-1]:  # a wide matrix: orthonormal rows
            q = array_ops.transpose(q)
        q = array_ops.reshape(q, list(shape))
        if self.gain != 1:
            q = q * array_ops.cast(self.gain, work)
        return q if work == d else array_ops.cast(q, d)

    def get_config(self) -> dict:
        return {**super().get_config(), "gain": self.gain}
