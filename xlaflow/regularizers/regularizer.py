"""The ``Regularizer`` base class and the argument check the penalties share.

A regularizer maps a weight tensor to a scalar penalty that Keras adds to the loss
(``layer.losses``). Penalties are computed with xlaflow ops, so they are
differentiable under a ``GradientTape`` and work inside ``xlaflow.function``; a
``Variable`` is passed to the ops as is, so tapes see which variable was read.
"""

from __future__ import annotations

import math
from typing import Any

from xlaflow.ops import convert
from xlaflow.ops.dispatch import is_symbolic
from xlaflow.ops.tensor import TensorLike


class Regularizer:
    """Base class of regularizers: ``penalty = regularizer(weight)``.

    Subclasses implement ``__call__`` and ``get_config``.

    Example::

        class SumOfSquares(Regularizer):
            def __init__(self, factor=0.1):
                self.factor = factor
            def __call__(self, x):
                return self.factor * xlaflow.reduce_sum(xlaflow.square(x))
            def get_config(self):
                return {"factor": self.factor}
    """

    def __call__(self, x: Any) -> Any:
        """The penalty for ``x`` (0.0 for the base class)."""
        return 0.0

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        """A regularizer built from :meth:`get_config`'s dict."""
        return cls(**config)

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_config()")

    def __repr__(self) -> str:
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


def check_factor(owner: str, name: str, value: Any) -> float:
    """``value`` as a float if it is a finite non-negative number, else ValueError."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
    if not ok:
        raise ValueError(f"{owner}: argument `{name}` must be a non-negative float. Received: {name}={value!r}")
    return float(value)


def as_tensor(x: Any) -> Any:
    """``x`` itself if it is a Tensor, Variable or symbolic tensor, else converted."""
    if isinstance(x, TensorLike) or is_symbolic(x):
        return x
    return convert.convert_to_tensor(x)
