"""``xlaflow.function``: trace Python once per signature into one compiled XLA program.

A call goes through three stages:

1. **Discovery** (first call only): the Python function runs once, eagerly, inside a
   state scope whose writes are thrown away. It tells which Variables the function
   reads and writes, and creates the Variables a lazy build makes (as TF's first
   trace does).
2. **Tracing** (once per cache key: the dtypes/shapes of tensor arguments and the
   values of static ones): the function becomes a pure JAX function
   ``(written values, read values, tensor args) -> (outputs, new written values)``,
   compiled by ``jax.jit`` with the written variables' buffers donated. A variable
   touched for the first time on a new path triggers one retrace with it bound; a
   variable *created* on a later trace is an error, as in TF.
3. **Running**: the compiled program runs and the new values are stored back into
   the Variables.

Calls made while another function is being traced run inline (one program), and
calls under an active ``GradientTape`` run as one recorded op, so the tape can
differentiate through them.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
import weakref
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp

from xlaflow._core import state
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow.engine.cache import count_compile
from xlaflow.function import signature as sig
from xlaflow.ops import dispatch
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.ops.variable import Variable


class XlaflowRetracingWarning(UserWarning):
    """A compiled function was traced again and again for changing arguments."""


RETRACE_WARNING_AFTER = 5


def _out_leaf(x: Any) -> bool:
    return isinstance(x, (TensorLike, TensorSpec)) or x is None


class _Trace:
    """One traced-and-compiled program of a :class:`Function`."""

    def __init__(self, owner: "Function", leaves: list, treedef: Any, written: list, read_only: list):
        self.written = written
        self.read_only = read_only
        self.out_tree = None
        self.out_static: list = []  # per output leaf: the value itself, if static
        self.out_dynamic: list = []  # per output leaf: whether it is a traced tensor
        self.extra_writes: list = []
        fn = owner._python_function

        def pure(written_vals, read_vals, arrays):
            scope = state.StateScope(strict=True, tracing=True)
            for v, val in zip(written, written_vals):
                scope.bind(v, val)
            for v, val in zip(read_only, read_vals):
                scope.bind(v, val)
            args, kwargs = jax.tree_util.tree_unflatten(treedef, sig.rebuild(leaves, arrays))
            with state.state_scope(scope):
                result = fn(*args, **kwargs)
            known = {id(v) for v in written}
            self.extra_writes = [var for var, _ in scope.written() if id(var) not in known]
            if self.extra_writes:
                raise _Retrace()
            out_leaves, self.out_tree = jax.tree_util.tree_flatten(result, is_leaf=_out_leaf)
            self.out_dynamic = [isinstance(o, (Tensor, Variable)) for o in out_leaves]
            self.out_static = [None if d else o for d, o in zip(self.out_dynamic, out_leaves)]
            dynamic = [o._read() for o, d in zip(out_leaves, self.out_dynamic) if d]
            return dynamic, [scope.values[id(v)][1] for v in written]

        self.pure = pure
        self.jitted = jax.jit(pure, donate_argnums=(0,))
        count_compile()

    def run(self, arrays: list) -> Any:
        written_vals = []
        for v in self.written:
            arr = v._storage
            # Donate a buffer only if nothing else holds it (a Tensor from v.value(),
            # a tape record, another Variable): otherwise donate a copy.
            written_vals.append(arr if sys.getrefcount(arr) <= 3 else jnp.copy(arr))
            del arr
        read_vals = [v._storage for v in self.read_only]
        if dispatch._local.recorders:
            outs, new = self._recorded(written_vals, read_vals, arrays)
        else:
            outs, new = self.jitted(written_vals, read_vals, arrays)
        for v, value in zip(self.written, new):
            v._storage = value
        return self._outputs(outs)

    def _recorded(self, written_vals: list, read_vals: list, arrays: list) -> tuple:
        """Runs as one op (no donation: the tape keeps its inputs), so tapes record it."""
        op = getattr(self, "_op", None)
        if op is None:
            def call_function(written, read, args):
                outs, new = self.pure(written, read, args)
                return [*outs, *new]

            op = self._op = dispatch.Op("PartitionedCall", call_function, ("written", "read", "args"), ("written", "read", "args"), (), jit=False)
        flat = dispatch.call(op, (list(self.written), list(self.read_only), [Tensor._wrap(jnp.asarray(a)) for a in arrays]), {})
        n_out = len(flat) - len(self.written)
        return list(flat[:n_out]), [t._value for t in flat[n_out:]]

    def _outputs(self, outs: list) -> Any:
        it = iter(outs)
        leaves = [_tensor(next(it)) if d else o for d, o in zip(self.out_dynamic, self.out_static)]
        return jax.tree_util.tree_unflatten(self.out_tree, leaves)


def _tensor(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor._wrap(value)


class _Retrace(Exception):
    """Raised inside a trace that wrote a variable it had not bound for writing."""


class Function:
    """A Python function compiled by XLA once per input signature (TF's ``tf.function``).

    Create it with :func:`function`. ``experimental_get_tracing_count()`` says how many
    times it was traced.
    """

    def __init__(self, python_function: Callable, input_signature: Sequence[Any] | None = None,
                 jit_compile: bool | None = None, reduce_retracing: bool = False, name: str | None = None):
        if not callable(python_function):
            raise TypeError(f"function: argument `func` must be callable. Received: {python_function!r}")
        functools.update_wrapper(self, python_function)
        self._python_function = python_function
        self._name = name or getattr(python_function, "__name__", "function")
        self._params = [p for p in inspect.signature(python_function).parameters]
        if input_signature is not None:
            if not isinstance(input_signature, (list, tuple)):
                raise TypeError(
                    f"function: argument `input_signature` must be a list or tuple of TensorSpec. Received: {input_signature!r}"
                )
            for spec in jax.tree_util.tree_leaves(input_signature, is_leaf=lambda x: isinstance(x, TensorSpec)):
                if not isinstance(spec, TensorSpec):
                    raise TypeError(
                        f"function: argument `input_signature` must hold only TensorSpec objects. Received: {spec!r}"
                    )
            input_signature = tuple(input_signature)
        self._input_signature = input_signature
        self._jit_compile = jit_compile
        self._reduce_retracing = reduce_retracing
        self._traces: dict[Any, _Trace] = {}
        self._variables: dict[int, Variable] = {}  # every variable the function touches
        self._written: dict[int, Variable] = {}  # those it writes
        self._discovered = False
        self._tracing_count = 0
        self._last_description: dict | None = None
        self._bound: "weakref.WeakKeyDictionary[Any, Function]" = weakref.WeakKeyDictionary()

    @property
    def input_signature(self) -> tuple | None:
        return self._input_signature

    @property
    def python_function(self) -> Callable:
        return self._python_function

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function has been traced."""
        return self._tracing_count

    def __get__(self, instance: Any, owner: Any = None) -> Any:
        if instance is None:
            return self
        try:
            bound = self._bound.get(instance)
        except TypeError:  # unhashable or not weak-referenceable: compile per call site
            return Function(functools.partial(self._python_function, instance), self._input_signature, self._jit_compile, self._reduce_retracing, self._name)
        if bound is None:
            bound = Function(functools.partial(self._python_function, instance), self._input_signature, self._jit_compile, self._reduce_retracing, self._name)
            bound._params = self._params[1:]
            self._bound[instance] = bound
        return bound

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if state.current() is not None:  # inside another trace: become part of it
            return self._python_function(*args, **kwargs)
        if self._input_signature is not None:
            args = sig.check_signature(self._name, self._input_signature, self._params, args, dict(kwargs))
            kwargs = {}
        leaves, treedef = sig.flatten(args, kwargs)
        key_part, arrays = sig.split(leaves)
        key = (treedef, key_part)
        trace = self._traces.get(key)
        if trace is None:
            if not self._discovered:
                self._discover(args, kwargs)
            return self._trace_and_run(key, leaves, treedef, arrays, args, kwargs)
        return trace.run(arrays)

    # -- stages ------------------------------------------------------------------------
    def _discover(self, args: tuple, kwargs: dict) -> None:
        scope = state.StateScope(discovering=True)
        with state.state_scope(scope), dispatch.recorders_paused():
            self._python_function(*args, **kwargs)
        for var in scope.touched():
            self._variables[id(var)] = var
        for var, _ in scope.written():
            self._written[id(var)] = var
        self._discovered = True

    def _trace_and_run(self, key: Any, leaves: list, treedef: Any, arrays: list, args: tuple, kwargs: dict) -> Any:
        self._note_retrace(args, kwargs)
        for _ in range(100):
            written = list(self._written.values())
            read_only = [v for k, v in self._variables.items() if k not in self._written]
            trace = _Trace(self, leaves, treedef, written, read_only)
            self._tracing_count += 1
            try:
                result = trace.run(arrays)
            except state.MissingVariable as e:
                self._variables[id(e.var)] = e.var
                continue
            except _Retrace:
                for var in trace.extra_writes:
                    self._variables[id(var)] = var
                    self._written[id(var)] = var
                continue
            self._traces[key] = trace
            return result
        raise RuntimeError(f"{self._name}: the set of variables it uses did not settle after 100 traces")

    def _note_retrace(self, args: tuple, kwargs: dict) -> None:
        description = sig.describe(self._params, args, kwargs)
        previous, self._last_description = self._last_description, description
        if previous is None or self._tracing_count < RETRACE_WARNING_AFTER:
            return
        changed = [k for k in description if previous.get(k) != description[k]] or sorted(set(previous) ^ set(description))
        what = ", ".join(f"`{k}` ({_show(previous.get(k))} -> {_show(description.get(k))})" for k in changed)
        warnings.warn(
            f"{self._name} was traced {self._tracing_count + 1} times; this call retraces because {what} "
            "changed. Each new shape, dtype or Python value compiles a new program: pass tensors "
            "instead of Python numbers, or give an input_signature with None for dimensions that vary.",
            XlaflowRetracingWarning,
            stacklevel=3,
        )

    def __repr__(self) -> str:
        return f"<xlaflow.function {self._name}>"


def _show(desc: Any) -> str:
    return "absent" if desc is None else ", ".join(desc[1])


def function(func: Callable | None = None, input_signature: Sequence[Any] | None = None, autograph: bool = True,
             jit_compile: bool | None = None, reduce_retracing: bool = False, experimental_implements: Any = None,
             experimental_autograph_options: Any = None, experimental_attributes: Any = None,
             experimental_relax_shapes: Any = None, experimental_compile: Any = None,
             experimental_follow_type_hints: Any = None, name: str | None = None) -> Any:
    """Compiles ``func`` with XLA, once per input signature (TF's ``tf.function``).

    Usable as ``@function``, ``@function(input_signature=[...])`` or ``function(f)``, on
    free functions and methods. Tensor arguments are inputs of the compiled program;
    other arguments (Python numbers, strings) are static and part of the cache key.
    Variables the function reads or assigns are bound to traced values and written back
    after every call.

    Example::

        v = xlaflow.Variable(0.0)

        @xlaflow.function(input_signature=[xlaflow.TensorSpec([None], xlaflow.float32)])
        def accumulate(x):
            v.assign_add(xlaflow.reduce_sum(x))
            return v.read_value()

    XLA compiles one program per concrete shape: a ``None`` dimension in an
    ``input_signature`` accepts any size, and each new size is traced once and cached.
    """
    def decorate(f: Callable) -> Function:
        return Function(f, input_signature, jit_compile, reduce_retracing, name)

    return decorate if func is None else decorate(func)
