"""``TimeDistributed``: applies one layer to every time step of its input (Keras 3's
TimeDistributed wrapper).

The input ``(batch, time, ...)`` is reshaped to ``(batch * time, ...)``, the wrapped
layer runs once on it (one call, one compiled op sequence, its weights shared by all
steps) and the result is reshaped to ``(batch, time, ...)``. For layers that treat
rows independently this equals Keras' per-step loop; a layer that mixes rows
(BatchNormalization in training) sees all steps of the batch at once, and the
training core's row mask is repeated over the time steps so padded rows stay out of
its statistics.
"""

from __future__ import annotations

from typing import Any

from xlaflow._core import rows
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import expand_dims, reshape, tile


def serialize_wrapped(layer: Layer) -> dict:
    """The Keras config dict of a wrapped layer (``{"module", "class_name", "config",
    "registered_name"}``)."""
    return {"module": "keras.layers", "class_name": type(layer).__name__, "config": layer.get_config(),
            "registered_name": None}


def deserialize_wrapped(config: Any, custom_objects: dict | None = None, owner: str = "TimeDistributed") -> Layer:
    """The layer a :func:`serialize_wrapped` dict describes (xlaflow's layers or
    ``custom_objects``; a Layer passes through)."""
    if isinstance(config, Layer):
        return config
    import xlaflow.layers as layers

    name = config.get("class_name") if isinstance(config, dict) else None
    cls = (custom_objects or {}).get(name) or getattr(layers, str(name), None)
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise ValueError(
            f"{owner}.from_config: unknown layer class {name!r}; pass it in `custom_objects`. Received: {config!r:.200}"
        )
    return cls.from_config(dict(config.get("config") or {}))


class TimeDistributed(Layer):
    """Applies ``layer`` to every temporal slice (axis 1) of the input.

    Args:
      layer: a Layer instance; its weights are shared by all time steps.

    Example::

        td = TimeDistributed(Dense(8))
        td(np.zeros((32, 10, 16), np.float32)).shape   # (32, 10, 8)
    """

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(
                "TimeDistributed: argument `layer` must be a keras Layer instance. "
                f"Received: layer={layer!r:.100}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _child_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        if len(shape) < 3:
            raise ValueError(
                f'TimeDistributed "{self.name}": the input must have at least 3 dimensions (batch, time, ...). '
                f"Received: input_shape={shape}"
            )
        batch, steps = shape[0], shape[1]
        merged = None if batch is None or steps is None else batch * steps
        return (merged,) + shape[2:]

    def build(self, input_shape: Any) -> None:
        child = self._child_shape(input_shape)
        if not self.layer.built:
            self.layer.build(child)
            self.layer.built = True
        self.built = True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        shape = inputs.shape.as_list()
        self._child_shape(shape)
        steps = shape[1]
        if steps is None:
            raise ValueError(
                f'TimeDistributed "{self.name}": the time dimension must be known. Received: input_shape={tuple(shape)}'
            )
        flat = reshape(inputs, [-1] + shape[2:])
        kwargs = {}
        if getattr(self.layer, "_call_has_training", False):
            kwargs["training"] = training
        if mask is not None and getattr(self.layer, "_call_has_mask", False):
            mask_shape = mask.shape.as_list()
            if len(mask_shape) < 2 or mask_shape[1] != steps:
                raise ValueError(
                    f'TimeDistributed "{self.name}": the mask must start with the input\'s (batch, time) dimensions '
                    f"{tuple(shape[:2])}. Received: mask.shape={tuple(mask_shape)}"
                )
            kwargs["mask"] = reshape(mask, [-1] + mask_shape[2:])
        row = rows.current()
        if row is not None:
            row = reshape(tile(expand_dims(row, 1), [1, steps]), [-1])
        with rows.row_mask(row):
            out = self.layer(flat, **kwargs)
        out_shape = out.shape.as_list()
        return reshape(out, [-1, steps] + out_shape[1:])

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = tuple(input_shape)
        child = self.layer.compute_output_shape((shape[0],) + tuple(self._child_shape(shape)[1:]))
        return (child[0], shape[1]) + tuple(child[1:])

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return mask

    def get_config(self) -> dict:
        config = super().get_config()
        config["layer"] = serialize_wrapped(self.layer)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "TimeDistributed":
        config = dict(config)
        layer = deserialize_wrapped(config.pop("layer"), custom_objects)
        return cls(layer, **config)
