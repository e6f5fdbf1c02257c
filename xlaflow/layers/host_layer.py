"""``HostLayer``: the base of layers that compute on the host with NumPy.

String preprocessing (``TextVectorization``, ``StringLookup``, ``Hashing`` ...) cannot
run in XLA: its inputs are strings and its work is dictionary lookups and hashing.
A host layer is therefore called eagerly on concrete values (string tensors, NumPy
arrays, Python lists), and returns ordinary tensors. It works:

* eagerly and in ``tf.data`` pipelines (``dataset.map(layer)``);
* as the first layer of a ``Sequential`` or functional model: ``fit``/``evaluate``/
  ``predict`` run it on each batch on the host and feed its output to the compiled
  step (:mod:`xlaflow.layers.host_stage`); inside that step the layer passes its
  (already computed) input through;
* on Keras symbolic inputs (``keras.Input(shape=(1,), dtype="string")``): the node's
  output shape and dtype come from :meth:`compute_output_shape`/``_output_dtype``,
  since the layer cannot be traced.

Called on a traced value inside compiled code it raises a clear error, unless the
subclass implements ``_traced_call`` (IntegerLookup does, in JAX).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.layers import host_stage, symbolic_call
from xlaflow.layers.layer import Layer
from xlaflow.ops.string_tensor import WHERE_STRINGS_GO, StringTensor
from xlaflow.ops.tensor import Tensor, TensorLike, is_traced


def index_dtype() -> np.dtype:
    """Keras' int64 outputs: int64 under JAX's 64-bit mode, else int32 (xlaflow's rule)."""
    return np.dtype(np.int64) if dtypes.x64_enabled() else np.dtype(np.int32)


def traced(x: Any) -> bool:
    if isinstance(x, StringTensor):
        return False
    if isinstance(x, TensorLike):
        return is_traced(x._read())
    return isinstance(x, jax.core.Tracer)


class HostLayer(Layer):
    """A layer computed eagerly on the host (see the module docstring)."""

    #: whether the layer must run on the host for the inputs it takes (False: it also
    #: has a JAX path, e.g. IntegerLookup without hashing)
    host_only = True
    #: the dtype of the inputs it takes, when fixed ("string": a Sequential saved with it
    #: first records a string InputLayer, as Keras does)
    input_dtype_name: str | None = None

    def __init__(self, name: str | None = None, dtype: Any = None, trainable: bool = True, **kwargs: Any):
        super().__init__(name=name, dtype=dtype, trainable=trainable, **kwargs)
        self.built = True  # nothing to build: no weights

    # -- calling --------------------------------------------------------------------
    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if host_stage.passes_through(self):
            return inputs  # the host stage of fit/predict already applied this layer
        if symbolic_call.call_is_symbolic(inputs, args, kwargs):
            return symbolic_call.symbolic_call(self, inputs, args, kwargs)
        kwargs.pop("training", None)
        kwargs.pop("mask", None)
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}: unexpected arguments. Received: args={args!r}, "
                            f"kwargs={sorted(kwargs)}")
        leaves = jax.tree_util.tree_leaves(inputs, is_leaf=lambda x: isinstance(x, TensorLike))
        if any(traced(x) for x in leaves):
            return self._traced_call(inputs)
        return self.call(inputs)

    def _traced_call(self, inputs: Any) -> Any:
        raise TypeError(f"{type(self).__name__} ({self.name}) runs on the host and cannot be called inside compiled "
                        f"code (xlaflow.function, a custom train step). {WHERE_STRINGS_GO} A model whose first layer "
                        "it is runs it on the host for you in fit/evaluate/predict.")

    def call(self, inputs: Any) -> Any:  # pragma: no cover - subclasses implement it
        raise NotImplementedError

    # -- what a symbolic (functional API) call needs -----------------------------------
    def _output_dtype(self) -> dtypes.DType:
        return dtypes.as_dtype(index_dtype())

    def _symbolic_specs(self, inputs: Any) -> tuple:
        """``(out_tree, [(shape, dtype)])`` of the call node (its result is ``(outputs, masks)``)."""
        shape = self.compute_output_shape(tuple(inputs.shape.as_list()))
        _, tree = jax.tree_util.tree_flatten((0, []))
        return tree, [(TensorShape(shape), self._output_dtype())]

    def build(self, input_shape: Any = None) -> None:
        self.built = True

    def get_build_config(self) -> dict:
        return {}

    def compute_output_shape(self, input_shape: Any) -> Any:  # pragma: no cover - subclasses
        return tuple(input_shape)


def as_host(value: Any) -> np.ndarray:
    """A concrete input as a NumPy array (``bytes`` objects for strings)."""
    from xlaflow.ops.string_tensor import as_bytes_array, is_string_data

    if isinstance(value, StringTensor) or is_string_data(value):
        return as_bytes_array(value)
    if isinstance(value, Tensor):
        return np.asarray(value)
    return np.asarray(value)


__all__ = ["HostLayer", "as_host", "index_dtype"]
