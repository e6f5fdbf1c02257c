"""``StatefulProgram``: a Python step over Variables, compiled into pure XLA programs.

Every training front end (``fit``, ``train_on_batch``, ``evaluate``, ``predict``)
writes its step as ordinary Python that reads and assigns Variables. This class
turns it into pure JAX functions and runs them:

* **state** — the Variables the step touches are inputs of the program; the ones it
  writes are outputs, written back after each call with their buffers donated (a
  buffer still referenced elsewhere, e.g. by a Tensor from ``v.value()``, is copied
  first, so donation never invalidates a user's array). Variables the step reaches
  that were not declared are found by tracing again with them bound
  (:class:`~xlaflow._core.state.MissingVariable`), so callers need not list them all.
* **one step or many** — ``run(per_step, shared)`` runs one step;
  ``run(..., steps=K)`` runs ``K`` steps in one dispatch with ``lax.scan`` over the
  leading axis of ``per_step`` (``shared`` arrays, e.g. a whole device-resident
  dataset, are passed to every step). Only the last step's outputs come back, or
  all of them stacked with ``collect=True`` (``predict``).
* **cache** — one compiled program per (static arguments, number of steps, shapes and
  dtypes of the inputs); :attr:`compiles` counts them (the global counter in
  :mod:`xlaflow.engine.cache` too).
* **inline** — called while another computation is being traced
  (``xlaflow.function``), the step runs directly and becomes part of that program.
"""

from __future__ import annotations

import sys
from typing import Any, Callable

import jax
import jax.numpy as jnp

from xlaflow._core import state
from xlaflow._core.keys import aval_key, freeze
from xlaflow.engine.cache import count_compile
from xlaflow.ops.tensor import Tensor, TensorLike


def owned(value: Any) -> Any:
    """``value`` if nothing but one Variable holds it, else a copy (safe to donate).

    Call it as ``owned(var._storage)``: then the references are the Variable's slot,
    this frame's argument and ``getrefcount``'s own.
    """
    return value if sys.getrefcount(value) <= 3 else jnp.copy(value)


def _arrays(tree: Any) -> Any:
    return jax.tree_util.tree_map(lambda t: t._read() if isinstance(t, TensorLike) else t, tree,
                                  is_leaf=lambda t: isinstance(t, TensorLike))


def _is_tensor(x: Any) -> bool:
    return isinstance(x, TensorLike)


def _tensors(tree: Any) -> Any:
    return jax.tree_util.tree_map(lambda a: None if a is None else Tensor._wrap(a), tree)


class _Retrace(Exception):
    """A trace wrote a variable it had not bound for writing."""


class StatefulProgram:
    """Compiles ``fn(per_step, shared, **statics) -> outputs`` over the Variables it touches.

    Args:
      fn: the step. It receives ``per_step`` and ``shared`` as pytrees of Tensors and
        returns a pytree of Tensors/arrays; it may read and assign any Variable.
      variables: Variables known to be read (more are discovered when traced).
      written: Variables known to be written.
      name: used in error messages.
    """

    def __init__(self, fn: Callable, variables: Any = (), written: Any = (), name: str = "step"):
        self._fn = fn
        self.name = name
        self._vars: dict[int, Any] = {id(v): v for v in variables}
        self._written: dict[int, Any] = {id(v): v for v in written}
        for v in written:
            self._vars.setdefault(id(v), v)
        self._compiled: dict[Any, Any] = {}
        self.compiles = 0

    # -- calling -----------------------------------------------------------------------
    def run(self, per_step: Any, shared: Any = None, steps: int | None = None, collect: bool = False,
            **statics: Any) -> Any:
        """Runs one step (``steps=None``) or ``steps`` steps scanned over ``per_step``'s leading axis."""
        if state.current() is not None:  # inside another trace: inline
            if steps is not None:
                raise ValueError(f"{self.name}: multi-step execution cannot run inside a traced function")
            return self._fn(_tensors(_arrays(per_step)), _tensors(_arrays(shared)), **statics)
        leaves, treedef = jax.tree_util.tree_flatten((per_step, shared), is_leaf=_is_tensor)
        leaves = [x._read() if isinstance(x, TensorLike) else x for x in leaves]
        key = (treedef, tuple(map(aval_key, leaves)), steps, collect, freeze(statics) if statics else ())
        entry = self._compiled.get(key)
        if entry is None:
            return self._trace_and_run(key, treedef, leaves, steps, collect, statics)
        return entry(leaves)

    def _trace_and_run(self, key: Any, treedef: Any, leaves: list, steps: int | None, collect: bool,
                       statics: dict) -> Any:
        for _ in range(100):
            entry = _Entry(self, treedef, steps, collect, statics)
            try:
                out = entry(leaves)
            except state.MissingVariable as e:
                self._vars[id(e.var)] = e.var
                continue
            except _Retrace:
                for var in entry.extra_writes:
                    self._vars[id(var)] = var
                    self._written[id(var)] = var
                continue
            self._compiled[key] = entry
            self.compiles += 1
            count_compile()
            return out
        raise RuntimeError(f"{self.name}: the set of variables it uses did not settle after 100 traces")

    def invalidate(self) -> None:
        """Drops every compiled program (the step's Python changed meaning, e.g. a recompile)."""
        self._compiled.clear()


class _Entry:
    """One compiled program of a :class:`StatefulProgram` (fixed variables, shapes, statics)."""

    def __init__(self, owner: StatefulProgram, treedef: Any, steps: int | None, collect: bool, statics: dict):
        self.written = list(owner._written.values())
        self.read_only = [v for k, v in owner._vars.items() if k not in owner._written]
        self.extra_writes: list = []
        written, read_only, fn = self.written, self.read_only, owner._fn

        def one(written_vals, read_vals, per_step, shared):
            scope = state.StateScope(strict=True, tracing=True)
            for v, val in zip(written, written_vals):
                scope.bind(v, val)
            for v, val in zip(read_only, read_vals):
                scope.bind(v, val)
            with state.state_scope(scope):
                out = fn(_tensors(per_step), _tensors(shared), **statics)
            known = {id(v) for v in written}
            self.extra_writes = [var for var, _ in scope.written() if id(var) not in known]
            if self.extra_writes:
                raise _Retrace()
            return _arrays(out), [scope.values[id(v)][1] for v in written]

        if steps is None:
            def pure(written_vals, read_vals, leaves):
                per_step, shared = jax.tree_util.tree_unflatten(treedef, leaves)
                return one(written_vals, read_vals, per_step, shared)
        else:
            def pure(written_vals, read_vals, leaves):
                per_step, shared = jax.tree_util.tree_unflatten(treedef, leaves)

                def body(carry, xs):
                    out, new = one(carry, read_vals, xs, shared)
                    return new, out

                new, outs = jax.lax.scan(body, written_vals, per_step, length=steps)
                return (outs if collect else jax.tree_util.tree_map(lambda o: o[-1], outs)), new

        self._jitted = jax.jit(pure, donate_argnums=(0,))

    def __call__(self, leaves: list) -> Any:
        written_vals = [owned(v._storage) for v in self.written]
        read_vals = [v._storage for v in self.read_only]
        out, new = self._jitted(written_vals, read_vals, leaves)
        for v, value in zip(self.written, new):
            v._storage = value
        return out
