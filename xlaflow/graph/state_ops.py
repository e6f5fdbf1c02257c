"""TF1 graph ops on state and control: ``assign``/``assign_add``/``assign_sub``, the
variable initializers, variable collections, ``group`` and ``no_op``.

These TF1-only functions always build nodes (in the graph of their symbolic inputs,
else the default graph): ``inc = tf.assign_add(v, 1)`` does nothing until
``sess.run(inc)``. A Variable's own ``assign``/``assign_add``/``assign_sub`` build the
same node when the value is symbolic (``update = w.assign(w - lr * grad)``) and stay
eager otherwise.

Initializers: a Variable holds its initial value from the moment it is created, so
graphs work even without an initializer run (as eager code does). Running
``global_variables_initializer()`` (or ``variables_initializer(vars)``) resets the
listed Variables to the values they were created with; it runs on the host, before
the rest of the fetches of the same ``Session.run``.
"""

from __future__ import annotations

from typing import Any

from xlaflow._core.tensor_shape import TensorShape
from xlaflow.graph import build
from xlaflow.graph import graph as graph_module
from xlaflow.graph.interpreter import is_variable
from xlaflow.graph.node import INIT, NOOP, UPDATE, Operation, SymbolicTensor
from xlaflow.ops import convert
from xlaflow.ops import variable as variable_module
from xlaflow.ops.tensor import Tensor


def _check_ref(what: str, ref: Any) -> None:
    if not is_variable(ref):
        raise TypeError(f"{what}: argument `ref` must be a Variable. Received: {ref!r:.200}")


def _value_for(what: str, ref: Any, value: Any, arg: str) -> Any:
    if isinstance(value, SymbolicTensor):
        if value.dtype != ref.dtype:
            raise TypeError(f"{what}: argument `{arg}` must have the variable's dtype {ref.dtype.name}. Received: {value.dtype.name}")
        if not ref.shape.is_compatible_with(value.shape):
            raise ValueError(f"{what}: argument `{arg}` must have shape {ref.shape}. Received: {value.shape}")
        return value
    arr = convert.to_array(value, ref.dtype, op=what, arg=arg)
    if not ref.shape.is_compatible_with(arr.shape):
        raise ValueError(f"{what}: argument `{arg}` must have shape {ref.shape}. Received: {TensorShape(arr.shape)}")
    return Tensor._wrap(arr)


def _update(what: str, ref: Any, value: Any, arg: str, fn: Any, name: str | None) -> SymbolicTensor:
    _check_ref(what, ref)
    value = _value_for(what, ref, value, arg)
    graph = build.graph_of((value,), what)
    node = build.add_node(graph, UPDATE, what.title().replace("_", ""), name or what.title().replace("_", ""), fn=fn,
                          args=(ref, value), specs=[(ref.shape, ref.dtype)], targets=[ref])
    return node.outputs[0]


def assign(ref: Any, value: Any, validate_shape: Any = None, use_locking: Any = None, name: str | None = None) -> SymbolicTensor:
    """A node that stores ``value`` in the Variable ``ref``; its output is the new value."""
    return _update("assign", ref, value, "value", lambda cur, v: [v], name)


def assign_add(ref: Any, value: Any, use_locking: Any = None, name: str | None = None) -> SymbolicTensor:
    """A node that adds ``value`` to the Variable ``ref``; its output is the new value."""
    return _update("assign_add", ref, value, "value", lambda cur, v: [cur + v], name)


def assign_sub(ref: Any, value: Any, use_locking: Any = None, name: str | None = None) -> SymbolicTensor:
    """A node that subtracts ``value`` from the Variable ``ref``; its output is the new value."""
    return _update("assign_sub", ref, value, "value", lambda cur, v: [cur - v], name)


def variables_initializer(var_list: Any, name: str = "init") -> Operation:
    """An operation that resets each Variable of ``var_list`` to its initial value."""
    var_list = list(var_list)
    for i, v in enumerate(var_list):
        if not is_variable(v):
            raise TypeError(f"variables_initializer: argument `var_list` must hold Variables. Received: var_list[{i}]={v!r:.200}")
    graph = graph_module.get_default_graph()
    return build.add_node(graph, INIT if var_list else NOOP, "NoOp", name, targets=var_list)


def global_variables(scope: str | None = None) -> list:
    """The Variables created while the default graph was the default (TF1's collection)."""
    return graph_module.get_default_graph().get_collection("variables", scope)


def trainable_variables(scope: str | None = None) -> list:
    """The trainable Variables of the default graph, in creation order."""
    return graph_module.get_default_graph().get_collection("trainable_variables", scope)


def local_variables(scope: str | None = None) -> list:
    """Always empty: xlaflow has no local-variable collection."""
    return graph_module.get_default_graph().get_collection("local_variables", scope)


def global_variables_initializer() -> Operation:
    """An operation resetting every Variable of the default graph to its initial value."""
    return variables_initializer(global_variables())


def local_variables_initializer() -> Operation:
    return variables_initializer(local_variables(), name="init_local")


initialize_all_variables = global_variables_initializer


def no_op(name: str | None = None) -> Operation:
    """An operation that does nothing (useful with control dependencies)."""
    return build.add_node(graph_module.get_default_graph(), NOOP, "NoOp", name)


def group(*inputs: Any, name: str | None = None) -> Operation:
    """An operation that runs all ``inputs`` (tensors or operations) and returns nothing."""
    ops = []
    for x in inputs:
        for item in (x if isinstance(x, (list, tuple)) else [x]):
            if isinstance(item, SymbolicTensor):
                item = item.op
            if not isinstance(item, Operation):
                raise TypeError(f"group: arguments must be graph operations or tensors. Received: {item!r:.200}")
            ops.append(item)
    graph = ops[0].graph if ops else graph_module.get_default_graph()
    node = build.add_node(graph, NOOP, "NoOp", name or "group_deps")
    node.control_inputs.extend(o for o in ops if o not in node.control_inputs)
    return node


def add_to_collection(name: str, value: Any) -> None:
    graph_module.get_default_graph().add_to_collection(name, value)


def get_collection(key: str, scope: str | None = None) -> list:
    return graph_module.get_default_graph().get_collection(key, scope)



def _variable_method(method: str, ref: Any, value: Any, name: str | None) -> SymbolicTensor:
    return {"assign": assign, "assign_add": assign_add, "assign_sub": assign_sub}[method](ref, value, name=name)


def _variable_eval(self: Any, session: Any = None) -> Any:
    """TF1's ``Variable.eval(session=None)``: the value, read by a session run."""
    from xlaflow.graph.session import _session_for

    return _session_for(session, self, "Variable.eval").run(self)


def _variable_initializer(self: Any) -> Operation:
    """TF1's ``Variable.initializer``: an operation resetting it to its initial value."""
    return variables_initializer([self], name=self.name.split(":")[0] + "/Assign")


variable_module.symbolic_assign = _variable_method
# TF1 methods of variables, installed on the one Variable class (as operators are)
variable_module.Variable.eval = _variable_eval  # type: ignore[attr-defined]
variable_module.Variable.initializer = property(_variable_initializer)  # type: ignore[attr-defined]
