"""``Sequential``: layers applied one after another (Keras' ``keras.Sequential``).

The model builds as soon as its input shape is known — from ``input_shape=`` on the
first layer (as the seeds write it), from ``build(shape)``, or from the first call —
so ``summary()`` and ``trainable_variables`` work before any data flows.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers import structure
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
        """Appends ``layer``; builds the model if the input shape is known. A
        ``keras.Input(shape)`` tensor adds its ``InputLayer`` (Keras 3)."""
        history = getattr(layer, "_keras_history", None)
        if getattr(layer, "_xf_symbolic", False) and history is not None and type(history[0]).__name__ == "InputLayer":
            layer = history[0]
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
        structure.changed()
        first = self._layers[0]
        if self.built:
            self._build_from(self._last_shape, start=len(self._layers) - 1)
        elif first._input_shape_arg is not None:
            self.build((None,) + first._input_shape_arg)

    @property
    def layers(self) -> list[Layer]:
        """The layers, without a leading ``InputLayer`` (as Keras lists them)."""
        from xlaflow.layers.input_layer import InputLayer

        layers = list(self._layers)
        return layers[1:] if layers and isinstance(layers[0], InputLayer) else layers

    def pop(self) -> Layer:
        if not self._layers:
            raise ValueError(f"Sequential.pop: model {self.name!r} has no layers to remove")
        layer = self._layers.pop()
        structure.changed()
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

    # -- configuration (Keras 3 layout) -------------------------------------------------------
    def _known_input_shape(self) -> tuple | None:
        if getattr(self, "_input_shape", None) is not None:
            return tuple(self._input_shape)
        if self._layers and self._layers[0]._input_shape_arg is not None:
            return (None,) + tuple(self._layers[0]._input_shape_arg)
        return None

    def get_config(self) -> dict:
        """Keras 3's Sequential config: ``name``/``trainable``/``dtype`` and ``layers``, a
        list of serialized layer dicts led by an ``InputLayer`` when the input shape is
        known (each built layer with its ``build_config``)."""
        from xlaflow.saving.serialization import serialize_keras_object

        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}
        layers = []
        shape = self._known_input_shape()
        has_input_layer = bool(self._layers) and type(self._layers[0]).__name__ == "InputLayer"
        if shape is not None and not has_input_layer:
            first_dtype = self._layers[0].dtype.name if self._layers else self.dtype.name
            first_dtype = getattr(self._layers[0], "input_dtype_name", None) or first_dtype  # text layers: "string"
            layers.append({"module": "keras.layers", "class_name": "InputLayer",
                           "config": {"batch_shape": list(shape), "dtype": first_dtype, "sparse": False, "ragged": False,
                                      "name": "input_layer", "optional": False},
                           "registered_name": None})
        previous = shape
        for layer in self._layers:
            entry = serialize_keras_object(layer)
            entry["config"].pop("batch_input_shape", None)  # the InputLayer records it
            if layer.built and previous is not None and type(layer).__name__ != "InputLayer":
                entry["build_config"] = {"input_shape": [None if d is None else int(d) for d in previous]}
            previous = self._output_shapes.get(id(layer))
            previous = tuple(previous) if isinstance(previous, (tuple, list)) else None
            layers.append(entry)
        config["layers"] = layers
        if shape is not None:
            config["build_input_shape"] = list(shape)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Sequential":
        """Rebuilds the model from :meth:`get_config` output (or real Keras 3's, or the
        legacy Keras 2 layout). Layers are built by the allowlisted loader of
        :mod:`xlaflow.saving.serialization`, so a config can only name known classes."""
        from xlaflow.saving.serialization import deserialize_keras_object

        if not isinstance(config, dict):
            raise TypeError(f"Sequential.from_config: argument `config` must be a dict. Received: {config!r:.100}")
        config = dict(config)
        layer_configs = config.pop("layers", [])
        if not isinstance(layer_configs, list):
            raise ValueError(f"Sequential.from_config: 'layers' must be a list. Received: {type(layer_configs).__name__}")
        input_shape = config.pop("build_input_shape", None)
        kwargs = {k: config[k] for k in ("name", "trainable", "dtype") if k in config}
        model = cls(**kwargs)
        for i, entry in enumerate(layer_configs):
            if isinstance(entry, dict) and entry.get("class_name") == "InputLayer":
                if i == 0:
                    try:  # keep the InputLayer (its dtype and name), as Keras does
                        model.add(deserialize_keras_object(entry, custom_objects, prefer="layers"))
                        continue
                    except (TypeError, ValueError):
                        pass  # a legacy InputLayer config: only its shape is used
                inner = entry.get("config") or {}
                batch = inner.get("batch_shape", inner.get("batch_input_shape"))
                if batch is None and inner.get("shape") is not None:
                    batch = [None] + list(inner["shape"])
                if batch is not None:
                    input_shape = batch
                continue
            layer = deserialize_keras_object(entry, custom_objects, prefer="layers")
            if not isinstance(layer, Layer):
                raise ValueError(f"Sequential.from_config: entry {entry!r:.100} is not a layer.")
            model.add(layer)
        if input_shape is not None and not model.built:
            if not isinstance(input_shape, (list, tuple)) or not all(d is None or (isinstance(d, int) and d >= 0)
                                                                   for d in input_shape):
                raise ValueError(f"Sequential.from_config: the input shape must be a list of ints/None. Received: {input_shape!r:.100}")
            model.build(tuple(input_shape))
        return model
