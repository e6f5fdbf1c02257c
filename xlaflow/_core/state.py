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


class StateScope:
    """Values of variables inside one pure computation, keyed by variable identity."""

    def __init__(self, bound: dict[int, tuple[Any, Any]] | None = None):
        # id(variable) -> (variable, value); ids are stable while the variable lives,
        # and the tuple keeps it alive.
        self.values: dict[int, tuple[Any, Any]] = dict(bound or {})
        self.read_ids: list[int] = []
        self.written_ids: list[int] = []

    def bind(self, var: Any, value: Any) -> None:
        self.values[id(var)] = (var, value)

    def read(self, var: Any) -> Any:
        key = id(var)
        if key not in self.values:
            self.values[key] = (var, var._storage)
        if key not in self.read_ids:
            self.read_ids.append(key)
        return self.values[key][1]

    def write(self, var: Any, value: Any) -> None:
        key = id(var)
        self.values[key] = (var, value)
        if key not in self.written_ids:
            self.written_ids.append(key)

    def written(self) -> list[tuple[Any, Any]]:
        return [self.values[k] for k in self.written_ids]

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
