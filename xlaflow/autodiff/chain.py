"""Eager ops on gradients not computed yet join the gradient's program.

An eager loop usually does arithmetic on the gradients ``tape.gradient`` returns and
writes the result into Variables::

    for v, g in zip(variables, tape.gradient(loss, variables)):
        v.assign_sub(lr * g)

Run op by op that is one gradient program plus two dispatches per variable. While a
gradient run is pending (:mod:`xlaflow.autodiff.pending`), such work is recorded on
the run instead: an op whose inputs include a pending gradient (or an output of an
op recorded so) returns lazy outputs, and an ``assign``/``assign_add``/``assign_sub``
of such a value marks the Variable as pending (its storage is a
:class:`~xlaflow._core.state.Pending` until the run executes). The first read of any
of these values — ``float(loss)``, the next step's forward pass reading a Variable —
executes the run: backward pass, the recorded ops and the writes in one compiled
program, the written Variables' buffers donated. Values are exactly those of the op
by op run; only the number of dispatches changes.

An op that needs concrete values, one with run-time checks, one that mixes two
runs' values or reads a Variable with a pending write is not recorded: its inputs
are computed (the run executes) and it runs as usual.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow._core import state
from xlaflow._core.keys import aval_key
from xlaflow.autodiff import lazy
from xlaflow.autodiff import program as prog
from xlaflow.engine import cache, compiler
from xlaflow.engine.program import owned
from xlaflow.ops import dispatch
from xlaflow.ops import variable as variable_module
from xlaflow.ops.tensor import TensorLike

_KINDS = {"assign": lambda old, x: x, "assign_add": lambda old, x: old + x, "assign_sub": lambda old, x: old - x}


class Chain:
    """The ops and writes recorded on one pending gradient run."""

    def __init__(self, run: Any):
        self.run = run
        self.records: list = []  # (op, statics, origins, in_structure, outputs, treedef, record key)
        self.writes: list = []  # (variable index, kind, origin)
        self.consts: list = []
        self.variables: list = []  # read or written Variables, in first-use order
        self._var_index: dict = {}
        self._out_origin: dict = {}  # id(lazy output) -> ("post", i, j)

    def _var(self, var: Any) -> int:
        index = self._var_index.get(id(var))
        if index is None:
            index = self._var_index[id(var)] = len(self.variables)
            self.variables.append(var)
        return index

    def origin(self, x: Any, a: Any) -> tuple | None:
        """Where an input comes from, or None when it cannot be recorded here."""
        run = self.run
        if getattr(x, "_run", None) is run and x._filled is None:
            return ("grad", x._index)
        found = self._out_origin.get(id(x))
        if found is not None:
            return found
        if dispatch._is_deferred(x):
            return None  # another run's (or a tape's) pending value
        if isinstance(x, variable_module.Variable):
            if type(x._storage) is state.Pending:
                return None
            return ("var", self._var(x))
        if a is None:
            return ("none",)
        self.consts.append(a._value if dispatch._is_deferred(a) else a)
        return ("const", len(self.consts) - 1)

    def record(self, op: Any, flat_inputs: list, arrays: dict, statics: dict) -> Any:
        flat = [a for v in arrays.values() for a in (v if isinstance(v, list) else (v,))]
        n_consts = len(self.consts)
        origins = []
        for x, a in zip(flat_inputs, flat):
            o = self.origin(x, a)
            if o is None:
                del self.consts[n_consts:]
                return None
            origins.append(o)
        abstract = lazy.abstract_outputs(op, arrays, statics)
        if abstract is None:
            del self.consts[n_consts:]
            return None
        avals, treedef, in_structure, record_key = abstract
        outputs = [lazy.LazyTensor.make(a, self.run) for a in avals]
        i = len(self.records)
        for j, out in enumerate(outputs):
            self._out_origin[id(out)] = ("post", i, j)
        self.records.append((op, statics, origins, in_structure, outputs, treedef, record_key))
        return jax.tree_util.tree_unflatten(treedef, outputs)

    def write(self, var: Any, kind: str, value: Any) -> bool:
        o = self.origin(value, value)
        if o is None or o[0] not in ("grad", "post"):
            return False
        aval = value._aval()
        if tuple(aval.shape) != tuple(var._storage.shape) or aval.dtype != var._np_dtype:
            return False  # let the ordinary path convert or report
        self.writes.append((self._var(var), kind, o))
        state.store(var, state.Pending(self.run.execute, var._storage))
        return True

    def key(self) -> tuple:
        return (tuple((rk, tuple(o)) for (_, _, o, _, _, _, rk) in self.records), tuple(self.writes),
                tuple(map(aval_key, self.consts)), tuple(aval_key(v._storage) for v in self.variables
                                                            if type(v._storage) is not state.Pending))


def execute(run: Any, chain: Chain) -> None:
    """Runs ``run``'s backward pass with ``chain``'s ops and writes as one program."""
    written = sorted({w[0] for w in chain.writes})
    read = [i for i in range(len(chain.variables)) if i not in written]
    key = ("chain", run.key, chain.key(), tuple(written))
    family = ("chain", run.program.family("vjp"), key[2][:2])
    fn = cache.cached(key, lambda: compiler.jit(_program(run, chain, written, read), donate_argnums=(4,)), family=family,
                      describe=lambda: run.program.describe(run.slots), what="a GradientTape's recorded program")
    pending = {i: chain.variables[i]._storage for i in written}
    for i in written:  # the values from before the write (the Pending marker stands in the storage)
        state.store(chain.variables[i], pending[i].previous)
    written_vals = [owned(chain.variables[i]._storage) for i in written]
    read_vals = [chain.variables[i]._storage for i in read]
    consts = [jnp.asarray(c) if isinstance(c, (bool, int, float, complex)) else c for c in run.program.constants]
    grads, extras, posts, new = fn(run.slots, consts, run.cotangents, chain.consts, written_vals, read_vals)
    for k, value in zip(run.connected, grads):
        run.gradients[k]._filled = value
    from xlaflow.autodiff.pending import _fill_extras

    _fill_extras(run.program, run.extras, extras)
    it = iter(posts)
    for rec in chain.records:
        for out in rec[4]:
            out._filled = next(it)
    for i, value in zip(written, new):
        state.store(chain.variables[i], value)


def _program(run: Any, chain: Chain, written: list, read: list) -> Any:
    vjp = prog.vjp_fn(run.program, run.extras)
    n, owner, connected = len(run.slots), list(run.owner), list(run.connected)
    records = [(op, statics, origins, in_structure) for (op, statics, origins, in_structure, *_rest) in chain.records]
    writes = list(chain.writes)
    position = {i: k for k, i in enumerate(written)}
    read_position = {i: k for k, i in enumerate(read)}

    def fused(slots, consts, cotangents, chain_consts, written_vals, read_vals):
        outs = vjp(slots, consts, cotangents)
        per_source: dict = {}
        for g, k in zip(outs[:n], owner):
            per_source[k] = g if k not in per_source else per_source[k] + g
        produced: dict = {}
        current = {i: written_vals[k] for i, k in position.items()}
        current.update({i: read_vals[k] for i, k in read_position.items()})

        def fetch(o: tuple) -> Any:
            kind = o[0]
            if kind == "grad":
                return per_source[o[1]]
            if kind == "post":
                return produced[(o[1], o[2])]
            if kind == "var":
                return current[o[1]]
            if kind == "const":
                return chain_consts[o[1]]
            return None

        posts = []
        for i, (op, statics, origins, in_structure) in enumerate(records):
            flat = [fetch(o) for o in origins]
            args, p = {}, 0
            for name, count in in_structure.items():
                if count is None:
                    args[name] = flat[p]
                    p += 1
                else:
                    args[name] = flat[p:p + count]
                    p += count
            for j, leaf in enumerate(jax.tree_util.tree_leaves(op.impl(**args, **statics))):
                produced[(i, j)] = leaf
                posts.append(leaf)
        for var_index, kind, o in writes:
            old = current[var_index]
            current[var_index] = _KINDS[kind](old, fetch(o)).astype(old.dtype)
        return ([per_source[k] for k in connected], list(outs[n:]), posts, [current[i] for i in written])

    return fused


def _chain_of(run: Any) -> Chain:
    chain = getattr(run, "chain", None)
    if chain is None:
        chain = run.chain = Chain(run)
    return chain


def _run_of(values: list) -> Any:
    """The one pending gradient run the deferred values belong to (None if none or several)."""
    found = None
    for x in values:
        if not dispatch._is_deferred(x):
            continue
        run = getattr(x, "_run", None) or getattr(x, "_tape", None)
        if run is None or not hasattr(run, "connected") or run.done or (found is not None and run is not found):
            return None
        found = run
    return found


def defer_op(op: Any, flat_inputs: list, arrays: dict, statics: dict) -> Any:
    """dispatch's hook: ``op`` on pending gradient values, recorded on their run (or None)."""
    if op.check is not None:
        return None
    run = _run_of(flat_inputs)
    if run is None:
        return None
    return _chain_of(run).record(op, flat_inputs, arrays, statics)


def defer_assign(var: Any, kind: str, value: Any) -> bool:
    """Variable's hook: ``var.<kind>(value)`` of a pending value, recorded on its run."""
    if not isinstance(value, TensorLike) or type(var._storage) is state.Pending:
        return False
    run = _run_of([value])
    if run is None:
        return False
    return _chain_of(run).write(var, kind, value)


dispatch.pending_hook = defer_op
variable_module.deferred_assign = defer_assign
