"""A recorded program: the ops a tape saw, replayable as one pure JAX function.

A :class:`Record` is one op call: the op, its static attributes and where each input
came from (an earlier record's output, a read of a source, or a constant). A
:class:`Program` is the slice of records between some sources and targets; it turns
into ``replay(source_values, constants) -> targets``, which ``jax.vjp`` differentiates.

Programs are compiled once per *structure* — ops, attributes, wiring, and the shapes
and dtypes of sources and constants — through the engine's cache
(:mod:`xlaflow.engine.cache`), so a training loop that records the same program every
step compiles on its first step only. Constants travel as arguments of the compiled
function, never as baked-in values, so new data each step does not recompile.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import jax
import numpy as np

from xlaflow._core.keys import aval_key, freeze
from xlaflow.engine import compiler

# An input's origin: ("op", record_index, output_index) | ("src", slot) | ("const", k)
Origin = tuple


class Record:
    """One op call seen by a tape."""

    __slots__ = ("op", "statics", "inputs", "in_structure", "outputs", "out_treedef", "key")

    def __init__(self, op: Any, statics: dict, inputs: list, in_structure: dict, outputs: list, out_treedef: Any,
                 key: tuple | None = None):
        self.op = op
        self.statics = statics
        self.inputs = inputs  # per flat input: (kind, payload) fixed at record time
        self.in_structure = in_structure  # param -> None (single) or list length
        self.outputs = outputs  # flat output Tensors (None for non-tensor leaves)
        self.out_treedef = out_treedef
        # What makes two records the same op call (programs key on it).
        self.key = record_key(op, statics, in_structure, out_treedef) if key is None else key


def record_key(op: Any, statics: dict, in_structure: dict, out_treedef: Any) -> tuple:
    """What makes two calls of ``op`` the same recorded op call."""
    return (id(op), op.name, tuple(sorted((k, freeze(v)) for k, v in statics.items())),
            tuple(sorted(in_structure.items())), out_treedef)


class Program:
    """The records that lead from ``n_sources`` source slots to the targets."""

    def __init__(self, records: list[Record], wiring: list[tuple[int, list[Origin]]], targets: list[Origin], n_sources: int,
                 constants: list, perturb: dict[tuple[int, int], int] | None = None):
        self.records = records  # in execution order, only those needed
        self.wiring = wiring  # (record position, origins of its flat inputs)
        self.targets = targets
        self.n_sources = n_sources
        self.constants = constants  # arrays / Python scalars, passed as arguments
        self.perturb = perturb or {}  # (record, output) -> source slot added to it
        self.baked: dict[int, np.ndarray] = {}  # constants compiled in as values (see bake())
        self.slot_objects: list = []  # what fills each source slot (Tensor/Variable/None)
        self.const_objects: list = []  # the Tensor/Variable behind each constant, if any

    def key(self, sources: Sequence[Any]) -> tuple:
        ops = tuple((rec.key, tuple(origins)) for rec, (_, origins) in zip(self.records, self.wiring))
        return (ops, tuple(self.targets), tuple(sorted(self.perturb.items())),
                tuple(aval_key(s) for s in sources), tuple(aval_key(c) for c in self.constants),
                tuple((k, freeze(v)) for k, v in sorted(self.baked.items())))

    def family(self, kind: Any) -> tuple:
        """The key without shapes: the same ops, wiring and targets (retrace warnings)."""
        ops = tuple((rec.key, tuple(origins)) for rec, (_, origins) in zip(self.records, self.wiring))
        return ("tape", kind, ops, tuple(self.targets), tuple(sorted(self.perturb.items())))

    def describe(self, sources: Sequence[Any]) -> dict:
        """Per source and constant, its shape and dtype (what a retrace warning names)."""
        out = {}
        for k, s in enumerate(sources):
            obj = self.slot_objects[k] if k < len(self.slot_objects) else None
            name = getattr(obj, "name", None) or f"source {k}"
            out[name] = ("array", [f"shape={tuple(np.shape(s))}"])
        for k, c in enumerate(self.constants):
            out[f"input {k}"] = ("array", [f"shape={tuple(np.shape(c))}"])
        return out

    def bake(self) -> bool:
        """Compiles integer and boolean constants in as values (masks, indices), for ops
        that need concrete values such as ``boolean_mask``. False if there is none."""
        for k, c in enumerate(self.constants):
            if isinstance(c, (jax.Array, np.ndarray)) and not isinstance(c, jax.core.Tracer) and np.dtype(c.dtype).kind in "biu":
                self.baked[k] = np.asarray(c)
        return bool(self.baked)

    def replay_fn(self, extras: Sequence[Origin] = ()) -> Callable:
        """``replay(sources, constants) -> targets`` (and ``extras`` values as a second
        result when given: outputs a caller wants without differentiating them)."""
        records, wiring, targets, perturb, baked = self.records, self.wiring, self.targets, self.perturb, self.baked
        extras = list(extras)

        def replay(sources: Sequence[Any], constants: Sequence[Any]) -> list:
            produced: dict[tuple[int, int], Any] = {}

            def fetch(origin: Origin) -> Any:
                kind = origin[0]
                if kind == "op":
                    return produced[(origin[1], origin[2])]
                if kind == "src":
                    return sources[origin[1]]
                k = origin[1]
                return baked[k] if k in baked else constants[k]

            for rec, (pos, origins) in zip(records, wiring):
                flat = [None if o is None else fetch(o) for o in origins]
                args, i = {}, 0
                for p, n in rec.in_structure.items():
                    if n is None:
                        args[p] = flat[i]
                        i += 1
                    else:
                        args[p] = flat[i:i + n]
                        i += n
                out = rec.op.impl(**args, **rec.statics)
                leaves = jax.tree_util.tree_leaves(out)
                for j, leaf in enumerate(leaves):
                    k = perturb.get((pos, j))
                    produced[(pos, j)] = leaf if k is None else leaf + sources[k]
            outs = [fetch(t) for t in targets]
            return (outs, [fetch(e) for e in extras]) if extras else outs

        return replay


def vjp_fn(program: Program, extras: Sequence[Origin] = ()) -> Callable:
    """:func:`vjp_pure`, compiled."""
    return compiler.jit(vjp_pure(program, extras))


def vjp_pure(program: Program, extras: Sequence[Origin] = ()) -> Callable:
    """``grads(sources, constants, cotangents) -> list of source cotangents``;
    followed by the values of ``extras`` (forward outputs) when there are any."""
    replay = program.replay_fn(extras)

    def grads(sources, constants, cotangents):
        if extras:
            _, pullback, values = jax.vjp(lambda s: replay(s, constants), list(sources), has_aux=True)
            return list(pullback(list(cotangents))[0]) + list(values)
        _, pullback = jax.vjp(lambda s: replay(s, constants), list(sources))
        return pullback(list(cotangents))[0]

    return grads


def forward_fn(program: Program) -> Callable:
    """``outputs(constants) -> targets`` of a program without sources, jitted."""
    replay = program.replay_fn()
    return compiler.jit(lambda constants: replay([], constants))


def jacobian_fn(program: Program) -> Callable:
    """``jac(sources, constants) -> [per source jacobian]`` of the single target, jitted."""
    replay = program.replay_fn()

    def jac(sources, constants):
        return jax.jacrev(lambda s: replay(s, constants)[0])(list(sources))

    return compiler.jit(jac)
