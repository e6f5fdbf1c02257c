"""The weight penalties ``L1``, ``L2`` and ``L1L2`` of ``keras.regularizers``.

* ``L1(l1=0.01)``: ``l1 * sum(abs(x))``;
* ``L2(l2=0.01)``: ``l2 * sum(square(x))`` (no factor 1/2, unlike ``tf.nn.l2_loss``);
* ``L1L2(l1=0.0, l2=0.0)``: both terms (a zero factor's term is left out).

The penalty has ``x``'s dtype.
"""

from __future__ import annotations

from typing import Any

from xlaflow.ops import creation_ops, operators, reduce_ops, unary_ops
from xlaflow.regularizers.regularizer import Regularizer, as_tensor, check_factor


def _l1_term(factor: float, x: Any) -> Any:
    return factor * reduce_ops.reduce_sum(operators.abs(x))


def _l2_term(factor: float, x: Any) -> Any:
    return factor * reduce_ops.reduce_sum(unary_ops.square(x))


class L1(Regularizer):
    """``l1 * sum(abs(x))``.

    Args:
      l1: a non-negative factor (0.01 by default; None also means 0.01).

    Raises:
      ValueError: ``l1`` is negative, infinite or not a number.
    """

    def __init__(self, l1: float = 0.01):
        self.l1 = check_factor("L1", "l1", 0.01 if l1 is None else l1)

    def __call__(self, x: Any) -> Any:
        return _l1_term(self.l1, as_tensor(x))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(square(x))``.

    Args:
      l2: a non-negative factor (0.01 by default; None also means 0.01).

    Raises:
      ValueError: ``l2`` is negative, infinite or not a number.
    """

    def __init__(self, l2: float = 0.01):
        self.l2 = check_factor("L2", "l2", 0.01 if l2 is None else l2)

    def __call__(self, x: Any) -> Any:
        return _l2_term(self.l2, as_tensor(x))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(abs(x)) + l2 * sum(square(x))``.

    Args:
      l1, l2: non-negative factors (0.0 by default; None also means 0.0).

    Raises:
      ValueError: a factor is negative, infinite or not a number.
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = check_factor("L1L2", "l1", 0.0 if l1 is None else l1)
        self.l2 = check_factor("L1L2", "l2", 0.0 if l2 is None else l2)

    def __call__(self, x: Any) -> Any:
        x = as_tensor(x)
        penalty = creation_ops.zeros([], dtype=x.dtype)
        if self.l1:
            penalty = penalty + _l1_term(self.l1, x)
        if self.l2:
            penalty = penalty + _l2_term(self.l2, x)
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}
