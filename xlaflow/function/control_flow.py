"""Structured control flow: ``cond``, ``while_loop``, ``scan``, ``map_fn``.

Eagerly (no compiled function being traced, no traced inputs) each runs as plain
Python, so gradient tapes record the branch or iterations actually taken. While a
function is traced they lower to ``lax.cond`` / ``lax.while_loop`` / ``lax.scan``.
User functions may read and assign Variables there too: each body runs in a child
state scope, a first abstract pass finds the variables it writes, and those become
part of the loop carry (or the branch outputs) and are written back afterwards.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import errors, state
from xlaflow.ops import convert, dispatch
from xlaflow.ops.tensor import Tensor, TensorLike


def _is_leaf(x: Any) -> bool:
    return isinstance(x, TensorLike) or x is None


def _arrays(structure: Any, what: str) -> tuple[list, Any]:
    leaves, tree = jax.tree_util.tree_flatten(structure, is_leaf=_is_leaf)
    out = []
    for leaf in leaves:
        if leaf is None:
            raise TypeError(f"{what} must hold only tensors. Received: None inside {structure!r:.100}")
        out.append(convert.to_array(leaf, op=what.split(":")[0], arg=what.split("`")[1] if "`" in what else "value"))
    return out, tree


def _tensors(tree: Any, arrays: list) -> Any:
    return jax.tree_util.tree_unflatten(tree, [Tensor._wrap(a) for a in arrays])


def _as_tensors(structure: Any) -> Any:
    """Eager results as TF returns them: every leaf a Tensor."""
    return jax.tree_util.tree_map(lambda x: x if isinstance(x, Tensor) else convert.convert_to_tensor(x), structure, is_leaf=_is_leaf)


def _compiled_mode(*arrays: Any) -> bool:
    if state.current() is not None:
        return True
    return any(isinstance(a, jax.core.Tracer) for a in arrays)


def _no_tape(name: str) -> None:
    if dispatch.active_recorders():
        raise TypeError(
            f"{name}: a GradientTape cannot yet record a {name} whose condition is only known at run "
            f"time (inside a compiled function). Take the gradient outside the {name}, or use "
            "xlaflow.where for a branch."
        )


class _Body:
    """Runs a user function as a pure function of (written variable values, arrays).

    The arrays are the leaves of ``tree``, the structure of the function's argument
    tuple; they are handed to the function as Tensors.
    """

    def __init__(self, fn: Callable, written: list, tree: Any):
        self.fn = fn
        self.written = written  # variables whose values travel in and out explicitly
        self.tree = tree
        self.writes: dict[int, Any] = {}  # found by the abstract pass: id -> variable
        self.out_tree: Any = None

    def __call__(self, var_values: list, arrays: list) -> tuple[list, list]:
        child = state.StateScope(parent=state.current(), tracing=True)
        for v, value in zip(self.written, var_values):
            child.bind(v, value)
        with state.state_scope(child), dispatch.recorders_paused():
            result = self.fn(*_tensors(self.tree, list(arrays)))
        for var, _ in child.written():
            self.writes[id(var)] = var
        leaves, self.out_tree = _arrays(result, f"{getattr(self.fn, '__name__', 'fn')}: the result")
        return leaves, [child.read(v) for v in self.written]


def _find_writes(fns: list[Callable], arrays: list, tree: Any) -> list:
    """Variables the functions write, found by tracing them abstractly (nothing runs)."""
    written: dict[int, Any] = {}
    for fn in fns:
        body = _Body(fn, [], tree)
        jax.eval_shape(lambda a: body([], a)[0], arrays)
        written.update(body.writes)
    return list(written.values())


def _write_back(variables: list, values: list) -> None:
    for var, value in zip(variables, values):
        state.write(var, value)


def _lowered(name: str, fn: Callable, arrays: list, tree: Any) -> tuple[_Body, list]:
    """The body of a lax loop and the variables it writes (also checks for tapes)."""
    _no_tape(name)
    written = _find_writes([fn], arrays, tree)
    return _Body(fn, written, tree), written


# Set by the graph front end: ``cond`` on a symbolic predicate builds a graph node.
symbolic_cond: Any = None


def cond(pred: Any, true_fn: Callable | None = None, false_fn: Callable | None = None, name: str | None = None) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()`` (TF's ``tf.cond``).

    Eagerly only the chosen branch runs. Inside a compiled function both branches
    are traced and must return the same structure of tensors.
    """
    for arg, fn in (("true_fn", true_fn), ("false_fn", false_fn)):
        if not callable(fn):
            raise TypeError(f"cond: argument `{arg}` must be callable. Received: {fn!r}")
    if symbolic_cond is not None and dispatch.is_symbolic(pred):  # a TF1 graph: one cond node
        return symbolic_cond(pred, true_fn, false_fn, name)
    p = convert.to_array(pred, op="cond", arg="pred")
    if p.shape != () or p.dtype != jnp.bool_:
        raise ValueError(f"cond: argument `pred` must be a scalar bool tensor. Received: shape {tuple(p.shape)}, dtype {p.dtype}")
    if not isinstance(p, jax.core.Tracer):  # known now: run only the chosen branch
        return _as_tensors(true_fn() if bool(p) else false_fn())
    _no_tape("cond")
    empty = jax.tree_util.tree_structure(())
    written = _find_writes([true_fn, false_fn], [], empty)
    values = [state.read(v) for v in written]
    bodies = [_Body(true_fn, written, empty), _Body(false_fn, written, empty)]
    shapes = [jax.eval_shape(lambda vals, b=b: b(vals, [])[0], values) for b in bodies]
    if bodies[0].out_tree != bodies[1].out_tree or shapes[0] != shapes[1]:
        raise errors.InvalidArgumentError(
            "cond: `true_fn` and `false_fn` must return the same structure of tensors with the same "
            f"shapes and dtypes. Received: {bodies[0].out_tree} {shapes[0]} and {bodies[1].out_tree} {shapes[1]}"
        )
    leaves, new_values = jax.lax.cond(p, lambda vals: bodies[0](vals, []), lambda vals: bodies[1](vals, []), values)
    _write_back(written, new_values)
    return _tensors(bodies[0].out_tree, leaves)


def while_loop(cond: Callable, body: Callable, loop_vars: Any, shape_invariants: Any = None, parallel_iterations: int = 10,
               back_prop: bool = True, swap_memory: bool = False, maximum_iterations: Any = None, name: str | None = None) -> Any:
    """Repeats ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (TF's ``tf.while_loop``).

    Returns the final ``loop_vars`` in the structure they were given.
    """
    for arg, fn in (("cond", cond), ("body", body)):
        if not callable(fn):
            raise TypeError(f"while_loop: argument `{arg}` must be callable. Received: {fn!r}")
    if not isinstance(loop_vars, (list, tuple)):
        raise TypeError(f"while_loop: argument `loop_vars` must be a list or tuple. Received: {loop_vars!r:.100}")
    arrays, tree = _arrays(list(loop_vars), "while_loop: argument `loop_vars`")
    limit = None if maximum_iterations is None else int(dispatch.static_value(maximum_iterations, "while_loop", "maximum_iterations"))
    if not _compiled_mode(*arrays):
        current, steps = list(loop_vars), 0
        while (limit is None or steps < limit) and bool(cond(*current)):
            current = _as_list(body(*current), len(current))
            steps += 1
        return _as_tensors(type(loop_vars)(current))

    n = len(loop_vars)
    step_body, written = _lowered("while_loop", lambda *xs: _as_list(body(*xs), n), arrays, tree)
    check = _Body(cond, written, tree)

    def cond_fun(carry):
        vals, xs, i = carry
        (ok,), _ = check(vals, xs)
        if ok.shape != () or ok.dtype != jnp.bool_:
            raise ValueError(f"while_loop: `cond` must return a scalar bool tensor. Received: shape {ok.shape}, dtype {ok.dtype}")
        return ok if limit is None else jnp.logical_and(ok, i < limit)

    def body_fun(carry):
        vals, xs, i = carry
        leaves, new_vals = step_body(vals, xs)
        return new_vals, leaves, i + 1

    init = ([state.read(v) for v in written], arrays, jnp.asarray(0, jnp.int32))
    new_values, final, _ = jax.lax.while_loop(cond_fun, body_fun, init)
    _write_back(written, new_values)
    return type(loop_vars)(_tensors(tree, final))


def _as_list(result: Any, n: int) -> list:
    out = list(result) if isinstance(result, (list, tuple)) else [result]
    if len(out) != n:
        raise ValueError(f"while_loop: `body` must return {n} loop variables. Received: {len(out)}")
    return out


def scan(fn: Callable, elems: Any, initializer: Any = None, parallel_iterations: int = 10, back_prop: bool = True,
         swap_memory: bool = False, infer_shape: bool = True, reverse: bool = False, name: str | None = None) -> Any:
    """Accumulates ``acc = fn(acc, x)`` over the first axis of ``elems``; returns every
    ``acc``, stacked (TF's ``tf.scan``)."""
    if not callable(fn):
        raise TypeError(f"scan: argument `fn` must be callable. Received: {fn!r}")
    xs, x_tree = _arrays(elems, "scan: argument `elems`")
    if not xs or any(jnp.ndim(x) == 0 for x in xs) or len({x.shape[0] for x in xs}) != 1:
        raise ValueError("scan: argument `elems` must hold tensors of rank >= 1 with one first dimension. "
                         f"Received shapes: {[tuple(jnp.shape(x)) for x in xs]}")
    n = xs[0].shape[0]
    order = range(n - 1, -1, -1) if reverse else range(n)
    if initializer is None:
        acc_arrays, acc_tree = [x[order[0]] for x in xs], x_tree
        order = order[1:]
        first = [acc_arrays]
    else:
        acc_arrays, acc_tree = _arrays(initializer, "scan: argument `initializer`")
        first = []
    if not _compiled_mode(*xs, *acc_arrays):
        acc = _tensors(acc_tree, acc_arrays)
        outs = list(first)
        for i in order:
            acc = fn(acc, _tensors(x_tree, [x[i] for x in xs]))
            outs.append(_arrays(acc, "scan: the result of `fn`")[0])
        if reverse:
            outs = outs[::-1]
        return _tensors(acc_tree, [jnp.stack([o[k] for o in outs]) for k in range(len(acc_arrays))])

    idx = np.asarray(list(order), np.int32)
    seq = [x[idx] for x in xs]
    k = len(acc_arrays)
    pair = jax.tree_util.tree_structure((jax.tree_util.tree_unflatten(acc_tree, [0] * k), jax.tree_util.tree_unflatten(x_tree, [0] * len(xs))))
    body, written = _lowered("scan", fn, list(acc_arrays) + [s[0] for s in seq], pair)

    def scan_fn(carry, x):
        vals, acc = carry
        leaves, new_vals = body(vals, list(acc) + list(x))
        return (new_vals, leaves), leaves

    (new_values, _), stacked = jax.lax.scan(scan_fn, ([state.read(v) for v in written], acc_arrays), seq)
    _write_back(written, new_values)
    if first:
        stacked = [jnp.concatenate([f[None], s]) for f, s in zip(first[0], stacked)]
    if reverse:
        stacked = [s[::-1] for s in stacked]
    return _tensors(acc_tree, stacked)


def map_fn(fn: Callable, elems: Any, dtype: Any = None, parallel_iterations: Any = None, back_prop: bool = True,
           swap_memory: bool = False, infer_shape: bool = True, name: str | None = None, fn_output_signature: Any = None) -> Any:
    """Applies ``fn`` to each slice of ``elems`` along the first axis and stacks the
    results (TF's ``tf.map_fn``)."""
    if not callable(fn):
        raise TypeError(f"map_fn: argument `fn` must be callable. Received: {fn!r}")
    xs, x_tree = _arrays(elems, "map_fn: argument `elems`")
    if not xs or any(jnp.ndim(x) == 0 for x in xs) or len({x.shape[0] for x in xs}) != 1:
        raise ValueError("map_fn: argument `elems` must hold tensors of rank >= 1 with one first dimension. "
                         f"Received shapes: {[tuple(jnp.shape(x)) for x in xs]}")
    if not _compiled_mode(*xs):
        outs = [_as_tensors(fn(_tensors(x_tree, [x[i] for x in xs]))) for i in range(xs[0].shape[0])]
        leaves = [_arrays(o, "map_fn: the result of `fn`") for o in outs]
        tree = leaves[0][1]
        return _tensors(tree, [jnp.stack([lv[0][k] for lv in leaves]) for k in range(len(leaves[0][0]))])
    single = jax.tree_util.tree_structure((jax.tree_util.tree_unflatten(x_tree, [0] * len(xs)),))
    body, written = _lowered("map_fn", fn, [x[0] for x in xs], single)

    def scan_fn(vals, x):
        leaves, new_vals = body(vals, list(x))
        return new_vals, leaves

    new_values, stacked = jax.lax.scan(scan_fn, [state.read(v) for v in written], xs)
    _write_back(written, new_values)
    return _tensors(body.out_tree, stacked)
