"""``Layer``: the Keras 3 layer base class on xlaflow Variables.

A layer owns Variables made by :meth:`Layer.add_weight` and tracks the layers
assigned to its attributes. Calling it converts the inputs (floating inputs are cast
to the layer's dtype, as Keras does), builds it on first use from the input shape,
checks the input against ``input_spec`` and runs :meth:`Layer.call`. Because weights
are ordinary Variables, the same layer works eagerly, under ``GradientTape`` and
inside ``xlaflow.function`` (the state scope binds the weights there).

Masks follow Keras 3: a layer whose ``supports_masking`` is true sets
``_keras_mask`` on its output Tensors (from :meth:`Layer.compute_mask`), and a layer
whose ``call`` accepts ``mask`` receives the mask its input carries unless one is
passed explicitly -- so ``Masking`` or ``Embedding(mask_zero=True)`` in front of an
``LSTM`` works in ``Sequential`` and in hand-written chains alike.
"""

from __future__ import annotations

import inspect
import re
import threading
from typing import Any

import jax
import numpy as np

from xlaflow import constraints, initializers, regularizers
from xlaflow._core import dtypes
from xlaflow.engine import capture
from xlaflow._core.tensor_shape import TensorShape
from xlaflow.layers.input_spec import InputSpec, check_input
from xlaflow.layers import recorded_call, structure, symbolic_call
from xlaflow.ops import convert
from xlaflow.ops.array_ops import cast
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.ops.variable import Variable

_names = threading.local()


def unique_name(base: str) -> str:
    """``base``, ``base_1``, ``base_2`` ... (per process), as Keras names layers."""
    counts = getattr(_names, "counts", None)
    if counts is None:
        counts = _names.counts = {}
    n = counts.get(base, 0)
    counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def snake_case(name: str) -> str:
    """Keras' default-name rule: ``Conv2D`` -> ``conv2d``, ``MaxPooling2D`` -> ``max_pooling2d``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


class _CallContext(threading.local):
    def __init__(self) -> None:
        self.training: list = []


_context = _CallContext()


def _keep_mask(source: Any, target: Any) -> Any:
    mask = getattr(source, "_keras_mask", None)
    if mask is not None and isinstance(target, Tensor):
        target._keras_mask = mask
    return target


def _attach_masks(outputs: Any, masks: Any) -> None:
    """Sets ``_keras_mask`` on each output Tensor that has none yet (Keras 3 semantics:
    a layer's output carries the mask its :meth:`Layer.compute_mask` gives)."""
    if masks is None:
        return
    flat = [outputs] if isinstance(outputs, TensorLike) else jax.tree_util.tree_leaves(outputs, is_leaf=lambda x: isinstance(x, TensorLike))
    flat_masks = list(masks) if isinstance(masks, (list, tuple)) else [masks]
    for tensor, mask in zip(flat, flat_masks):
        if mask is not None and isinstance(tensor, Tensor) and getattr(tensor, "_keras_mask", None) is None:
            tensor._keras_mask = mask


class Layer:
    """Base class of all layers (Keras' ``keras.layers.Layer``).

    Args:
      trainable: whether the layer's weights are trained.
      name: the layer's name; unique by default (``dense``, ``dense_1`` ...).
      dtype: the dtype of weights and computations (float32 by default).
      input_shape: (first layer of a ``Sequential``) the shape of one example.
    """

    _supports_masking: bool | None = None  # None: decided by whether compute_mask is overridden

    def __init__(self, trainable: bool = True, name: str | None = None, dtype: Any = None, **kwargs: Any):
        allowed = {"input_shape", "input_dim", "batch_input_shape", "batch_size", "autocast"}
        unknown = set(kwargs) - allowed
        if unknown:
            raise TypeError(
                f"{type(self).__name__}: unexpected keyword arguments {sorted(unknown)}. "
                "Received: " + ", ".join(f"{k}={kwargs[k]!r}" for k in sorted(unknown))
            )
        object.__setattr__(self, "_layers", [])
        object.__setattr__(self, "_weights", [])
        object.__setattr__(self, "_regularized", [])  # (weight, regularizer) pairs
        self.name = name if name is not None else unique_name(snake_case(type(self).__name__))
        if not isinstance(self.name, str):
            raise TypeError(f"{type(self).__name__}: argument `name` must be a str. Received: {name!r}")
        self._dtype = dtypes.as_dtype(dtype) if dtype is not None else dtypes.float32
        self._trainable = bool(trainable)
        self.built = False
        self.input_spec: InputSpec | None = None
        self._losses: list = []
        shape = kwargs.get("input_shape")
        if shape is None and kwargs.get("input_dim") is not None:
            shape = (kwargs["input_dim"],)
        if kwargs.get("batch_input_shape") is not None:
            shape = tuple(kwargs["batch_input_shape"])[1:]
        self._input_shape_arg = None if shape is None else tuple(shape)
        self._call_has_training = "training" in inspect.signature(self.call).parameters
        self._call_has_mask = "mask" in inspect.signature(self.call).parameters

    # -- attributes and weights -----------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, (Layer, Variable, list, tuple)):
            structure.changed()
        if isinstance(value, Layer) and not name.startswith("_"):
            if all(value is not layer for layer in self._layers):
                self._layers.append(value)
        elif isinstance(value, (list, tuple)) and not name.startswith("_"):
            for item in value:
                if isinstance(item, Layer) and all(item is not layer for layer in self._layers):
                    self._layers.append(item)
        object.__setattr__(self, name, value)

    @property
    def dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def compute_dtype(self) -> dtypes.DType:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        structure.changed()
        for layer in self._layers:
            layer.trainable = value

    def add_weight(self, shape: Any = None, initializer: Any = None, dtype: Any = None, trainable: bool = True,
                   regularizer: Any = None, constraint: Any = None, name: str | None = None, **kwargs: Any) -> Variable:
        """Creates a weight Variable of this layer (Keras' ``add_weight``).

        The initializer runs now (eagerly, even on a compiled function's first call).
        """
        shape = () if shape is None else tuple(int(d) for d in TensorShape(shape).as_list())
        dtype = dtypes.as_dtype(dtype) if dtype is not None else self._dtype
        if initializer is None:
            initializer = "glorot_uniform" if dtype.is_floating else "zeros"
        init = initializers.get(initializer)
        with capture.init_scope():  # eagerly, even while a program is traced
            value = init(shape, dtype=dtype)
        var = Variable(value, trainable=trainable, name=f"{self.name}/{name or 'variable'}", dtype=dtype,
                       constraint=constraints.get(constraint))
        reg = regularizers.get(regularizer)
        if reg is not None:
            self._regularized.append((var, reg))
        self._weights.append(var)
        structure.changed()
        return var

    def _flatten_layers(self) -> list["Layer"]:
        """This layer and its sub-layers, depth first (Keras' order, which orders ``weights``)."""
        seen: list = []
        stack = [self]
        while stack:
            layer = stack.pop()
            if all(layer is not s for s in seen):
                seen.append(layer)
                stack.extend(reversed(layer._layers))
        return seen

    def _all_weights(self) -> list[Variable]:
        out: list = []
        for layer in self._flatten_layers():
            for w in layer._weights:
                if all(w is not o for o in out):
                    out.append(w)
        return out

    @property
    def weights(self) -> list[Variable]:
        """All weights, layer by layer depth first, each layer's trainable ones first (Keras 3's order)."""
        trainable = {id(w) for w in self.trainable_weights}
        out: list = []
        for layer in self._flatten_layers():
            mine = [w for w in layer._weights if all(w is not o for o in out)]
            out += [w for w in mine if id(w) in trainable] + [w for w in mine if id(w) not in trainable]
        return out

    @property
    def variables(self) -> list[Variable]:
        return self.weights

    @property
    def trainable_weights(self) -> list[Variable]:
        cached = self.__dict__.get("_trainable_cache")
        if cached is not None and cached[0] == structure.version():
            return list(cached[1])
        out: list = []
        if self._trainable:
            for layer in self._flatten_layers():
                if layer._trainable:
                    out += [w for w in layer._weights if w.trainable and all(w is not o for o in out)]
        object.__setattr__(self, "_trainable_cache", (structure.version(), out))
        return list(out)

    trainable_variables = trainable_weights

    @property
    def non_trainable_weights(self) -> list[Variable]:
        trainable = self.trainable_weights
        return [w for w in self._all_weights() if all(w is not t for t in trainable)]

    non_trainable_variables = non_trainable_weights

    @property
    def losses(self) -> list:
        """Regularization penalties of the weights (and losses added in ``call``)."""
        penalties = [reg(w) for layer in self._flatten_layers() for w, reg in layer._regularized]
        return penalties + [loss for layer in self._flatten_layers() for loss in layer._losses]

    def add_loss(self, loss: Any) -> None:
        self._losses.append(loss)

    def get_weights(self) -> list[np.ndarray]:
        return [np.array(w.numpy()) for w in self.weights]

    def set_weights(self, weights: list) -> None:
        """Assigns NumPy arrays to the weights, in :attr:`weights` order."""
        mine = self.weights
        if len(weights) != len(mine):
            raise ValueError(
                f"Layer {self.name}: set_weights expects a list of {len(mine)} arrays "
                f"({[tuple(w.shape.as_list()) for w in mine]}). Received: {len(weights)} arrays"
            )
        for i, (var, value) in enumerate(zip(mine, weights)):
            arr = np.asarray(value)
            if tuple(arr.shape) != tuple(var.shape.as_list()):
                raise ValueError(
                    f"Layer {self.name}: set_weights: weight {i} ({var.name}) must have shape "
                    f"{tuple(var.shape.as_list())}. Received: shape {arr.shape}"
                )
            var.assign(arr.astype(var.dtype.as_numpy_dtype))

    def count_params(self) -> int:
        return int(sum(np.prod(w.shape.as_list()) for w in self.weights))

    # -- masks ------------------------------------------------------------------------
    @property
    def supports_masking(self) -> bool:
        """Whether the layer passes a mask on to its outputs (Keras' rule: true when the
        class overrides :meth:`compute_mask`, or when set)."""
        value = self._supports_masking
        return type(self).compute_mask is not Layer.compute_mask if value is None else value

    @supports_masking.setter
    def supports_masking(self, value: bool) -> None:
        object.__setattr__(self, "_supports_masking", bool(value))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """The mask of the outputs (``(batch, steps)`` booleans, true where valid) given the
        inputs and their mask; by default the input mask, unchanged."""
        return mask

    # -- building and calling ---------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Creates the weights for inputs of ``input_shape`` (override in subclasses)."""
        self.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(f"Layer {type(self).__name__} must implement call(self, inputs, ...).")

    def _convert_inputs(self, inputs: Any) -> Any:
        def convert_leaf(x: Any) -> Any:
            if getattr(x, "_xf_symbolic", False) or x is None:
                return x
            if isinstance(x, TensorLike):
                if x.dtype.is_floating and x.dtype != self._dtype:
                    return _keep_mask(x, cast(x, self._dtype))
                return x
            arr = np.asarray(x) if not isinstance(x, jax.Array) else x
            if np.dtype(arr.dtype).kind == "f" and self._dtype.is_floating:
                return convert.convert_to_tensor(arr.astype(self._dtype.as_numpy_dtype) if isinstance(arr, np.ndarray) else arr.astype(self._dtype.as_numpy_dtype))
            return convert.convert_to_tensor(arr)

        if isinstance(inputs, (TensorLike, np.ndarray, jax.Array)):  # the common case: one input
            return convert_leaf(inputs)
        return jax.tree_util.tree_map(convert_leaf, inputs, is_leaf=lambda x: isinstance(x, TensorLike) or x is None)

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        if symbolic_call.call_is_symbolic(inputs, args, kwargs):
            # Functional API: one graph node that runs this layer (see layers/symbolic_call.py)
            return symbolic_call.symbolic_call(self, inputs, args, kwargs)
        if self.built and not args:
            # Eagerly, or under one recording GradientTape: one op for the whole call (layers/recorded_call.py)
            training = kwargs.get("training")
            if training is None and _context.training:
                training = _context.training[-1]
            recorded = recorded_call.record(self, inputs, args, kwargs, training)
            if recorded is not recorded_call.NotRecorded:
                return recorded
        inputs = self._convert_inputs(inputs)
        first = [inputs] if isinstance(inputs, TensorLike) else jax.tree_util.tree_leaves(inputs, is_leaf=lambda x: isinstance(x, TensorLike))
        if not self.built:
            shapes = jax.tree_util.tree_map(lambda t: tuple(t.shape.as_list()), inputs, is_leaf=lambda x: isinstance(x, TensorLike))
            self.build(shapes)
            self.built = True
        if self.input_spec is not None and first:
            check_input(self, self.input_spec, first[0])
        training = kwargs.pop("training", None)
        if training is None and _context.training:
            training = _context.training[-1]
        if self._call_has_training:
            kwargs["training"] = training
        previous_mask = kwargs.get("mask")
        if previous_mask is None and first:
            previous_mask = getattr(first[0], "_keras_mask", None)
        if getattr(self, "_call_has_mask", False) and kwargs.get("mask") is None and previous_mask is not None:
            kwargs["mask"] = previous_mask  # Keras 3: the mask the input carries
        _context.training.append(training)
        try:
            with jax.named_scope(self.name):  # profiles and HLO metadata show the layer's name
                outputs = self.call(inputs, *args, **kwargs)
        finally:
            _context.training.pop()
        if self.supports_masking:
            _attach_masks(outputs, self.compute_mask(inputs, previous_mask))
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Output shape for ``input_shape`` (None for the batch), by tracing ``call``
        abstractly: nothing is computed."""
        shape = tuple(input_shape)
        concrete = tuple(1 if d is None else d for d in shape)
        if not self.built:
            self.build(shape)
            self.built = True

        def run(x):
            return jax.tree_util.tree_map(lambda t: t._read(), self.call(Tensor._wrap(x), **({"training": False} if self._call_has_training else {})),
                                          is_leaf=lambda t: isinstance(t, TensorLike))

        out = jax.eval_shape(run, jax.ShapeDtypeStruct(concrete, self._dtype.as_numpy_dtype))
        return jax.tree_util.tree_map(lambda s: (shape[0],) + tuple(s.shape[1:]) if shape else tuple(s.shape), out)

    # -- configuration ------------------------------------------------------------------
    def get_config(self) -> dict:
        config = {"name": self.name, "trainable": self._trainable, "dtype": self._dtype.name}
        if self._input_shape_arg is not None:
            config["batch_input_shape"] = (None,) + self._input_shape_arg
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Layer":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
