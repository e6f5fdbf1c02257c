"""``Sequential``: layers applied one after another (Keras' ``keras.Sequential``).

The model builds as soon as its input shape is known — from ``input_shape=`` on the
first layer (as the seeds write it), from ``build(shape)``, or from the first call —
so ``summary()`` and ``trainable_variables`` work before any data flows.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.layer import Layer
from xlaflow.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    Example::

        model = keras.Sequential([Dense(10, activation="relu", input_shape=(100,)), Dense(1)])
    """

    def __init__(self, layers: list | None = None, trainable: bool = True, name: str | None = None, **kwargs: Any):
        super().__init__(trainable=trainable, name=name, **kwargs)
        self._output_shapes: dict[int, Any] = {}
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Layer) -> None:
        """Appends ``layer``; builds the model if the input shape is known."""
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add: argument `layer` must be a keras Layer. Received: {layer!r:.100}")
        if any(layer is existing for existing in self._layers):
            raise ValueError(f"Sequential.add: layer {layer.name!r} is already in model {self.name!r}")
        if any(layer.name == existing.name for existing in self._layers):
            raise ValueError(
                f"Sequential.add: all layers of a model must have unique names; {layer.name!r} is already used "
                f"in model {self.name!r}"
            )
        self._layers.append(layer)
        first = self._layers[0]
        if self.built:
            self._build_from(self._last_shape, start=len(self._layers) - 1)
        elif first._input_shape_arg is not None:
            self.build((None,) + first._input_shape_arg)

    def pop(self) -> Layer:
        if not self._layers:
            raise ValueError(f"Sequential.pop: model {self.name!r} has no layers to remove")
        layer = self._layers.pop()
        self._output_shapes.pop(id(layer), None)
        return layer

    def build(self, input_shape: Any = None) -> None:
        """Builds every layer for inputs of ``input_shape`` (batch dimension first)."""
        if input_shape is None:
            first = self._layers[0] if self._layers else None
            if first is None or first._input_shape_arg is None:
                raise ValueError(f"Sequential.build: model {self.name!r} needs an input shape. Received: input_shape=None")
            input_shape = (None,) + first._input_shape_arg
        input_shape = tuple(input_shape)
        self._input_shape = (None,) + input_shape[1:] if input_shape else input_shape  # any batch size
        self._build_from(self._input_shape, start=0)
        self.built = True

    def _build_from(self, shape: Any, start: int) -> None:
        if start > 0:
            shape = self._output_shapes[id(self._layers[start - 1])]
        for layer in self._layers[start:]:
            if not layer.built:
                layer.build(shape)
                layer.built = True
            shape = layer.compute_output_shape(shape)
            self._output_shapes[id(layer)] = shape
        self._last_shape = shape

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        for layer in self._layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict:
        config = super().get_config()
        config["layers"] = [{"class_name": type(l).__name__, "config": l.get_config()} for l in self._layers]
        return config
