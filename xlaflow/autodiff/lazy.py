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
import jax.numpy as jnp

from xlaflow.autodiff import program as prog
from xlaflow.engine.cache import cached
from xlaflow.ops import dispatch
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
            self._tape._force(self)
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


def defer(tape: Any, op: Any, flat_inputs: list, arrays: dict, statics: dict) -> Any:
    """Records ``op`` without running it, returning lazy outputs (see
    :mod:`xlaflow.autodiff.lazy`); None to let dispatch run it now."""
    flat = [a for v in arrays.values() for a in (v if isinstance(v, list) else (v,))]
    if any([isinstance(a, jax.core.Tracer) for a in flat]) or not any([tape._tracked(x) for x in flat_inputs]):
        return None
    abstract = abstract_outputs(op, arrays, statics)
    if abstract is None:
        return None  # let the eager run raise its error
    avals, treedef, in_structure, record_key = abstract
    outputs = [LazyTensor.make(a, tape) for a in avals]
    tape.append(prog.Record(op, statics, tape.origins(flat_inputs, flat), in_structure, outputs, treedef, record_key))
    return jax.tree_util.tree_unflatten(treedef, outputs)


def pending_records(tape: Any) -> list[int]:
    """Indices of the tape's records that have outputs not computed yet."""
    return [i for i, rec in enumerate(tape._records) if any(isinstance(o, LazyTensor) and o.pending for o in rec.outputs)]


def force(tape: Any) -> None:
    """Computes every pending lazy output in one compiled forward program."""
    pending = pending_records(tape)
    if not pending:
        return
    position = {i: n for n, i in enumerate(pending)}
    constants: list = []
    wiring = []
    for i in pending:
        origins = []
        for inp in tape._records[i].inputs:
            if inp is None:
                origins.append(None)
                continue
            if inp[0] == "op" and inp[1] in position:
                origins.append(("op", position[inp[1]], inp[2]))
                continue
            if inp[0] == "op":
                constants.append(tape._records[inp[1]].outputs[inp[2]]._value)
            else:
                constants.append(inp[2] if inp[0] == "src" else inp[1])
            origins.append(("const", len(constants) - 1))
        wiring.append((position[i], origins))
    targets = [("op", position[i], j) for i in pending for j, o in enumerate(tape._records[i].outputs)
               if isinstance(o, LazyTensor) and o.pending]
    program = prog.Program([tape._records[i] for i in pending], wiring, targets, 0, constants)
    fn = cached(("fwd",) + program.key([]), lambda: prog.forward_fn(program))
    consts = [jnp.asarray(c) if isinstance(c, (bool, int, float, complex)) else c for c in constants]
    with dispatch.recorders_paused():
        values = fn(consts)
    for (_, pos, j), value in zip(targets, values):
        tape._records[pending[pos]].outputs[j]._filled = value


_ABSTRACT: dict = {}


def abstract_outputs(op: Any, arrays: dict, statics: dict) -> tuple | None:
    """(output avals, output structure, input structure, record key) of ``op`` on these
    inputs, from a cached abstract evaluation (nothing runs); None if the op rejects them."""
    parts = []
    for v in arrays.values():
        for a in (v if isinstance(v, list) else (v,)):
            if a is None or isinstance(a, (bool, int, float, complex)):
                parts.append(a if a is None else type(a))
            elif isinstance(a, LazyTensor):
                parts.append(a._abstract)
            else:
                aval = getattr(a, "aval", None)  # a jax.Array's (shape, dtype, weak type)
                parts.append(aval if aval is not None else (tuple(a.shape), a.dtype, bool(getattr(a, "weak_type", False))))
    try:
        key = (id(op), tuple((k, type(v), v) for k, v in statics.items()), tuple(parts), tuple(
            (k, len(v) if isinstance(v, list) else None) for k, v in arrays.items()))
        hash(key)
    except TypeError:
        return None
    hit = _ABSTRACT.get(key)
    if hit is not None:
        return hit

    def spec(a: Any) -> Any:
        if a is None or isinstance(a, (bool, int, float, complex)):
            return a
        aval = a._abstract if isinstance(a, LazyTensor) else a
        return jax.ShapeDtypeStruct(aval.shape, aval.dtype, weak_type=bool(getattr(aval, "weak_type", False)))

    specs = {k: ([spec(a) for a in v] if isinstance(v, list) else spec(v)) for k, v in arrays.items()}
    dynamic = {k: v for k, v in specs.items() if not (v is None or isinstance(v, (bool, int, float, complex)))}
    fixed = {k: v for k, v in specs.items() if k not in dynamic}
    try:
        out = jax.eval_shape(lambda d: op.impl(**d, **fixed, **statics), dynamic)
    except Exception:  # noqa: BLE001 - the eager run reports the error properly
        return None
    leaves, treedef = jax.tree_util.tree_flatten(out)
    if any(not isinstance(leaf, jax.ShapeDtypeStruct) for leaf in leaves):
        return None
    in_structure = {k: len(v) if isinstance(v, list) else None for k, v in arrays.items()}
    entry = _ABSTRACT[key] = (leaves, treedef, in_structure, prog.record_key(op, statics, in_structure, treedef))
    if len(_ABSTRACT) > 4096:
        _ABSTRACT.pop(next(iter(_ABSTRACT)))
    return entry
