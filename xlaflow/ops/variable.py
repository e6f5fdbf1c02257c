"""``Variable``: a mutable, named state cell usable wherever a tensor is.

Eagerly a variable holds a device array in ``_storage``. Every read and write goes
through :mod:`xlaflow._core.state`, so inside a compiled function the same code reads
and writes traced values and the new values are written back after the call.
Assignments keep the variable's dtype and (unless it was created with a partial
``shape``) its shape; anything else is a clear error.
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

import jax
import numpy as np

from xlaflow._core import dtypes, state
from xlaflow._core.tensor_shape import TensorShape, as_shape
from xlaflow.engine import capture
from xlaflow.ops import convert
from xlaflow.ops.tensor import Tensor, TensorLike, is_traced, numpy_text

_names_lock = threading.Lock()
# Called with each new Variable (the graph front end records it in the default graph,
# for TF1's ``global_variables()``).
creation_hooks: list = []
# Set by the graph front end: ``assign*`` with a symbolic value builds a graph node
# (TF1's ``update = v.assign(expr)``) and returns its output.
symbolic_assign: Any = None
# Set by xlaflow.autodiff.chain: deferred_assign(var, kind, value) records an eager write
# of a gradient value not computed yet into that gradient's program (False: not possible).
deferred_assign: Any = None
_ARRAY_IMPL = type(jax.numpy.zeros(()))  # the concrete jax.Array class
_name_counts: dict[str, itertools.count] = {}


def _unique_name(base: str) -> str:
    base = re.sub(r":\d+$", "", base)
    with _names_lock:
        counter = _name_counts.setdefault(base, itertools.count())
        n = next(counter)
    return f"{base}:0" if n == 0 else f"{base}_{n}:0"


class Variable(TensorLike):
    """A tensor-valued state cell: ``v = xlaflow.Variable(1.0); v.assign_add(2.0)``.

    Args:
      initial_value: a tensor, array, Python value, or a zero-argument callable
        returning one.
      trainable: whether gradient tapes watch it and optimizers train it.
      name: base name; made unique as ``name:0``, ``name_1:0``...
      dtype: if given, the initial value is converted to it.
      shape: a (possibly partial) shape the variable keeps; later assignments may
        change the value's shape within it. Defaults to the initial value's shape.
      constraint: a function applied by optimizers after each update.

    Raises:
      ValueError: no ``initial_value``, or it does not fit ``shape``.
      TypeError: it cannot be converted to ``dtype``.
    """

    __slots__ = ("_storage", "_name", "_trainable", "_shape", "_constraint", "_initial_value", "_np_dtype", "_dims", "__weakref__")

    def __init__(
        self,
        initial_value: Any = None,
        trainable: bool | None = None,
        validate_shape: bool = True,
        caching_device: Any = None,
        name: str | None = None,
        variable_def: Any = None,
        dtype: Any = None,
        import_scope: Any = None,
        constraint: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        shape: Any = None,
        experimental_enable_variable_lifting: bool = True,
    ):
        if initial_value is None:
            raise ValueError("Variable: argument `initial_value` must be given. Received: None")
        if callable(initial_value) and not isinstance(initial_value, TensorLike):
            with capture.init_scope():  # concrete even while a program is traced
                initial_value = initial_value()
        if getattr(initial_value, "_xf_symbolic", False):
            raise TypeError(
                "Variable: argument `initial_value` must be a concrete value; a symbolic "
                "tensor cannot initialise a variable. Received: " + repr(initial_value)
            )
        value = convert.to_array(initial_value, dtype, op="Variable", arg="initial_value")
        if isinstance(value, jax.core.Tracer):
            scope = state.current()
            if scope is not None and scope.tracing:
                if not scope.may_create():
                    state.refuse_creation(name or "Variable")
                value = scope.lift(value)  # concrete, or TracedInitialValue
            else:
                raise TypeError("Variable: argument `initial_value` must be a concrete value. Received: a traced value "
                                "(a Variable cannot be created inside jax.jit; create it outside, or use xlaflow.function).")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"Variable: argument `name` must be a str. Received: {name!r}")
        if constraint is not None and not callable(constraint):
            raise ValueError(f"Variable: argument `constraint` must be callable. Received: {constraint!r}")
        self._shape = as_shape(shape) if shape is not None else TensorShape(value.shape)
        if not validate_shape:
            self._shape = TensorShape(None)
        if not self._shape.is_compatible_with(value.shape):
            raise ValueError(
                f"Variable: argument `initial_value` must have shape compatible with "
                f"{self._shape}. Received: shape {TensorShape(value.shape)}"
            )
        state.store(self, value)
        self._initial_value = value
        self._np_dtype = value.dtype  # fixed for the variable's life
        self._dims = tuple(self._shape.as_list()) if self._shape.is_fully_defined() else None
        self._name = _unique_name(name or "Variable")
        self._trainable = True if trainable is None else bool(trainable)
        self._constraint = constraint
        scope = state.current()
        if scope is not None:
            scope.on_create(self)
        for hook in creation_hooks:
            hook(self)

    # -- reading ---------------------------------------------------------------------
    def _read(self) -> Any:
        return state.read(self)

    @property
    def shape(self) -> TensorShape:
        return self._shape if self._shape.is_fully_defined() else TensorShape(self._read().shape)

    @property
    def name(self) -> str:
        return self._name

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Any:
        return self._constraint

    @property
    def initial_value(self) -> Tensor:
        return Tensor._wrap(self._initial_value)

    def value(self) -> Tensor:
        """The current value as a Tensor (recorded by active tapes)."""
        from xlaflow.ops.array_ops import identity

        return identity(self)

    read_value = value

    # -- writing ---------------------------------------------------------------------
    def _checked(self, value: Any, op: str, arg: str = "value") -> Any:
        if type(value) is _ARRAY_IMPL and value.dtype == self._np_dtype and value.shape == self._dims:
            return value  # the common case (an optimizer's update), checked first: isinstance on jax.Array is slow
        if isinstance(value, (jax.Array, jax.core.Tracer)) and value.dtype == self._np_dtype and value.shape == self._dims:
            return value  # the common case (an optimizer's update): nothing to convert or report
        if getattr(value, "_xf_symbolic", False):
            raise TypeError(f"Variable.{op}: argument `{arg}` must be concrete here. Received: {value!r}")
        dtype = self.dtype
        arr = convert.to_array(value, dtype, op=f"Variable.{op}", arg=arg) if not isinstance(value, TensorLike) else value._read()
        if arr.dtype != np.dtype(dtype.as_numpy_dtype):
            raise TypeError(
                f"Variable.{op}: argument `{arg}` must have the variable's dtype {dtype.name} "
                f"(variable {self._name}). Received: dtype {dtypes.as_dtype(arr.dtype).name}. "
                "Use xlaflow.cast to convert it."
            )
        if not self._shape.is_compatible_with(arr.shape):
            raise ValueError(
                f"Variable.{op}: argument `{arg}` must have shape {self._shape} "
                f"(variable {self._name}). Received: shape {TensorShape(arr.shape)}"
            )
        return arr

    def assign(self, value: Any, use_locking: Any = None, name: str | None = None, read_value: bool = True) -> "Variable":
        """Replaces the value (same dtype; shape compatible with the variable's)."""
        if symbolic_assign is not None and type(value) is not _ARRAY_IMPL and getattr(value, "_xf_symbolic", False):
            return symbolic_assign("assign", self, value, name)  # a TF1 graph: an assign node
        if deferred_assign is not None and getattr(value, "_deferred", False) and state.current() is None and value._filled is None:
            if deferred_assign(self, "assign", value):
                return self
        state.write(self, self._checked(value, "assign"))
        return self

    def assign_add(self, delta: Any, use_locking: Any = None, name: str | None = None, read_value: bool = True) -> "Variable":
        """Adds ``delta`` to the value in place."""
        if symbolic_assign is not None and getattr(delta, "_xf_symbolic", False):
            return symbolic_assign("assign_add", self, delta, name)
        if deferred_assign is not None and getattr(delta, "_deferred", False) and state.current() is None and delta._filled is None:
            if deferred_assign(self, "assign_add", delta):
                return self
        delta = self._checked_delta(delta, "assign_add")
        state.write(self, self._read() + delta)
        return self

    def assign_sub(self, delta: Any, use_locking: Any = None, name: str | None = None, read_value: bool = True) -> "Variable":
        """Subtracts ``delta`` from the value in place."""
        if symbolic_assign is not None and getattr(delta, "_xf_symbolic", False):
            return symbolic_assign("assign_sub", self, delta, name)
        if deferred_assign is not None and getattr(delta, "_deferred", False) and state.current() is None and delta._filled is None:
            if deferred_assign(self, "assign_sub", delta):
                return self
        delta = self._checked_delta(delta, "assign_sub")
        state.write(self, self._read() - delta)
        return self

    def _checked_delta(self, delta: Any, op: str) -> Any:
        arr = self._checked(delta, op, "delta")
        if tuple(arr.shape) != tuple(self._read().shape):
            raise ValueError(
                f"Variable.{op}: argument `delta` must have shape {self.shape}. "
                f"Received: shape {TensorShape(arr.shape)}"
            )
        return arr

    # -- display ---------------------------------------------------------------------
    def __repr__(self) -> str:
        value = self._read()
        if is_traced(value):
            return f"<tf.Variable '{self._name}' shape={self.shape} dtype={self.dtype.name}>"
        text = numpy_text(np.asarray(value), is_repr=True)
        return f"<tf.Variable '{self._name}' shape={self.shape} dtype={self.dtype.name}, numpy={text}>"

    __str__ = __repr__


def is_variable(value: Any) -> bool:
    return isinstance(value, Variable)

