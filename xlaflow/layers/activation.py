"""``Activation``: applies an activation function elementwise (Keras' Activation)."""

from __future__ import annotations

from typing import Any

from xlaflow import activations
from xlaflow.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` to its input; the output has the input's shape.

    Args:
      activation: an activation function or its name (``"relu"``, ``"softmax"`` ...).
    """

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True  # passes an input mask on unchanged (Keras)
        self.activation = activations.get(activation)
        if self.activation is None:
            self.activation = activations.get("linear")

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
