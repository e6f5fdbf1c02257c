"""``Dense``: ``activation(inputs @ kernel + bias)`` over the last axis (Keras' Dense)."""

from __future__ import annotations

from typing import Any

from xlaflow import activations, constraints, initializers, regularizers
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import cast
from xlaflow.ops.binary_ops import matmul
from xlaflow.ops.contract_ops import tensordot


class Dense(Layer):
    """A densely connected layer.

    Args:
      units: size of the last output axis.
      activation: an activation function or its name; None is linear.
      use_bias: whether to add a bias.
      kernel_initializer, bias_initializer: Keras defaults glorot_uniform and zeros.
      kernel_regularizer, bias_regularizer, activity_regularizer: penalties added to
        :attr:`losses`.
      kernel_constraint, bias_constraint: applied by optimizers after each update.
    """

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 lora_rank: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True  # passes an input mask on unchanged (Keras)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(f"Dense: argument `units` must be a positive int. Received: units={units!r}")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.kernel = None
        self.bias = None

    def build(self, input_shape: Any) -> None:
        last = input_shape[-1]
        if last is None:
            raise ValueError(f'Dense "{self.name}": the last dimension of the inputs must be known. Received: input_shape={input_shape}')
        self.kernel = self.add_weight((last, self.units), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.units,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last})
        self.built = True

    def call(self, inputs: Any) -> Any:
        if not inputs.dtype.is_floating:  # integer encodings (multi_hot, count): Keras' matmul promotes them
            inputs = cast(inputs, self.kernel.dtype)
        if inputs.shape.rank == 2:
            out = matmul(inputs, self.kernel)
        else:
            out = tensordot(inputs, self.kernel, [[inputs.shape.rank - 1], [0]])
        if self.use_bias:
            out = out + self.bias
        out = self.activation(out) if self.activation is not None else out
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out))
        return out

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": None if self.kernel_regularizer is None else regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": None if self.bias_regularizer is None else regularizers.serialize(self.bias_regularizer),
            "activity_regularizer": None if self.activity_regularizer is None else regularizers.serialize(self.activity_regularizer),
            "kernel_constraint": None if self.kernel_constraint is None else constraints.serialize(self.kernel_constraint),
            "bias_constraint": None if self.bias_constraint is None else constraints.serialize(self.bias_constraint),
        })
        return config
