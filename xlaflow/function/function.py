"""``xlaflow.function``: trace Python once per signature into one compiled XLA program.

A call is split into a cache key (the structure of the arguments, the shapes and
dtypes of tensor arguments, the values of static ones) and array inputs
(:mod:`xlaflow.function.signature`). A new key traces the Python function once
through the engine (:class:`xlaflow.engine.program.Program`): Variables it reads
or assigns are captured as they are met, Variables a lazy build creates on the first
call are created then (as on TensorFlow's first trace), and a variable *created*
on a later trace is an error, as in TF. The compiled program runs with the written
variables' buffers donated and their new values stored back.

Calls made while another function is being traced run inline (one program), and
calls under an active ``GradientTape`` run as one recorded op, so the tape can
differentiate through them.
"""

from __future__ import annotations

import functools
import inspect
import weakref
from typing import Any, Callable, Sequence

import jax

from xlaflow._core import state
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow.engine.cache import XlaflowRetracingWarning  # noqa: F401 - re-exported
from xlaflow.engine.program import Program
from xlaflow.function import signature as sig
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.ops.variable import Variable


def _out_leaf(x: Any) -> bool:
    return isinstance(x, (TensorLike, TensorSpec)) or x is None


def _tensor(value: Any) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor._wrap(value)  # a recorded output stays itself


def _outputs(flat: list, extra: tuple) -> Any:
    out_tree, out_dynamic, out_static = extra
    it = iter(flat)
    leaves = [_tensor(next(it)) if d else o for d, o in zip(out_dynamic, out_static)]
    return jax.tree_util.tree_unflatten(out_tree, leaves)


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
        self._program = Program(self._name, what=self._name)
        self._bound: "weakref.WeakKeyDictionary[Any, Function]" = weakref.WeakKeyDictionary()

    @property
    def input_signature(self) -> tuple | None:
        return self._input_signature

    @property
    def python_function(self) -> Callable:
        return self._python_function

    def experimental_get_tracing_count(self) -> int:
        """How many times the Python function has been traced."""
        return self._program.traces

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
        fn = self._python_function

        def build(tensors: list) -> tuple[list, Any]:
            it = iter(tensors)
            call_leaves = [next(it) if isinstance(leaf, sig.ARRAYS) else leaf for leaf in leaves]
            a, k = jax.tree_util.tree_unflatten(treedef, call_leaves)
            result = fn(*a, **k)
            out_leaves, out_tree = jax.tree_util.tree_flatten(result, is_leaf=_out_leaf)
            dynamic = [isinstance(o, (Tensor, Variable)) for o in out_leaves]
            static = [None if d else o for d, o in zip(dynamic, out_leaves)]
            return [o for o, d in zip(out_leaves, dynamic) if d], (out_tree, dynamic, static)

        flat, extra = self._program.run((treedef, key_part), arrays, build,
                                        describe=lambda: sig.describe(self._params, args, kwargs))
        return _outputs(flat, extra)

    def __repr__(self) -> str:
        return f"<xlaflow.function {self._name}>"


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
