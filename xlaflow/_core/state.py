"""The state scope: the one mechanism that lets stateful-looking code compile.

Eagerly a :class:`~xlaflow.Variable` holds a device array. While a :class:`StateScope`
is active, reads and writes of any variable are redirected to the scope:

* a read returns the value bound in the scope. An unbound variable is bound on first
  read: to its parent scope's value (a nested scope, such as the forward pass inside
  a gradient), to a new input of the program being traced (a *capturing* scope: the
  engine passes ``capture``, see :mod:`xlaflow.engine.capture`), or to the
  variable's stored array (an eager scope);
* a write replaces the bound value and marks the variable written.

Only :meth:`StateScope.commit` (eager scopes) and the engine's write-back
(:mod:`xlaflow.engine.program`) store values into variables; :func:`store` is the
one function that does it. Every binding is checked against the variable's shape and
dtype, as Keras' ``StatelessScope`` does, so a wrong value fails where it is bound,
not deep inside a compiled program.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import jax
import numpy as np


class MissingVariable(Exception):
    """Raised by a closed scope when code reads a variable it did not bind."""

    def __init__(self, var: Any):
        super().__init__(f"variable {getattr(var, 'name', var)!r} is not bound in this scope")
        self.var = var


class StateScope:
    """Values of variables inside one computation, keyed by variable identity.

    Args:
      bound: initial ``id(var) -> (var, value)`` bindings.
      parent: the enclosing scope; unbound reads take its value (and bind it there).
      capture: for a scope tracing a compiled program: ``capture(var)`` returns the
        traced input that stands for ``var``'s value.
      lift: for the same scope: computes a traced value that depends only on
        Variables and constants (see :meth:`lift`).
      tracing: whether the computation is being traced (``executing_eagerly()`` is
        False inside it).
      discovering: a throw-away run (shape inference, an abstract pass); its writes
        are discarded and ``xlaflow.print`` stays silent in it.
      creating: whether new Variables may be created while the scope is active (a
        compiled program traced again for new shapes may not, as in TensorFlow).
      closed: only the ``bound`` variables may be used: reading another raises
        :class:`MissingVariable` (a layer call traced as a pure function of its weights).
    """

    def __init__(self, bound: dict[int, tuple[Any, Any]] | None = None, *, parent: "StateScope | None" = None,
                 capture: Callable[[Any], Any] | None = None, lift: Callable[[Any], Any] | None = None,
                 tracing: bool = False, discovering: bool = False, creating: bool = True, closed: bool = False):
        # id(variable) -> (variable, value); ids are stable while the variable lives,
        # and the tuple keeps it alive.
        self.values: dict[int, tuple[Any, Any]] = dict(bound or {})
        self.read_ids: dict[int, None] = {}  # ordered sets
        self.written_ids: dict[int, None] = {}
        self.created: list[Any] = []  # variables created while the scope was active
        self.parent = parent
        self.capture = capture
        self._lift = lift
        self.tracing = tracing or discovering or capture is not None or (parent is not None and parent.tracing)
        self.discovering = discovering or (parent is not None and parent.discovering)
        self.creating = creating
        self.closed = closed

    def bind(self, var: Any, value: Any) -> None:
        """Binds ``var`` to ``value`` (checked against the variable's shape and dtype)."""
        check_binding(var, value)
        self.values[id(var)] = (var, value)

    def read(self, var: Any) -> Any:
        key = id(var)
        entry = self.values.get(key)
        if entry is None:
            if self.parent is not None:
                value = self.parent.read(var)
            elif self.capture is not None:
                value = self.capture(var)
            elif self.closed:
                raise MissingVariable(var)
            else:
                value = storage(var)
            entry = self.values[key] = (var, value)
        self.read_ids[key] = None
        return entry[1]

    def write(self, var: Any, value: Any) -> None:
        self.values[id(var)] = (var, value)
        self.written_ids[id(var)] = None

    def may_create(self) -> bool:
        """Whether a Variable may be created now (not in a program traced again)."""
        return self.creating and (self.parent is None or self.parent.may_create())

    def on_create(self, var: Any) -> None:
        """Called by each new Variable (refused by a compiled program traced again)."""
        if not self.may_create():
            refuse_creation(getattr(var, "name", "?"))
        self.created.append(var)
        if self.parent is not None:
            self.parent.on_create(var)

    def lift(self, value: Any) -> Any:
        """The concrete value of a traced ``value`` computed only from Variables and
        constants (a new Variable's initial value, as TF's first trace lifts it out of
        the graph); raises :class:`TracedInitialValue` if it depends on the inputs."""
        if self.parent is not None:
            return self.parent.lift(value)
        if self._lift is None:
            raise TracedInitialValue("the initial value is traced")
        return self._lift(value)

    def written(self) -> list[tuple[Any, Any]]:
        return [self.values[k] for k in self.written_ids]

    def touched(self) -> list[Any]:
        """Every variable read or written, in first-touch order."""
        seen = dict.fromkeys([*self.read_ids, *self.written_ids])
        return [self.values[k][0] for k in seen]

    def commit(self) -> None:
        """Stores every written value back into its variable (an eager scope's values)."""
        for var, value in self.written():
            store(var, value)


def refuse_creation(name: str) -> None:
    raise ValueError(
        f"A Variable ({name}) was created while a compiled function was traced again. Variables may "
        "only be created on a function's first call, as in TensorFlow: create them outside the "
        "function, or once, e.g. `if self.v is None: self.v = xlaflow.Variable(...)`."
    )


def check_binding(var: Any, value: Any) -> None:
    """Raises if ``value`` cannot be ``var``'s value (another shape or dtype)."""
    dims = getattr(var, "_dims", None)
    shape = getattr(value, "shape", None)
    if dims is not None and shape is not None and tuple(shape) != dims:
        raise ValueError(
            f"Variable {getattr(var, 'name', '?')}: the value bound to it must have shape {dims}. "
            f"Received: a value of shape {tuple(shape)}"
        )
    dtype = getattr(var, "_np_dtype", None)
    vdtype = getattr(value, "dtype", None)
    if dtype is not None and vdtype is not None and np.dtype(vdtype) != dtype:
        raise ValueError(
            f"Variable {getattr(var, 'name', '?')}: the value bound to it must have dtype {np.dtype(dtype).name}. "
            f"Received: a value of dtype {np.dtype(vdtype).name}"
        )


def store(var: Any, value: Any) -> None:
    """Writes ``value`` into ``var``'s storage: the only place storage changes."""
    var._storage = value


class Pending:
    """Stands in a Variable's storage for a value a deferred program will write
    (:mod:`xlaflow.autodiff.chain`); ``force()`` runs that program, which stores the
    value. ``previous`` is the value before the write."""

    __slots__ = ("force", "previous")

    def __init__(self, force: Callable[[], None], previous: Any):
        self.force = force
        self.previous = previous


def storage(var: Any) -> Any:
    """``var``'s stored array, running the deferred program that writes it if need be."""
    value = var._storage
    if type(value) is Pending:
        value.force()
        value = var._storage
    return value


class _Local(threading.local):
    def __init__(self) -> None:
        self.stack: list[StateScope] = []


_local = _Local()


def current() -> StateScope | None:
    """The innermost active scope, or None when running eagerly."""
    stack = _local.stack
    return stack[-1] if stack else None


@contextmanager
def state_scope(scope: StateScope | None = None) -> Iterator[StateScope]:
    """Activates ``scope`` (a new one by default) for the duration of the block."""
    scope = scope if scope is not None else StateScope()
    _local.stack.append(scope)
    try:
        yield scope
    finally:
        _local.stack.pop()


@contextmanager
def eager() -> Iterator[None]:
    """A block that sees no scope at all: variables read and write their storage
    (the engine's ``init_scope``, for initial values computed while a program is traced)."""
    saved, _local.stack = _local.stack, []
    try:
        yield
    finally:
        _local.stack = saved


class TracedInitialValue(Exception):
    """A Variable created while a program is traced got a traced initial value."""


def read(var: Any) -> Any:
    scope = current()
    if scope is None:
        value = var._storage
        return value if type(value) is not Pending else storage(var)
    return scope.read(var)


def write(var: Any, value: Any) -> None:
    scope = current()
    if scope is not None:
        scope.write(var, value)
        return
    if isinstance(value, jax.core.Tracer):
        raise TypeError(
            f"Variable {getattr(var, 'name', '?')}: cannot store a traced value outside a state "
            "scope (this happens when a Variable is assigned inside jax.jit/jax.grad). Wrap the "
            "function in xlaflow.function, which writes new values back after each call, or "
            "return the new value from the compiled function and assign it outside."
        )
    store(var, value)


def tracing() -> bool:
    """Whether code runs inside a function being traced (any active tracing scope)."""
    stack = _local.stack
    return bool(stack) and stack[-1].tracing or any(scope.tracing for scope in stack)
