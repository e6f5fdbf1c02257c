"""``LazyTensor``: an op output a recording tape has not computed yet.

While one ``GradientTape`` records eagerly, ops on values it tracks are not run one by
one: the tape records them and hands back lazy tensors that know their shape and
dtype (from a cached abstract evaluation). ``tape.gradient`` then runs forward and
backward as one compiled program and fills them in; anything that needs a value
sooner (``float(loss)``, printing, an op that inspects values) makes the tape run the
pending forward ops as one compiled program first. Results are the same as eager
execution; only the number of dispatches changes.
"""

from __future__ import annotations

from typing import Any

import jax

from xlaflow.ops.tensor import Tensor


class LazyTensor(Tensor):
    """A Tensor whose value the owning tape computes on first use."""

    __slots__ = ("_abstract", "_tape", "_filled")
    _deferred = True

    @classmethod
    def make(cls, aval: jax.ShapeDtypeStruct, tape: Any) -> "LazyTensor":
        t = object.__new__(cls)
        t._abstract = aval
        t._tape = tape
        t._filled = None
        return t

    @property
    def _value(self) -> Any:  # type: ignore[override]
        if self._filled is None:
            self._tape._force()
        return self._filled

    def _read(self) -> Any:
        return self._value

    def _aval(self) -> Any:
        return self._abstract if self._filled is None else self._filled

    @property
    def pending(self) -> bool:
        return self._filled is None


jax.tree_util.register_pytree_node(
    LazyTensor,
    lambda t: ((t._value,), None),
    lambda _, children: Tensor._wrap(children[0]),
)
