"""TF1's ``tf.train.Optimizer``: ``compute_gradients`` / ``apply_gradients`` /
``minimize`` building graph nodes, with slot Variables per trained variable.

``apply_gradients`` builds one ``update`` node whose function takes the gradients,
the hyperparameters (Python numbers or tensors: a decayed learning rate is a node)
and the current values of the variables, their slots and the optimizer's own
variables (Adam's ``beta1_power``), and returns all their new values; the
interpreter writes them back after the run. A subclass gives its slots, its own
variables and the per-variable update as pure JAX (TF1 kernels' formulas).
"""

from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp

from xlaflow._core import state
from xlaflow.graph import build
from xlaflow.graph import graph as graph_module
from xlaflow.graph.gradients import gradients
from xlaflow.graph.interpreter import is_variable
from xlaflow.graph.node import UPDATE, SymbolicTensor
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2


class Optimizer:
    """Base class of the v1 optimizers (``tf.compat.v1.train.Optimizer``)."""

    GATE_NONE, GATE_OP, GATE_GRAPH = GATE_NONE, GATE_OP, GATE_GRAPH

    def __init__(self, use_locking: bool, name: str):
        if not name:
            raise ValueError(f"{type(self).__name__}: argument `name` must not be empty. Received: {name!r}")
        self._name = name
        self._use_locking = use_locking
        self._slots: dict[str, dict[int, Variable]] = {}
        self._non_slot: dict[str, Variable] = {}

    # -- what a subclass defines ---------------------------------------------------------
    def _hyper(self) -> dict:
        """Hyperparameters: name -> Python number, Tensor or symbolic tensor."""
        return {}

    def _slot_inits(self) -> list[tuple[str, Callable]]:
        """``(slot name, fn(var value) -> initial value)`` for each slot (NumPy, on the
        host: no device program per shape)."""
        return []

    def _non_slot_inits(self) -> dict:
        """Optimizer-wide variables: name -> initial Python value."""
        return {}

    def _apply(self, g: Any, w: Any, slots: dict, h: dict, ns: dict) -> tuple[Any, dict]:  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} must implement `_apply`.")

    def _finish(self, ns: dict, h: dict) -> dict:
        return ns

    # -- public API ----------------------------------------------------------------------
    def get_name(self) -> str:
        return self._name

    def get_slot_names(self) -> list:
        return sorted(self._slots)

    def get_slot(self, var: Any, name: str) -> Variable | None:
        return self._slots.get(name, {}).get(id(var))

    def variables(self) -> list:
        slots = [v for d in self._slots.values() for v in d.values()]
        return list(self._non_slot.values()) + slots

    def compute_gradients(self, loss: Any, var_list: Any = None, gate_gradients: int = GATE_OP, aggregation_method: Any = None,
                          colocate_gradients_with_ops: bool = False, grad_loss: Any = None) -> list:
        """``[(gradient or None, variable), ...]`` for ``var_list`` (default: the
        trainable Variables of the graph), as graph tensors.

        Raises:
          TypeError: ``loss`` is not a graph tensor (an eager loss needs a GradientTape).
          ValueError: ``var_list`` is empty.
        """
        name = f"{type(self).__name__}.compute_gradients"
        if callable(loss) and not isinstance(loss, SymbolicTensor):
            loss = loss()
        if not isinstance(loss, SymbolicTensor):
            raise TypeError(
                f"{name}: argument `loss` must be a graph (symbolic) tensor built from placeholders, or built inside "
                f"`with graph.as_default():`. Received: {loss!r:.200}. For eager code use tf.GradientTape and a "
                "Keras optimizer."
            )
        if var_list is None:
            with loss.graph.as_default():
                var_list = [v for v in graph_module.get_default_graph().variables() if v.trainable]
        var_list = list(var_list.values() if isinstance(var_list, dict) else var_list)
        if not var_list:
            raise ValueError(f"{name}: there are no variables to optimize (argument `var_list` is empty).")
        for i, v in enumerate(var_list):
            if not is_variable(v):
                raise TypeError(f"{name}: argument `var_list` must hold Variables. Received: var_list[{i}]={v!r:.200}")
        grads = gradients(loss, var_list, grad_ys=grad_loss)
        return list(zip(grads, var_list))

    def apply_gradients(self, grads_and_vars: Any, global_step: Any = None, name: str | None = None) -> Any:
        """An operation applying the gradients (``None`` ones skipped) and, if given,
        incrementing ``global_step`` by one.

        Raises:
          ValueError: no pair has a gradient.
          TypeError: a pair is not (tensor or None, Variable).
        """
        what = f"{type(self).__name__}.apply_gradients"
        pairs = list(grads_and_vars)
        for i, pair in enumerate(pairs):
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"{what}: argument `grads_and_vars` must hold (gradient, variable) pairs. Received: item {i}={pair!r:.200}")
            if not is_variable(pair[1]):
                raise TypeError(f"{what}: the variable of pair {i} must be a Variable. Received: {pair[1]!r:.200}")
        live = [(g, v) for g, v in pairs if g is not None]
        if not live:
            raise ValueError(f"{what}: no gradients provided for any variable: {[v.name for _, v in pairs]}.")
        grads = [g if isinstance(g, (SymbolicTensor, Tensor)) else Tensor._wrap(jnp.asarray(g, v._np_dtype)) for g, v in live]
        variables = [v for _, v in live]
        slot_inits = self._slot_inits()
        slots = [{s: self._slot(v, s, init) for s, init in slot_inits} for v in variables]
        for name_, init in self._non_slot_inits().items():
            if name_ not in self._non_slot:
                self._non_slot[name_] = Variable(init, trainable=False, name=f"{self._name}/{name_}", dtype=variables[0].dtype)
        ns = dict(self._non_slot)
        hyper = self._hyper()
        slot_names = [s for s, _ in slot_inits]
        targets = variables + [d[s] for d in slots for s in slot_names] + [ns[k] for k in sorted(ns)]
        if global_step is not None:
            if not is_variable(global_step):
                raise TypeError(f"{what}: argument `global_step` must be a Variable. Received: {global_step!r:.200}")
            targets.append(global_step)

        def update(grads, hyper, ws, slot_vals, ns_vals, step):
            new_w, new_slots = [], []
            for g, w, sv in zip(grads, ws, slot_vals):
                h = {k: jnp.asarray(val, w.dtype) for k, val in hyper.items()}
                nsv = {k: val.astype(w.dtype) for k, val in ns_vals.items()}
                nw, ns_ = self._apply(g.astype(w.dtype), w, sv, h, nsv)
                new_w.append(nw)
                new_slots += [ns_[s] for s in slot_names]
            new_ns = self._finish(ns_vals, {k: jnp.asarray(val, jnp.float32) for k, val in hyper.items()})
            tail = [] if step is None else [step + 1]
            return new_w + new_slots + [new_ns[k] for k in sorted(ns_vals)] + tail

        args = (grads, hyper, variables, slots, ns, global_step)
        graph = build.graph_of((grads, hyper), what)
        return build.add_node(graph, UPDATE, type(self).__name__, name or self._name, fn=update, args=args, targets=targets)

    def minimize(self, loss: Any, global_step: Any = None, var_list: Any = None, gate_gradients: int = GATE_OP,
                 aggregation_method: Any = None, colocate_gradients_with_ops: bool = False, name: str | None = None,
                 grad_loss: Any = None) -> Any:
        """``apply_gradients(compute_gradients(loss, var_list), global_step)``.

        Raises:
          ValueError: ``loss`` does not depend on any variable of ``var_list``.
        """
        pairs = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        if all(g is None for g, _ in pairs):
            raise ValueError(
                f"{type(self).__name__}.minimize: no gradients provided for any variable, check your graph for ops that "
                f"do not support gradients, between variables {[v.name for _, v in pairs]} and loss {loss!r}."
            )
        return self.apply_gradients(pairs, global_step=global_step, name=name)

    def _slot(self, var: Variable, slot: str, init: Callable) -> Variable:
        table = self._slots.setdefault(slot, {})
        v = table.get(id(var))
        if v is None:
            base = var.name.split(":")[0]
            v = table[id(var)] = Variable(init(state.storage(var)), trainable=False, name=f"{base}/{self._name}/{slot}")
        return v
