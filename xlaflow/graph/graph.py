"""``Graph``: the container of nodes, and the default-graph / name-scope machinery.

A process always has a default graph (TF1's); ``with g.as_default():`` makes ``g``
the default on this thread for the block, and also makes ops on Variables build nodes
(see :mod:`xlaflow.graph` for the rule). The graph keeps its nodes in creation order,
which is a topological order (a node only references earlier ones), unique node names
(``MatMul``, ``MatMul_1``, ``scope/MatMul``), the control-dependency stack, the
Variables created while it was the default (weakly: TF1's ``global_variables()``) and
the compiled-run cache of :mod:`xlaflow.graph.interpreter`.
"""

from __future__ import annotations

import contextlib
import re
import threading
import weakref
from typing import Any, Iterator

from xlaflow.ops import dispatch
from xlaflow.ops import variable as variable_module


class Graph:
    """A TF1 graph: nodes, names, collections and the compiled runs of its sessions."""

    def __init__(self) -> None:
        self._nodes: list = []
        self._by_name: dict[str, Any] = {}
        self._name_counts: dict[str, int] = {}
        self._used: set[str] = set()
        self._scope = ""  # current name scope prefix ("a/b/") on this graph
        self._control: list[list] = []  # stack of control-input lists
        self._variables: list = []  # weakrefs, in creation order
        self._prune_at = 1024
        self._collections: dict[str, list] = {}
        self._var_store: dict[str, Any] = {}  # get_variable: full name -> Variable
        self._var_scope: list = []  # variable_scope stack (names)
        self.plans: dict = {}  # interpreter: run key -> compiled plan
        self.finalized = False

    # -- nodes ---------------------------------------------------------------------------
    def unique_name(self, base: str, mark_as_used: bool = True) -> str:
        """``base`` under the current name scope, made unique (``x``, ``x_1`` ...)."""
        full = self._scope + re.sub(r":\d+$", "", base)
        name = full
        n = self._name_counts.get(full, 0)
        while name in self._used:
            n += 1
            name = f"{full}_{n}"
        if mark_as_used:
            self._name_counts[full] = n
            self._used.add(name)
        return name

    def add(self, node: Any) -> Any:
        if self.finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        self._nodes.append(node)
        self._by_name[node.name] = node
        return node

    def control_inputs(self) -> list:
        return [c for frame in self._control for c in frame]

    def get_operations(self) -> list:
        return list(self._nodes)

    def get_operation_by_name(self, name: str) -> Any:
        try:
            return self._by_name[name]
        except KeyError:
            raise KeyError(f"Graph.get_operation_by_name: the name {name!r} refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name: str) -> Any:
        """The tensor ``"op_name:index"`` of this graph."""
        m = re.fullmatch(r"(.+):(\d+)", str(name))
        if m is None:
            raise ValueError(f"Graph.get_tensor_by_name: argument `name` must look like 'op_name:0'. Received: {name!r}")
        node = self._by_name.get(m.group(1))
        idx = int(m.group(2))
        if node is None or idx >= len(node.outputs):
            raise KeyError(f"Graph.get_tensor_by_name: the name {name!r} refers to a Tensor which does not exist.")
        return node.outputs[idx]

    def as_graph_element(self, obj: Any) -> Any:
        if isinstance(obj, str):
            return self.get_tensor_by_name(obj) if ":" in obj else self.get_operation_by_name(obj)
        return obj

    def finalize(self) -> None:
        self.finalized = True

    # -- contexts ------------------------------------------------------------------------
    @contextlib.contextmanager
    def as_default(self) -> Iterator["Graph"]:
        """Makes this graph the default on this thread; ops on Variables build nodes."""
        _local.stack.append(self)
        try:
            with dispatch.variables_captured(True):
                yield self
        finally:
            _local.stack.pop()

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        saved = self._scope
        if not name:  # None or "": back to the top level (TF1)
            self._scope = ""
        elif name.endswith("/"):
            self._scope = name
        else:
            self._scope = self.unique_name(name) + "/"
        try:
            yield self._scope
        finally:
            self._scope = saved

    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Any) -> Iterator[None]:
        """Nodes built in the block run after ``control_inputs`` (None clears them)."""
        from xlaflow.graph.node import Operation, SymbolicTensor

        if control_inputs is None:
            saved, self._control = self._control, []
            try:
                yield
            finally:
                self._control = saved
            return
        frame = []
        for c in control_inputs:
            if isinstance(c, SymbolicTensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError(f"control_dependencies: argument `control_inputs` must hold graph operations or tensors. Received: {c!r:.200}")
            frame.append(c)
        self._control.append(frame)
        try:
            yield
        finally:
            self._control.pop()

    # -- variables and collections -------------------------------------------------------
    def _note_variable(self, var: Any) -> None:
        self._variables.append(weakref.ref(var))
        if len(self._variables) >= self._prune_at:  # drop dead references now and then
            self._variables = [r for r in self._variables if r() is not None]
            self._prune_at = max(1024, 2 * len(self._variables))

    def variables(self) -> list:
        """The live Variables created while this graph was the default, in creation
        order (xlaflow's internal random-key Variable excluded)."""
        from xlaflow.ops import rng

        live = [r() for r in self._variables]
        return [v for v in live if v is not None and v is not rng._key_var]

    def add_to_collection(self, name: str, value: Any) -> None:
        self._collections.setdefault(name, []).append(value)

    def get_collection(self, name: str, scope: str | None = None) -> list:
        if name in ("variables", "global_variables"):
            items = self.variables()
        elif name == "trainable_variables":
            items = [v for v in self.variables() if v.trainable]
        else:
            items = list(self._collections.get(name, []))
        if scope:
            items = [i for i in items if re.match(scope, getattr(i, "name", ""))]
        return items

    def __repr__(self) -> str:
        return f"<xlaflow.Graph with {len(self._nodes)} nodes>"


class _Local(threading.local):
    def __init__(self) -> None:
        self.stack: list[Graph] = []


_local = _Local()
_global_default = Graph()


def get_default_graph() -> Graph:
    """The graph new nodes go to: the innermost ``as_default()`` one, else the global one."""
    stack = _local.stack
    return stack[-1] if stack else _global_default


def reset_default_graph() -> None:
    """Replaces the global default graph with a new, empty one (TF1's rule: not inside
    a ``with graph.as_default()`` block)."""
    global _global_default
    if _local.stack:
        raise AssertionError("reset_default_graph: do not use it inside a `with graph.as_default()` block (nested graph).")
    _global_default = Graph()


def _on_variable_created(var: Any) -> None:
    get_default_graph()._note_variable(var)


if _on_variable_created not in variable_module.creation_hooks:
    variable_module.creation_hooks.append(_on_variable_created)


def name_scope(name: str | None, default_name: str | None = None, values: Any = None) -> Any:
    """TF1's ``tf.name_scope``: prefixes the names of nodes built in the block."""
    return get_default_graph().name_scope(name if name is not None else default_name)


def control_dependencies(control_inputs: Any) -> Any:
    """TF1's ``tf.control_dependencies`` on the default graph."""
    return get_default_graph().control_dependencies(control_inputs)
