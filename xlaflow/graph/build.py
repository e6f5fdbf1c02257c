"""Building nodes: the symbolic handler every op goes through, placeholders, and
:func:`call_node` (the generic node: a Python callable applied to input values).

Shape inference runs the node's function under ``jax.eval_shape``. Unknown (``None``)
dimensions of symbolic inputs are replaced by a stand-in size; when an input has one,
inference runs twice with two different stand-ins and an output dimension that
changes between the two is unknown (``None``), one that does not is static. So a
placeholder's ``None`` batch dimension flows through ``matmul``, ``reshape(x, [-1,
28, 28, 1])`` or a reduction over the batch exactly as TF's shape functions say. When
a ``None`` dimension meets a known one (``[None] + [5]``), those runs fail; inference
then runs once with the stand-in 1 (which broadcasts: ``[5]``) and reports output
dimensions of size 1 as unknown. An input of unknown rank makes the outputs' shapes
unknown. Errors never show the stand-in sizes: they read ``None``.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from xlaflow._core import dtypes, errors, state
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.graph import graph as graph_module
from xlaflow.graph.node import CALL, PLACEHOLDER, Operation, SymbolicTensor
from xlaflow.ops import convert, dispatch, rng
from xlaflow.ops.tensor import Tensor, TensorLike

_STAND_INS = (7919, 7927)  # primes, unlikely to equal a real dimension


def _is_leaf(x: Any) -> bool:
    return x is None or isinstance(x, (SymbolicTensor, TensorLike))


def graph_of(args: Any, what: str) -> Any:
    """The graph of the symbolic tensors in ``args`` (they must agree), else the default one."""
    graph = None
    for leaf in jax.tree_util.tree_leaves(args, is_leaf=_is_leaf):
        if isinstance(leaf, SymbolicTensor):
            if graph is None:
                graph = leaf.graph
            elif leaf.graph is not graph:
                raise ValueError(
                    f"{what}: all symbolic inputs must come from the same graph. Received: {leaf.name} is from "
                    "another graph than the other inputs (build everything inside one `with graph.as_default():`)."
                )
    return graph if graph is not None else graph_module.get_default_graph()


def _aval(leaf: Any, stand_in: int) -> Any:
    shape = leaf.shape
    dims = tuple(stand_in if d is None else d for d in shape.as_list())
    return jax.ShapeDtypeStruct(dims, np.dtype(leaf.dtype.as_numpy_dtype))


def infer(fn: Any, args: tuple, label: str, statics_from: int | None = None) -> tuple[Any, list]:
    """``(out_tree, [(TensorShape, DType), ...])`` of ``fn(*args)`` for symbolic ``args``.

    Leaves from index ``statics_from`` on are static arguments computed by the graph:
    they get concrete values (see :func:`static_guess`), not abstract ones.
    """
    rng.key_variable()  # created lazily: never inside the trace below
    leaves, treedef = jax.tree_util.tree_flatten(args, is_leaf=_is_leaf)
    limit = len(leaves) if statics_from is None else statics_from
    abstract = [i for i, x in enumerate(leaves[:limit]) if isinstance(x, SymbolicTensor) or (isinstance(x, TensorLike) and not isinstance(x, Tensor))]
    guessed = [i for i in range(limit, len(leaves)) if isinstance(leaves[i], SymbolicTensor)]
    unknown_rank = any(isinstance(leaves[i], SymbolicTensor) and leaves[i].shape.rank is None for i in abstract)
    has_none = any(None in (leaves[i].shape.as_list() if leaves[i].shape.rank is not None else []) for i in abstract)
    # a static computed from a None dimension varies with the stand-ins too
    has_none = has_none or any(_depends_on_unknown(leaves[i]) for i in guessed)

    def run(stand_in: int) -> Any:
        avals = [jax.ShapeDtypeStruct((), np.dtype(leaves[i].dtype.as_numpy_dtype)) if unknown_rank and isinstance(leaves[i], SymbolicTensor)
                 and leaves[i].shape.rank is None else _aval(leaves[i], stand_in) for i in abstract]
        guesses = {i: static_guess(leaves[i], stand_in, label) for i in guessed}  # concrete, outside the trace

        def concrete(*values: Any) -> Any:
            full = list(leaves)
            for i, v in zip(abstract, values):
                full[i] = v
            for i, v in guesses.items():
                full[i] = v
            full = [x._value if isinstance(x, Tensor) else x for x in full]
            return fn(*jax.tree_util.tree_unflatten(treedef, full))

        # a throw-away state scope: an implementation that writes a Variable (the
        # random-key Variable) must not change it while shapes are inferred
        with state.state_scope(state.StateScope(discovering=True)), dispatch.recorders_paused():
            return jax.eval_shape(concrete, *avals)

    fallback = False
    try:
        try:
            first = run(_STAND_INS[0])
            second = run(_STAND_INS[1]) if has_none and not unknown_rank else first
        except (TypeError, ValueError, IndexError) as original:
            if not has_none or unknown_rank:
                raise
            # a None dimension meets a known one (``[None] + [5]``): try it as 1, which
            # broadcasts; output dimensions of size 1 are then unknown
            try:
                first = second = run(1)
            except (TypeError, ValueError, IndexError):
                raise original from None
            fallback = True
    except (TypeError, ValueError, IndexError) as e:
        if has_none:
            raise _renamed(e, label) from None
        if isinstance(e, errors.OpError) or isinstance(e, jax.errors.ConcretizationTypeError) or type(e).__module__.startswith("xlaflow") or dispatch._raised_by_xlaflow(e):
            raise
        raise errors.InvalidArgumentError(f"{label}: {e}") from None
    out1, tree = jax.tree_util.tree_flatten(first)
    out2 = jax.tree_util.tree_leaves(second)
    specs = []
    for a, b in zip(out1, out2):
        if unknown_rank:
            shape = TensorShape(None)
        else:
            shape = TensorShape([None if d1 != d2 or (fallback and d1 == 1) else d1 for d1, d2 in zip(a.shape, b.shape)])
        specs.append((shape, dtypes.as_dtype(a.dtype)))
    return tree, specs


def _depends_on_unknown(t: SymbolicTensor) -> bool:
    from xlaflow.graph.interpreter import execution_order

    return any(n.kind == PLACEHOLDER and (n.outputs[0].shape.rank is None or None in n.outputs[0].shape.as_list())
               for n in execution_order([t.op], {}))


def static_guess(t: SymbolicTensor, stand_in: int, label: str) -> Any:
    """The value of ``t`` when every unknown placeholder dimension is ``stand_in``
    (placeholders hold zeros): how a graph-computed static argument is inferred."""
    from xlaflow.graph.interpreter import Evaluator, execution_order

    order = execution_order([t.op], {})
    feeds = {}
    for n in order:
        if n.kind == PLACEHOLDER and not n.args:
            out = n.outputs[0]
            if out.shape.rank is None:
                raise TypeError(f"{label}: a static argument depends on {out.name}, whose rank is unknown; give the placeholder a shape.")
            shape = tuple(stand_in if d is None else d for d in out.shape.as_list())
            feeds[id(out)] = np.broadcast_to(np.zeros((), out.dtype.as_numpy_dtype), shape)
    ev = Evaluator(feeds=feeds)
    try:
        with state.state_scope(state.StateScope(discovering=True)), dispatch.recorders_paused(), dispatch.variables_captured(False):
            for n in order:
                ev.run(n)
            return np.asarray(ev.value(t))
    except Exception as e:
        raise TypeError(
            f"{label}: a static argument (a shape, axis or size) computed by the graph must be known when the run is "
            f"compiled, e.g. derived from tf.shape(x); {t.name} could not be evaluated ({type(e).__name__}: {e})."
        ) from None


def _renamed(e: BaseException, label: str) -> BaseException:
    """``e`` with the stand-in sizes shown as None (they are not the user's numbers)."""
    msg = str(e)
    for n in _STAND_INS:
        msg = msg.replace(str(n), "None")
    try:
        return type(e)(msg)
    except Exception:  # an exception type with another signature
        return errors.InvalidArgumentError(f"{label}: {msg}")


def add_node(graph: Any, kind: str, type_name: str, name: str | None, *, fn: Any = None, args: Any = (),
             out_tree: Any = None, specs: list = (), targets: list | None = None, attrs: dict | None = None) -> Operation:
    """Creates an :class:`Operation` in ``graph`` with outputs described by ``specs``."""
    node = Operation(graph, kind, type_name, graph.unique_name(name or type_name), fn=fn, args=args,
                     control_inputs=graph.control_inputs(), targets=targets, attrs=attrs)
    node.out_tree = out_tree
    node.outputs = [SymbolicTensor(node, i, shape, dtype) for i, (shape, dtype) in enumerate(specs)]
    return graph.add(node)


def outputs_of(node: Operation) -> Any:
    """The node's outputs in the structure its function returns."""
    if node.out_tree is None:
        return node
    return jax.tree_util.tree_unflatten(node.out_tree, node.outputs)


def call_node(fn: Any, *args: Any, name: str | None = None, type_name: str = "PyCall", graph: Any = None,
              reads: list | None = None, specs: Any = None) -> Any:
    """A generic node: ``fn(*values)`` where ``values`` are ``args`` with every symbolic
    tensor replaced by its value (Variables by theirs). Returns symbolic tensors in the
    structure ``fn`` returns (a pytree of arrays). ``reads`` lists Variables ``fn`` reads
    internally (so gradients and runs bind them); ``specs`` may give ``(out_tree,
    [(shape, dtype)...])`` instead of inferring it. This is the node a Keras layer call
    becomes."""
    graph = graph if graph is not None else graph_of(args, type_name)
    tree, out_specs = specs if specs is not None else infer(fn, args, type_name)
    node = add_node(graph, CALL, type_name, name, fn=fn, args=args, out_tree=tree, specs=out_specs,
                    attrs={"reads": list(reads or [])})
    return outputs_of(node)


class OpFn:
    """The function of an op node: the op's implementation with its static arguments."""

    __slots__ = ("op", "statics")

    def __init__(self, op: Any, statics: dict):
        self.op = op
        self.statics = statics

    def __call__(self, tensors: dict, dyn: dict | None = None) -> Any:
        statics = self.statics
        if dyn:
            statics = {**statics, **{k: dispatch.static_value(v, self.op.label, k) for k, v in dyn.items()}}
        if self.op.check is not None:
            self.op.check(**tensors, **statics)
        return self.op.impl(**tensors, **statics)

    def __repr__(self) -> str:
        return f"<op {self.op.name} {self.statics}>"


def _constant(op: Any, param: str, v: Any) -> Any:
    if v is None or isinstance(v, (SymbolicTensor, TensorLike)):
        return v
    if isinstance(v, (bool, int, float, complex)) and not isinstance(v, np.generic) and param in op.same_dtype:
        return v  # weakly typed, as the eager path leaves it
    return np.asarray(convert.to_array(v, op=op.label, arg=param, host=True))


def symbolic_handler(op: Any, tensors: dict, statics: dict, name: str | None = None) -> Any:
    """Dispatch's hook: one op call with a symbolic input becomes one graph node.

    A static argument computed by the graph (``reshape(x, [tf.shape(x)[0], -1])``,
    ``zeros(tf.shape(x))``) becomes an input whose value must be known when the run
    is compiled (shapes are: ``tf.shape`` of any tensor is); inference evaluates it
    with the stand-in sizes.
    """
    dyn = {k: v for k, v in statics.items() if dispatch.has_symbolic(v)}
    fixed = {k: v for k, v in statics.items() if k not in dyn}
    args = {}
    for p, v in tensors.items():
        if p in op.lists and isinstance(v, (list, tuple)):
            args[p] = [_constant(op, p, x) for x in v]
        else:
            args[p] = _constant(op, p, v)
    fn = OpFn(op, fixed)
    graph = graph_of((args, dyn), op.label)
    call_args = (args, dyn) if dyn else (args,)
    tree, specs = infer(fn, call_args, op.label, statics_from=len(jax.tree_util.tree_leaves(args, is_leaf=_is_leaf)) if dyn else None)
    node = add_node(graph, CALL, op.name, name, fn=fn, args=call_args, out_tree=tree, specs=specs, attrs={"reads": []})
    return outputs_of(node)


def install() -> None:
    """(Re)installs the handler in dispatch (idempotent)."""
    if dispatch._symbolic_handler is not symbolic_handler:
        dispatch.register_symbolic_handler(symbolic_handler)


install()


def placeholder(dtype: Any, shape: Any = None, name: str | None = None) -> SymbolicTensor:
    """TF1's ``tf.placeholder``: a graph input fed by ``Session.run(..., feed_dict=...)``.

    Args:
      dtype: the dtype of the values fed (fed arrays are converted to it).
      shape: the static shape; ``None`` dimensions accept any size, ``shape=None`` any shape.
      name: the node name (made unique in the graph).
    """
    install()
    d = dtypes.canonical(dtype)
    graph = graph_module.get_default_graph()
    shape = TensorShape(shape)
    node = add_node(graph, PLACEHOLDER, "Placeholder", name or "Placeholder", specs=[(shape, d)],
                    attrs={"np_dtype": np.dtype(d.as_numpy_dtype)})
    return node.outputs[0]


def placeholder_with_default(input: Any, shape: Any, name: str | None = None) -> SymbolicTensor:  # noqa: A002
    """A placeholder whose value, when not fed, is ``input``."""
    install()
    if not isinstance(input, SymbolicTensor):
        input = Tensor._wrap(convert.to_array(input, op="placeholder_with_default", arg="input"))  # noqa: A001
    shape = TensorShape(shape)
    if not shape.is_compatible_with(input.shape):
        raise ValueError(f"placeholder_with_default: argument `shape` must be compatible with the default's shape {input.shape}. Received: {shape}")
    graph = graph_of((input,), "placeholder_with_default")
    node = add_node(graph, PLACEHOLDER, "PlaceholderWithDefault", name or "PlaceholderWithDefault", args=(input,),
                    specs=[(shape, input.dtype)], attrs={"np_dtype": np.dtype(input.dtype.as_numpy_dtype)})
    return node.outputs[0]

