"""``gradients(ys, xs, grad_ys)``: one ``GRADIENTS`` node, evaluated by ``jax.vjp``.

At build time the node records which nodes lie between the ``xs`` (Variables or
symbolic tensors) and the ``ys``: the nodes that are ancestors of a ``y`` and depend
on an ``x`` through data inputs (``StopGradient`` blocks the path). An ``x`` with no
such path gets ``None``, as in TF1; the rest get one output each, shaped like ``x``.
The interpreter differentiates those nodes as a function of the ``xs``.
"""

from __future__ import annotations

from typing import Any

from xlaflow.graph import build
from xlaflow.graph.interpreter import is_variable, node_variables
from xlaflow.graph.node import GRADIENTS, SymbolicTensor


def _as_list(value: Any) -> list:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _check_float(what: str, arg: str, x: Any) -> None:
    if not (x.dtype.is_floating or x.dtype.is_complex):
        raise TypeError(f"{what}: argument `{arg}` must hold floating tensors or Variables. Received: {x!r:.200} of dtype {x.dtype.name}")


def gradients(ys: Any, xs: Any, grad_ys: Any = None, name: str = "gradients", colocate_gradients_with_ops: bool = False,
              gate_gradients: bool = False, aggregation_method: Any = None, stop_gradients: Any = None,
              unconnected_gradients: Any = "none") -> list:
    """Symbolic gradients of ``sum(ys)`` with respect to each of ``xs`` (TF1's ``tf.gradients``).

    Args:
      ys: a symbolic tensor or a list of them.
      xs: a Variable / symbolic tensor or a list of them.
      grad_ys: optional tensors (one per ``y``) the gradients of ``ys`` start from
        (default: ones).
      unconnected_gradients: ``"none"`` (unconnected ``xs`` get None) or ``"zero"``.

    Returns:
      A list with one gradient tensor (or None) per ``x``. It is a list of tensors, not
      of (gradient, variable) pairs: use ``optimizer.compute_gradients`` for pairs.

    Raises:
      TypeError: ``ys`` are not symbolic tensors, or an ``x`` is not float.
    """
    ys, xs = _as_list(ys), _as_list(xs)
    gys = _as_list(grad_ys) if grad_ys is not None else [None] * len(ys)
    if len(gys) != len(ys):
        raise ValueError(f"gradients: argument `grad_ys` must have one entry per y ({len(ys)}). Received: {len(gys)} entries")
    for i, y in enumerate(ys):
        if not isinstance(y, SymbolicTensor):
            raise TypeError(
                f"gradients: argument `ys` must hold symbolic (graph) tensors. Received: ys[{i}]={y!r:.200}. "
                "For eager tensors use tf.GradientTape."
            )
    for i, x in enumerate(xs):
        if not (isinstance(x, SymbolicTensor) or is_variable(x)):
            raise TypeError(f"gradients: argument `xs` must hold Variables or symbolic tensors. Received: xs[{i}]={x!r:.200}")
        _check_float("gradients", f"xs[{i}]", x)
    graph = build.graph_of(ys, "gradients")
    stops = {id(t) for t in _as_list(stop_gradients or [])}

    # ancestors of ys (data inputs only; StopGradient and stop_gradients cut the path)
    ancestors: dict = {}
    stack = [y.op for y in ys if id(y) not in stops]
    while stack:
        n = stack.pop()
        if id(n) in ancestors:
            continue
        ancestors[id(n)] = n
        if n.type == "StopGradient":
            continue
        stack.extend(t.op for t in n.inputs if id(t) not in stops)
    # nodes depending on an x, in creation (topological) order
    x_vars = {id(x) for x in xs if is_variable(x)}
    x_tensors = {id(x) for x in xs if isinstance(x, SymbolicTensor)}
    dependent: dict = {}
    for n in graph.get_operations():
        if id(n) not in ancestors or n.type == "StopGradient":
            continue
        if any(id(v) in x_vars for v in node_variables(n)) or any(
                (id(t) in x_tensors or id(t.op) in dependent) and id(t) not in stops for t in n.inputs):
            dependent[id(n)] = n
    connected = []
    for x in xs:
        if is_variable(x):
            hit = any(any(v is x for v in node_variables(n)) for n in dependent.values())
        else:
            hit = any(y is x for y in ys) or any(any(t is x for t in n.inputs) for n in dependent.values())
        connected.append(hit)
    live_xs = [x for x, c in zip(xs, connected) if c]
    if not live_xs:
        return [_zero_or_none(x, unconnected_gradients) for x in xs]
    sub = list(dependent.values())
    boundary = [t for n in sub for t in n.inputs if id(t.op) not in dependent]
    boundary += [x for x in live_xs if isinstance(x, SymbolicTensor)]
    boundary += [g for g in gys if isinstance(g, SymbolicTensor)]
    boundary += [y for y in ys if id(y.op) not in dependent]
    control = [c for n in sub for c in n.control_inputs]
    reads = [v for n in sub for v in node_variables(n)] + [x for x in live_xs if is_variable(x)]
    specs = [(x.shape, x.dtype) for x in live_xs]
    node = build.add_node(graph, GRADIENTS, "Gradients", name, specs=specs,
                          attrs={"xs": live_xs, "ys": ys, "grad_ys": gys, "sub": sub, "boundary": boundary, "vars": reads})
    node.control_inputs.extend(c for c in control if c not in node.control_inputs)
    outs = iter(node.outputs)
    return [next(outs) if c else _zero_or_none(x, unconnected_gradients) for x, c in zip(xs, connected)]


def _zero_or_none(x: Any, mode: Any) -> Any:
    if str(getattr(mode, "value", mode)).lower() == "zero":
        from xlaflow.ops.creation_ops import zeros_like

        return zeros_like(x)
    return None
