"""``tf.cond`` with a symbolic predicate: one ``cond`` node evaluated by ``lax.cond``.

The two branch functions are called once each while the graph is built, so their
ops become nodes of the graph; the ``cond`` node owns those nodes (they run only
inside it) and, when evaluated, runs ``jax.lax.cond`` on the predicate with one
branch evaluating each set. Variables assigned in a branch (``tf.assign`` nodes made
there) take the new value only when that branch is chosen. Both branches must return
the same structure, with matching dtypes; a dimension where their static shapes
differ becomes ``None``.
"""

from __future__ import annotations

from typing import Any, Callable

import jax

from xlaflow._core import errors
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.function import control_flow
from xlaflow.graph import build
from xlaflow.graph.node import COND, UPDATE, SymbolicTensor

__all__ = ["cond"]


def _is_out_leaf(x: Any) -> bool:
    return x is None or isinstance(x, SymbolicTensor) or hasattr(x, "_read")


def _branch(graph: Any, fn: Callable, which: str) -> tuple[list, Any, list]:
    start = len(graph._nodes)
    out = fn()
    nodes = graph._nodes[start:]
    leaves, tree = jax.tree_util.tree_flatten(out, is_leaf=_is_out_leaf)
    for leaf in leaves:
        if leaf is None:
            raise TypeError(f"cond: argument `{which}` must return tensors, not None.")
    return nodes, tree, leaves


def cond(pred: SymbolicTensor, true_fn: Callable, false_fn: Callable, name: str | None = None) -> Any:
    """Builds ``true_fn()`` if ``pred`` else ``false_fn()`` as one graph node."""
    from xlaflow.graph.interpreter import node_variables

    if pred.shape.rank not in (None, 0) or pred.dtype.name != "bool":
        raise ValueError(f"cond: argument `pred` must be a scalar bool tensor. Received: shape {pred.shape}, dtype {pred.dtype.name}")
    graph = pred.graph
    t_nodes, t_tree, t_leaves = _branch(graph, true_fn, "true_fn")
    f_nodes, f_tree, f_leaves = _branch(graph, false_fn, "false_fn")
    if t_tree != f_tree:
        raise errors.InvalidArgumentError(
            f"cond: `true_fn` and `false_fn` must return the same structure. Received: {t_tree} and {f_tree}")
    specs = []
    for i, (a, b) in enumerate(zip(t_leaves, f_leaves)):
        if a.dtype != b.dtype:
            raise errors.InvalidArgumentError(
                f"cond: output {i} of `true_fn` and `false_fn` must have the same dtype. Received: {a.dtype.name} and {b.dtype.name}")
        sa, sb = TensorShape(a.shape), TensorShape(b.shape)
        if sa.rank != sb.rank:
            raise errors.InvalidArgumentError(f"cond: output {i} of the branches must have the same rank. Received: {sa} and {sb}")
        specs.append((TensorShape(None if sa.rank is None else [x if x == y else None for x, y in zip(sa.as_list(), sb.as_list())]), a.dtype))
    owned = {id(n) for n in t_nodes + f_nodes}
    boundary = [pred]
    for n in t_nodes + f_nodes:
        boundary += [t for t in n.inputs if id(t.op) not in owned]
        if n.kind == "placeholder" and not n.args:
            raise TypeError("cond: a branch must not create placeholders; create them before tf.cond.")
    boundary += [t for t in t_leaves + f_leaves if isinstance(t, SymbolicTensor) and id(t.op) not in owned]
    written = {id(v): v for n in t_nodes + f_nodes if n.kind == UPDATE for v in n.targets}
    used = [v for n in t_nodes + f_nodes for v in node_variables(n)]
    for n in t_nodes + f_nodes:
        n.attrs["owner"] = "cond"  # evaluated inside the cond node only
    node = build.add_node(graph, COND, "If", name or "cond", args=(pred, boundary), specs=specs, out_tree=t_tree,
                          attrs={"pred": pred, "branches": ((t_nodes, t_leaves), (f_nodes, f_leaves)),
                                 "boundary": boundary, "vars": used, "written": list(written.values())})
    control = [c for n in t_nodes + f_nodes for c in n.control_inputs if id(c) not in owned]
    node.control_inputs.extend(c for c in control if c not in node.control_inputs)
    return build.outputs_of(node)


def _hook(pred: Any, true_fn: Callable, false_fn: Callable, name: str | None) -> Any:
    return cond(pred, true_fn, false_fn, name)


control_flow.symbolic_cond = _hook
