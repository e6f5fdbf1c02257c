"""``InputLayer``: declares the input shape and dtype of a model (Keras 3's InputLayer).

As the first layer of a ``Sequential`` it fixes the input shape, so the model builds
at once (``Sequential([InputLayer(shape=(20,)), Dense(1)])``); like Keras,
``Sequential.layers`` and ``summary()`` leave it out. Called on data it passes the
inputs through, converted to its dtype. ``keras.Input`` (the Functional API's
symbolic input) is built elsewhere on the graph-node machinery.
"""

from __future__ import annotations

import warnings
from typing import Any

from xlaflow._core import dtypes
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import cast


def _standardize_shape(shape: Any, arg: str) -> tuple:
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"InputLayer: argument `{arg}` must be a tuple of ints or None. Received: {arg}={shape!r}") from None
    for d in dims:
        if d is not None and (isinstance(d, bool) or not isinstance(d, int) or d < 0):
            raise ValueError(
                f"InputLayer: argument `{arg}` must hold non-negative ints or None. Received: {arg}={shape!r}"
            )
    return dims


class InputLayer(Layer):
    """The input of a model: its shape (without the batch) and dtype.

    Args:
      shape: the shape of one example, e.g. ``(20,)``.
      batch_size: a fixed batch size (optional).
      dtype: the inputs' dtype (float32 by default).
      sparse, ragged: must be false (JAX has no sparse or ragged tensors).
      batch_shape: the full shape including the batch (instead of ``shape`` and
        ``batch_size``).
      input_tensor: a symbolic tensor (``keras.Input``) to take shape and dtype from.
      optional: whether the input may be None.
      name: the layer's name.
    """

    def __init__(self, shape: Any = None, batch_size: int | None = None, dtype: Any = None, sparse: bool | None = None,
                 ragged: bool | None = None, batch_shape: Any = None, input_tensor: Any = None, optional: bool = False,
                 name: str | None = None, **kwargs: Any):
        if "input_shape" in kwargs:
            warnings.warn("InputLayer: argument `input_shape` is deprecated. Use `shape` instead.", stacklevel=2)
            shape = kwargs.pop("input_shape")
        if "batch_input_shape" in kwargs:
            batch_shape = kwargs.pop("batch_input_shape")
        if kwargs:
            raise TypeError(
                f"InputLayer: unexpected keyword arguments {sorted(kwargs)}. "
                "Received: " + ", ".join(f"{k}={kwargs[k]!r}" for k in sorted(kwargs))
            )
        if input_tensor is not None:
            if not getattr(input_tensor, "_xf_symbolic", False):
                raise ValueError(
                    "InputLayer: argument `input_tensor` must be a symbolic tensor (keras.Input). "
                    f"Received: input_tensor={input_tensor!r:.100}"
                )
            tensor_shape = tuple(input_tensor.shape.as_list())
            if shape is not None and tuple(shape) != tensor_shape[1:]:
                raise ValueError("InputLayer: you cannot provide an incompatible `shape` with `input_tensor`. "
                                 f"Received: shape={shape!r}, input_tensor.shape={tensor_shape}")
            if batch_shape is not None and tuple(batch_shape) != tensor_shape:
                raise ValueError("InputLayer: you cannot provide an incompatible `batch_shape` with `input_tensor`. "
                                 f"Received: batch_shape={batch_shape!r}, input_tensor.shape={tensor_shape}")
            batch_shape, shape = tensor_shape, None
            dtype = input_tensor.dtype if dtype is None else dtype
        else:
            if shape is not None and batch_shape is not None:
                raise ValueError("InputLayer: you cannot pass both `shape` and `batch_shape` at the same time. "
                                 f"Received: shape={shape!r}, batch_shape={batch_shape!r}")
            if batch_size is not None and batch_shape is not None:
                raise ValueError("InputLayer: you cannot pass both `batch_size` and `batch_shape` at the same time. "
                                 f"Received: batch_size={batch_size!r}, batch_shape={batch_shape!r}")
            if shape is None and batch_shape is None:
                raise ValueError("InputLayer: you must pass a `shape` argument. Received: shape=None")
            if shape is not None:
                batch_shape = (batch_size,) + _standardize_shape(shape, "shape")
        self._batch_shape = _standardize_shape(batch_shape, "batch_shape")
        if not self._batch_shape:
            raise ValueError(f"InputLayer: the batch shape must have at least the batch dimension. Received: {batch_shape!r}")
        if sparse:
            raise ValueError("InputLayer: `sparse=True` is not supported by xlaflow (JAX). Received: sparse=True")
        if ragged:
            raise ValueError("InputLayer: `ragged=True` is not supported by xlaflow (JAX). Received: ragged=True")
        super().__init__(name=name, dtype=dtype)
        self.sparse = False
        self.ragged = False
        self.optional = bool(optional)
        self._input_tensor = input_tensor
        self._input_shape_arg = self._batch_shape[1:]
        # a string input is checked by the host layer it feeds (which may be given its vectorized output here)
        self.input_spec = None if self._dtype == dtypes.string else InputSpec(shape=self._batch_shape)
        self.built = True

    @property
    def batch_shape(self) -> tuple:
        """The full input shape, batch dimension first (None where unknown)."""
        return self._batch_shape

    def _convert_inputs(self, inputs: Any) -> Any:
        if self._dtype == dtypes.string:  # no float cast: strings, or what a host stage made of them
            return inputs
        return super()._convert_inputs(inputs)

    def call(self, inputs: Any) -> Any:
        if getattr(inputs, "_xf_symbolic", False) or inputs is None:
            return inputs
        if self._dtype == dtypes.string:  # strings are not cast; a host stage may already have vectorized them
            return inputs
        return inputs if inputs.dtype == self._dtype else cast(inputs, self._dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        return {"batch_shape": self._batch_shape, "dtype": self._dtype.name, "sparse": self.sparse,
                "ragged": self.ragged, "name": self.name, "optional": self.optional}
