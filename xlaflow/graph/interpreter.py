"""The interpreter: the one place that evaluates graph nodes.

A :class:`Plan` turns a set of fetches (symbolic tensors, operations, Variables) and
the fed tensors into Python that evaluates the needed nodes, and hands it to the
engine (:class:`xlaflow.engine.program.Program`), which traces it once per fed
shapes, captures the Variables it reads and writes, compiles it with the written
variables' buffers donated, and runs it. Sessions cache plans by (fetch structure,
fed tensors) in a bounded cache; new fed shapes compile a new program of the same
plan (and, past a few, the engine's retrace warning names the placeholder).

Evaluation order and Variable reads: the needed nodes run in depth-first post-order
from the fetches (control inputs first, then data inputs, each node once). A node
reads a Variable's value at the moment it runs, so a node that depends (by data or
``control_dependencies``) on an update sees the new value, and ``loss`` fetched next
to ``train_op`` sees the values from before the update (the forward pass the update
was computed from). ``INIT`` nodes (the variable initializers) run first, on the host.

Gradients: a ``GRADIENTS`` node holds the nodes between its ``xs`` and ``ys``; the
interpreter evaluates them as a function of the ``xs`` under ``jax.vjp`` (everything
else is a constant of that function) and stores the primal ``ys`` too, so a loss that
is both fetched and differentiated is computed once.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow._core import errors, state
from xlaflow.engine.program import Program
from xlaflow.graph.node import CALL, COND, GRADIENTS, INIT, NOOP, PLACEHOLDER, UPDATE, Operation, SymbolicTensor, _is_input_leaf
from xlaflow.ops import dispatch
from xlaflow.ops.convert import CONST_LIMIT
from xlaflow.ops.tensor import Tensor, TensorLike


def is_variable(x: Any) -> bool:
    return isinstance(x, TensorLike) and not isinstance(x, Tensor)


def node_variables(node: Operation) -> list:
    """Variables a node reads or writes (its inputs, declared reads, targets)."""
    found = [x for x in node.input_leaves() if is_variable(x)]
    found += node.attrs.get("reads", [])
    found += node.attrs.get("vars", [])
    if node.kind != INIT:
        found += node.targets
    return found


def _deps(node: Operation, fed: dict) -> list:
    deps = list(node.control_inputs)
    if node.kind == PLACEHOLDER and id(node.outputs[0]) in fed:
        return deps
    leaves = node.attrs["boundary"] if node.kind in (GRADIENTS, COND) else node.input_leaves()
    deps += [t.op for t in leaves if isinstance(t, SymbolicTensor) and id(t) not in fed]
    return deps


def execution_order(roots: list, fed: dict) -> list:
    """The nodes needed for ``roots``, in depth-first post-order (iterative)."""
    seen: set = set()
    order: list = []
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                order.append(node)
                continue
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((d, False) for d in reversed(_deps(node, fed)) if id(d) not in seen)
    return order


def _small_constants(values: Any) -> bool:
    """Whether every array among ``values`` is concrete and small (as dispatch's rule)."""
    seen = False
    for a in jax.tree_util.tree_leaves(values):
        if isinstance(a, (bool, int, float, complex)):
            continue
        if isinstance(a, jax.core.Tracer) or not hasattr(a, "size") or a.size > CONST_LIMIT:
            return False
        seen = True
    return seen


class Evaluator:
    """Node values of one traced run (``env``: id(node) -> list of output values)."""

    def __init__(self, feeds: dict | None = None, parent: "Evaluator | None" = None, overrides: dict | None = None):
        self.env: dict = {}
        self.feeds = feeds or {}
        self.parent = parent
        self.overrides = overrides or {}

    def value(self, leaf: Any) -> Any:
        if isinstance(leaf, SymbolicTensor):
            key = id(leaf)
            if key in self.overrides:
                return self.overrides[key]
            if key in self.feeds:
                return self.feeds[key]
            outs = self.env.get(id(leaf.op))
            if outs is not None:
                return outs[leaf.value_index]
            if self.parent is not None:
                return self.parent.value(leaf)
            raise errors.InternalError(f"graph interpreter: {leaf.name} was not computed before use")
        if isinstance(leaf, Tensor):
            return leaf._value
        if isinstance(leaf, TensorLike):
            return state.read(leaf)
        return leaf

    def resolve(self, args: Any) -> Any:
        return jax.tree_util.tree_map(self.value, args, is_leaf=_is_input_leaf)

    def run(self, node: Operation) -> None:
        if id(node) in self.env:
            return
        kind = node.kind
        if kind == CALL:
            values = self.resolve(node.args)
            if _small_constants(values):  # shape arithmetic stays concrete (static) in the trace
                with jax.ensure_compile_time_eval():
                    out = node.fn(*values)
            else:
                out = node.fn(*values)
            self.env[id(node)] = jax.tree_util.tree_leaves(out)
        elif kind == PLACEHOLDER:
            fed = self.feeds.get(id(node.outputs[0]))
            self.env[id(node)] = [self.value(node.args[0]) if fed is None else fed]
        elif kind == UPDATE:
            new = list(node.fn(*self.resolve(node.args)))
            for var, val in zip(node.targets, new):
                val = jnp.asarray(val)
                if val.dtype != var._np_dtype:
                    val = val.astype(var._np_dtype)
                state.write(var, val)
            self.env[id(node)] = new[: len(node.outputs)]
        elif kind == GRADIENTS:
            self._gradients(node)
        elif kind == COND:
            self._cond(node)
        elif kind in (NOOP, INIT):
            self.env[id(node)] = []
        else:  # pragma: no cover - every kind is listed above
            raise errors.InternalError(f"graph interpreter: unknown node kind {kind!r}")

    def _cond(self, node: Operation) -> None:
        a = node.attrs
        written = a["written"]
        outer = state.current()

        def branch(nodes: list, outs: list) -> Any:
            def run(_: Any) -> tuple:
                scope = state.StateScope(parent=outer, tracing=True)
                child = Evaluator(parent=self)
                with state.state_scope(scope):
                    for n in nodes:
                        child.run(n)
                    values = [jnp.asarray(child.value(o)) for o in outs]
                    return values, [scope.read(v) for v in written]

            return run

        (t_nodes, t_outs), (f_nodes, f_outs) = a["branches"]
        outs, new = jax.lax.cond(jnp.asarray(self.value(a["pred"])).reshape(()), branch(t_nodes, t_outs), branch(f_nodes, f_outs), None)
        for v, val in zip(written, new):
            state.write(v, val)
        self.env[id(node)] = list(outs)

    def _gradients(self, node: Operation) -> None:
        a = node.attrs
        xs, ys, sub = a["xs"], a["ys"], a["sub"]
        primals = [self.value(x) for x in xs]
        outer = state.current()

        def forward(*xvals: Any) -> list:
            scope = state.StateScope(parent=outer, tracing=True)
            overrides = {}
            for x, v in zip(xs, xvals):
                if isinstance(x, SymbolicTensor):
                    overrides[id(x)] = v
                else:
                    scope.bind(x, v)
            child = Evaluator(parent=self, overrides=overrides)
            with state.state_scope(scope):
                for n in sub:
                    child.run(n)
                return [child.value(y) for y in ys]

        y_vals, pullback = jax.vjp(forward, *primals)
        cts = [jnp.ones_like(y) if g is None else jnp.asarray(self.value(g), y.dtype) for g, y in zip(a["grad_ys"], y_vals)]
        self.env[id(node)] = list(pullback(cts))
        for y, val in zip(ys, y_vals):
            if len(y.op.outputs) == 1 and id(y.op) not in self.env and id(y) not in self.feeds and y.op.kind == CALL:
                self.env[id(y.op)] = [val]


def evaluate(fetches: list, feeds: dict) -> list:
    """The values of symbolic ``fetches`` given ``feeds`` (``{tensor: value}``), computed
    in the caller's context: eagerly, or inside the caller's own trace and state scope
    (a front end that compiles its own step, such as a Keras Functional model, embeds
    the graph this way instead of running a :class:`Plan`). Variables are read and
    written through the active state scope; initializer nodes are skipped."""
    fed = {id(t): v for t, v in feeds.items()}
    roots = [f.op if isinstance(f, SymbolicTensor) else f for f in fetches if isinstance(f, (SymbolicTensor, Operation))]
    ev = Evaluator(feeds=fed)
    with dispatch.variables_captured(False):
        for node in execution_order(roots, fed):
            if node.kind != INIT:
                ev.run(node)
        return [ev.value(f) if not isinstance(f, Operation) else None for f in fetches]


class Plan:
    """One kind of run: fetch leaves + fed tensors, compiled by the engine per fed shapes.

    ``family`` groups the plans that differ only in fed shapes, for the engine's
    retrace warning."""

    def __init__(self, leaves: list, fed: list, family: Any = None):
        self.leaves = leaves
        self.fed = fed
        fed_ids = {id(t): i for i, t in enumerate(fed)}
        roots = [x.op if isinstance(x, SymbolicTensor) else x for x in leaves if not is_variable(x)]
        self.order = execution_order(roots, fed_ids)
        for node in self.order:
            if node.kind == PLACEHOLDER and not node.args and id(node.outputs[0]) not in fed_ids:
                t = node.outputs[0]
                shape = "<unknown>" if t.shape.rank is None else "[" + ",".join("?" if d is None else str(d) for d in t.shape.as_list()) + "]"
                raise errors.InvalidArgumentError(
                    f"You must feed a value for placeholder tensor '{node.name}' with dtype {t.dtype.name} and shape "
                    f"{shape}: it is needed by the fetches. Pass it in feed_dict, e.g. "
                    f"sess.run(fetches, feed_dict={{{node.name}: value}})."
                )
        self.inits = [n for n in self.order if n.kind == INIT]
        self.body = [n for n in self.order if n.kind != INIT]
        self.out_index = [i for i, x in enumerate(leaves) if not isinstance(x, Operation)]
        self.trivial = not self.body and not self.out_index
        self.program = Program("Session.run", family=family)

    def _build(self, feeds: list) -> tuple[list, None]:
        ev = Evaluator(feeds={id(t): v._value for t, v in zip(self.fed, feeds)})
        with dispatch.variables_captured(False), dispatch.recorders_paused():
            for node in self.body:
                ev.run(node)
            return [ev.value(self.leaves[i]) for i in self.out_index], None

    def _describe(self, feed_vals: list) -> dict:
        return {t.name: ("feed", [f"shape={tuple(v.shape)}"]) for t, v in zip(self.fed, feed_vals)}

    @property
    def compiles(self) -> int:
        return self.program.traces

    def run(self, feed_vals: list) -> list:
        """Runs the plan; returns the fetched values (None for operations) as arrays."""
        for node in self.inits:
            for v in node.targets:
                state.write(v, v._initial_value)
        results: list = [None] * len(self.leaves)
        if self.trivial:
            return results
        outs, _ = self.program.run(None, feed_vals, self._build, describe=lambda: self._describe(feed_vals))
        for i, val in zip(self.out_index, outs):
            results[i] = val
        return results

