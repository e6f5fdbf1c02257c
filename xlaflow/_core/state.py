"""The state scope: the one mechanism that lets stateful-looking code compile.

Eagerly a :class:`~xlaflow.Variable` holds a device array. While a :class:`StateScope`
is active (inside a function being traced by ``jax.jit``), reads and writes of any
variable are redirected to the scope: reads return the value bound in the scope
(binding the variable's current array on first use), writes replace it. After the
pure call, :meth:`StateScope.commit` writes the new values back to the variables.
Only this module and :meth:`StateScope.commit` mutate variable storage.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator

import jax


class MissingVariable(Exception):
    """Raised by a strict scope when code touches a variable it did not bind."""

    def __init__(self, var: Any):
        super().__init__(f"variable {getattr(var, 'name', var)!r} is not bound in this scope")
        self.var = var


class StateScope:
    """Values of variables inside one pure computation, keyed by variable identity.

    Args:
      bound: initial ``id(var) -> (var, value)`` bindings.
      strict: reading or writing an unbound variable raises :class:`MissingVariable`
        (a compiled function uses this to learn that it must trace again with that
        variable as an input) instead of binding the variable's stored value.
      tracing: whether the computation is being traced (``executing_eagerly()`` is
        False inside it).
      discovering: a throw-away run that only learns which variables are used; its
        writes are discarded and ``xlaflow.print`` stays silent in it.
    """

    def __init__(self, bound: dict[int, tuple[Any, Any]] | None = None, *, strict: bool = False, tracing: bool = False,
                 discovering: bool = False):
        # id(variable) -> (variable, value); ids are stable while the variable lives,
        # and the tuple keeps it alive.
        self.values: dict[int, tuple[Any, Any]] = dict(bound or {})
        self.read_ids: dict[int, None] = {}  # ordered sets
        self.written_ids: dict[int, None] = {}
        self.created: list[Any] = []  # variables created while the scope was active
        self.strict = strict
        self.tracing = tracing or discovering
        self.discovering = discovering

    def bind(self, var: Any, value: Any) -> None:
        self.values[id(var)] = (var, value)

    def read(self, var: Any) -> Any:
        key = id(var)
        if key not in self.values:
            if self.strict:
                raise MissingVariable(var)
            self.values[key] = (var, var._storage)
        self.read_ids[key] = None
        return self.values[key][1]

    def write(self, var: Any, value: Any) -> None:
        key = id(var)
        if self.strict and key not in self.values:
            raise MissingVariable(var)
        self.values[key] = (var, value)
        self.written_ids[key] = None

    def on_create(self, var: Any) -> None:
        """Called by each new Variable; a strict (compiled) scope refuses new variables."""
        if self.strict:
            raise ValueError(
                f"A Variable ({getattr(var, 'name', '?')}) was created while a compiled function was "
                "traced again. Variables may only be created on a function's first call, as in "
                "TensorFlow: create them outside the function, or once, e.g. "
                "`if self.v is None: self.v = xlaflow.Variable(...)`."
            )
        self.created.append(var)

    def written(self) -> list[tuple[Any, Any]]:
        return [self.values[k] for k in self.written_ids]

    def touched(self) -> list[Any]:
        """Every variable read or written, in first-touch order."""
        seen = dict.fromkeys([*self.read_ids, *self.written_ids])
        return [self.values[k][0] for k in seen]

    def commit(self) -> None:
        """Stores every written value back into its variable (concrete values only)."""
        for var, value in self.written():
            var._storage = value


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


def read(var: Any) -> Any:
    scope = current()
    return var._storage if scope is None else scope.read(var)


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
    var._storage = value


def tracing() -> bool:
    """Whether code runs inside a function being traced (any active tracing scope)."""
    return any(scope.tracing for scope in _local.stack)
