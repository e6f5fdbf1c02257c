"""TF1's ``variable_scope`` / ``get_variable``: Variables shared by name.

Each graph keeps a store ``full name -> Variable``. ``variable_scope(name, reuse=...,
initializer=...)`` prefixes names (``"layer1/w"``) and also opens a name scope of the
same name. ``get_variable`` creates a Variable, or with ``reuse=True`` /
``AUTO_REUSE`` returns the stored one; TF1's errors for a reused name without reuse
and for a missing name with ``reuse=True``. The default initializer is Glorot uniform
for floating variables and zeros otherwise (TF1's).
"""

from __future__ import annotations

import contextlib
from typing import Any, Iterator

import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.graph import graph as graph_module
from xlaflow.ops.variable import Variable

AUTO_REUSE = "AUTO_REUSE"


class VariableScope:
    """One level of ``variable_scope``: its full name, reuse flag and defaults."""

    def __init__(self, name: str, reuse: Any, initializer: Any, dtype: Any, regularizer: Any = None):
        self.name = name
        self.reuse = reuse
        self.initializer = initializer
        self.dtype = dtype
        self.regularizer = regularizer
        self.original_name_scope = name + "/" if name else ""

    def reuse_variables(self) -> None:
        self.reuse = True


def _current(graph: Any) -> VariableScope:
    return graph._var_scope[-1] if graph._var_scope else VariableScope("", False, None, dtypes.float32)


def get_variable_scope() -> VariableScope:
    return _current(graph_module.get_default_graph())


@contextlib.contextmanager
def variable_scope(name_or_scope: Any, default_name: str | None = None, values: Any = None, initializer: Any = None,
                   regularizer: Any = None, caching_device: Any = None, partitioner: Any = None, custom_getter: Any = None,
                   reuse: Any = None, dtype: Any = None, use_resource: Any = None, constraint: Any = None,
                   auxiliary_name_scope: bool = True) -> Iterator[VariableScope]:
    """Prefixes ``get_variable`` names (and node names) with a scope name."""
    graph = graph_module.get_default_graph()
    parent = _current(graph)
    if isinstance(name_or_scope, VariableScope):
        full = name_or_scope.name
    elif name_or_scope is None:
        if default_name is None:
            raise TypeError("variable_scope: argument `default_name` must be given when `name_or_scope` is None.")
        base = (parent.name + "/" if parent.name else "") + default_name
        full, n = base, 0
        while any(k.startswith(full + "/") for k in graph._var_store):
            n += 1
            full = f"{base}_{n}"
    else:
        full = (parent.name + "/" if parent.name else "") + str(name_or_scope)
    inherited = parent.reuse if parent.reuse in (True, AUTO_REUSE) else False
    scope = VariableScope(full, reuse if reuse is not None else inherited,
                          initializer if initializer is not None else parent.initializer,
                          dtype if dtype is not None else parent.dtype, regularizer or parent.regularizer)
    graph._var_scope.append(scope)
    try:
        with graph.name_scope(full.rsplit("/", 1)[-1] if auxiliary_name_scope else None):
            yield scope
    finally:
        graph._var_scope.pop()


def get_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None, regularizer: Any = None,
                 trainable: Any = None, collections: Any = None, caching_device: Any = None, partitioner: Any = None,
                 validate_shape: bool = True, use_resource: Any = None, custom_getter: Any = None, constraint: Any = None,
                 synchronization: Any = None, aggregation: Any = None) -> Variable:
    """Gets the Variable ``scope/name`` or creates it (TF1's ``tf.get_variable``).

    Raises:
      ValueError: the name exists and the scope does not reuse, or it does not exist
        and the scope has ``reuse=True``, or the shape is unknown for a new variable.
    """
    graph = graph_module.get_default_graph()
    scope = _current(graph)
    full = (scope.name + "/" if scope.name else "") + name
    existing = graph._var_store.get(full)
    if existing is not None:
        if scope.reuse is False or scope.reuse is None:
            raise ValueError(
                f"Variable {full} already exists, disallowed. Did you mean to set reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
            )
        if shape is not None and not existing.shape.is_compatible_with(TensorShape(shape)):
            raise ValueError(f"get_variable: trying to share variable {full}, but specified shape {TensorShape(shape)} and found shape {existing.shape}.")
        return existing
    if scope.reuse is True:
        raise ValueError(
            f"Variable {full} does not exist, or was not created with tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
        )
    dtype = dtypes.as_dtype(dtype if dtype is not None else scope.dtype)
    init = initializer if initializer is not None else scope.initializer
    if init is None or not callable(init):
        if init is not None:  # a value (array, number) as the initializer
            value = init
        else:
            if shape is None:
                raise ValueError(f"get_variable: the shape of a new variable ({full}) must be fully defined. Received: shape=None")
            if dtype.is_floating:
                from xlaflow.initializers import GlorotUniform

                value = GlorotUniform()(list(TensorShape(shape).as_list()), dtype)
            else:
                value = np.zeros(TensorShape(shape).as_list(), dtype.as_numpy_dtype)
    else:
        if shape is None:
            raise ValueError(f"get_variable: the shape of a new variable ({full}) must be fully defined. Received: shape=None")
        value = init(list(TensorShape(shape).as_list()), dtype)
    var = Variable(value, trainable=True if trainable is None else trainable, name=full, dtype=dtype, constraint=constraint)
    graph._var_store[full] = var
    return var
