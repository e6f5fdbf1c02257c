"""Graph nodes: :class:`Operation` (a node) and :class:`SymbolicTensor` (one output).

A ``SymbolicTensor`` is what TF1 called a graph ``Tensor``: a static shape (``None``
for unknown dimensions such as a placeholder's batch), a dtype and the operation that
makes it. Every op of the op set accepts one (dispatch hands the call to the graph
builder); operators (``+``, ``@``, ``[]`` ...) work as on eager tensors. It has no
value: ``Session.run`` (or ``.eval()``) computes it. Python conversions that need a
value (``bool``, iteration, ``numpy()``) raise an error that says what to use instead.

``==`` compares identity (as TF1 graph tensors do), so symbolic tensors are hashable
and can key a ``feed_dict``; use ``xlaflow.equal`` for an elementwise comparison.

An ``Operation`` holds a *kind* (see :mod:`xlaflow.graph` for the list), its inputs
(``args``: a pytree whose leaves are SymbolicTensors, Variables or constants), its
control inputs and its outputs. Only :mod:`xlaflow.graph.interpreter` evaluates them.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.ops import operators

# Node kinds (Operation.kind)
PLACEHOLDER = "placeholder"  # fed value, or the value of args[0] (placeholder_with_default)
CALL = "call"  # outputs = fn(*args): every op of the op set, and generic callables
UPDATE = "update"  # new values of `targets` = fn(*args), written to the Variables
GRADIENTS = "gradients"  # d(ys)/d(xs) by jax.vjp over the nodes between them
INIT = "init"  # reset `targets` to their initial values (run on the host, first)
NOOP = "noop"  # nothing but control inputs (group, no_op)
COND = "cond"  # jax.lax.cond over the nodes of two branches (tf.cond on a graph tensor)


class Operation:
    """A graph node (TF1's ``tf.Operation``): ``name``, ``type``, ``inputs``,
    ``control_inputs``, ``outputs``; ``run()`` runs it in the default session."""

    def __init__(self, graph: Any, kind: str, type_name: str, name: str, *, fn: Any = None, args: Any = (),
                 control_inputs: list | None = None, targets: list | None = None, attrs: dict | None = None):
        self.graph = graph
        self.kind = kind
        self.type = type_name
        self.name = name
        self.fn = fn
        self.args = args
        self.control_inputs: list = list(control_inputs or [])
        self.targets: list = list(targets or [])  # Variables this node writes
        self.attrs: dict = attrs or {}
        self.outputs: list = []
        self.out_tree: Any = None  # pytree structure of fn's result (CALL nodes)

    @property
    def inputs(self) -> list:
        """The symbolic tensors this node reads (its data inputs)."""
        return [a for a in self.input_leaves() if isinstance(a, SymbolicTensor)]

    def input_leaves(self) -> list:
        import jax

        return jax.tree_util.tree_leaves(self.args, is_leaf=_is_input_leaf)

    @property
    def node_def(self) -> str:
        return f"{self.type}({self.name})"

    def values(self) -> tuple:
        return tuple(self.outputs)

    def run(self, feed_dict: Any = None, session: Any = None) -> None:
        """Runs this operation in ``session`` (default: the default session)."""
        from xlaflow.graph.session import _session_for

        _session_for(session, self, "Operation.run").run(self, feed_dict=feed_dict)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.type}>"


def _is_input_leaf(x: Any) -> bool:
    return x is None or isinstance(x, SymbolicTensor) or hasattr(x, "_read")


class SymbolicTensor:
    """One output of a graph :class:`Operation`: shape, dtype, no value."""

    _xf_symbolic = True
    __array_priority__ = 100

    def __init__(self, op: Operation, index: int, shape: Any, dtype: Any):
        self.op = op
        self.value_index = index
        self._shape = TensorShape(shape)
        self._dtype = dtypes.as_dtype(dtype)

    # -- static facts --------------------------------------------------------------------
    @property
    def name(self) -> str:
        return f"{self.op.name}:{self.value_index}"

    @property
    def graph(self) -> Any:
        return self.op.graph

    @property
    def shape(self) -> TensorShape:
        return self._shape

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def ndim(self) -> int | None:
        return self._shape.rank

    def get_shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape: Any) -> None:
        """Refines the static shape (it must be compatible with the current one)."""
        new = TensorShape(shape)
        if not self._shape.is_compatible_with(new):
            raise ValueError(f"set_shape: argument `shape` must be compatible with {self._shape} (tensor {self.name}). Received: {new}")
        self._shape = self._shape.merge_with(new)

    def _aval_shape(self) -> tuple:
        return tuple(self._shape.as_list()) if self._shape.rank is not None else ()

    # -- running -------------------------------------------------------------------------
    def eval(self, feed_dict: Any = None, session: Any = None) -> Any:
        """The value of this tensor, computed by ``session`` (default: the default session)."""
        from xlaflow.graph.session import _session_for

        return _session_for(session, self, "Tensor.eval").run(self, feed_dict=feed_dict)

    def consumers(self) -> list:
        return [o for o in self.graph.get_operations() if any(t is self for t in o.inputs)]

    # -- what needs a value ----------------------------------------------------------------
    def __bool__(self) -> bool:
        raise TypeError(
            f"Using a symbolic tensor ({self.name}) as a Python bool is not allowed: it has no value "
            "while the graph is built. Use xlaflow.cond / xlaflow.where for a choice made in the graph, "
            "or compute the value with Session.run(tensor) first."
        )

    def __iter__(self) -> Iterator[Any]:
        raise TypeError(
            f"Symbolic tensors are not iterable (tensor {self.name}, shape {self._shape}). "
            "If you wrote `zip(*tf.gradients(loss, variables))`: tf.gradients returns a list of "
            "gradient tensors, one per variable, not (gradient, variable) pairs; use "
            "`optimizer.compute_gradients(loss)` to get the pairs (or "
            "`zip(tf.gradients(loss, variables), variables)`). To index a tensor, use tensor[i] "
            "or xlaflow.unstack."
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError(
            f"Cannot convert a symbolic tensor ({self.name}) to a NumPy array: it has no value while "
            "the graph is built. Compute it with Session.run(tensor) or tensor.eval()."
        )

    def numpy(self) -> Any:
        raise TypeError(
            f"numpy() is not available on a symbolic tensor ({self.name}). Use Session.run(tensor) or tensor.eval()."
        )

    def __float__(self) -> float:
        return float(self.__array__())

    def __int__(self) -> int:
        return int(self.__array__())

    def __index__(self) -> int:
        raise TypeError(f"A symbolic tensor ({self.name}) cannot be used as a Python int (an index or a size); it has no value yet.")

    def __len__(self) -> int:
        n = self._shape[0] if self._shape.rank else None
        if n is None:
            raise TypeError(f"len() of symbolic tensor {self.name} with shape {self._shape} is unknown. Use xlaflow.shape(t)[0].")
        return n

    def ref(self) -> "SymbolicTensor":
        return self

    experimental_ref = ref

    def deref(self) -> "SymbolicTensor":
        return self

    def __repr__(self) -> str:
        return f'<tf.Tensor "{self.name}" shape={self._shape} dtype={self._dtype.name}>'

    def __str__(self) -> str:
        return f'Tensor("{self.name}", shape={self._shape}, dtype={self._dtype.name})'


operators.install(SymbolicTensor)
# identity comparison and hashing (TF1 graph tensors): feed_dict keys, sets of fetches
SymbolicTensor.__eq__ = object.__eq__  # type: ignore[method-assign,assignment]
SymbolicTensor.__ne__ = object.__ne__  # type: ignore[method-assign,assignment]
SymbolicTensor.__hash__ = object.__hash__  # type: ignore[method-assign,assignment]
