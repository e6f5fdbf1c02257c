"""The ``Constraint`` base class and ``NonNeg``.

A constraint maps a weight to its projection onto the allowed set; optimizers apply
it after each update (``w.assign(constraint(w))``). Constraints are computed with
xlaflow ops, so they work eagerly and inside ``xlaflow.function``.
"""

from __future__ import annotations

from typing import Any

from xlaflow.ops import binary_ops, convert
from xlaflow.ops.dispatch import is_symbolic
from xlaflow.ops.tensor import TensorLike


def as_tensor(x: Any) -> Any:
    """``x`` itself if it is a Tensor, Variable or symbolic tensor, else converted."""
    if isinstance(x, TensorLike) or is_symbolic(x):
        return x
    return convert.convert_to_tensor(x)


class Constraint:
    """Base class of weight constraints: ``new_w = constraint(w)`` (the identity here).

    Subclasses implement ``__call__`` and, when they take arguments, ``get_config``.

    Example::

        class Clip(Constraint):
            def __init__(self, limit=1.0):
                self.limit = limit
            def __call__(self, w):
                return xlaflow.clip_by_value(w, -self.limit, self.limit)
            def get_config(self):
                return {"limit": self.limit}
    """

    def __call__(self, w: Any) -> Any:
        """The constrained weight (``w`` unchanged for the base class)."""
        return w

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        """A constraint built from :meth:`get_config`'s dict."""
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class NonNeg(Constraint):
    """Constrains weights to be non-negative: ``max(w, 0)``."""

    def __call__(self, w: Any) -> Any:
        return binary_ops.maximum(as_tensor(w), 0)
