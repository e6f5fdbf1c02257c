"""``Bidirectional``: runs a recurrent layer forwards and a copy backwards and merges
their outputs (Keras' Bidirectional wrapper).

The forward layer is rebuilt from the given layer's config (named ``forward_<name>``)
and, unless ``backward_layer`` is given, the backward one too with
``go_backwards=True`` (``backward_<name>``), so neither shares state with the
original. Weights are the forward layer's, then the backward layer's. With
``return_sequences`` both layers output zeros at masked steps (Keras forces
``zero_output_for_mask``) and the backward outputs are flipped back to input order.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.layer import Layer
from xlaflow.layers.rnn import deserialize_layer, serialize_layer
from xlaflow.ops.array_ops import concat
from xlaflow.ops.gather_ops import reverse

_MODES = ("sum", "mul", "ave", "concat", None)


def _renamed(layer: Layer, prefix: str, **changes: Any) -> Layer:
    config = serialize_layer(layer)
    name = layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name
    config["config"].update(name=prefix + name, **changes)
    return deserialize_layer(config)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    Args:
      layer: a recurrent layer (``LSTM``, ``GRU``, ``SimpleRNN``, ``RNN``).
      merge_mode: how to combine the two outputs: ``"concat"`` (default), ``"sum"``,
        ``"mul"``, ``"ave"``, or None (a list of both).
      weights: optional initial weights (forward half, then backward half).
      backward_layer: the layer for the backward direction (``go_backwards=True``).

    Returns the merged output; with ``return_state`` followed by the forward and then
    the backward final states.
    """

    def __init__(self, layer: Any, merge_mode: Any = "concat", weights: Any = None, backward_layer: Any = None, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"Bidirectional: please initialize `Bidirectional` with a keras Layer instance. Received: layer={layer!r:.200}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(f"Bidirectional: `backward_layer` needs to be a keras Layer instance. Received: backward_layer={backward_layer!r:.200}")
        if merge_mode not in _MODES:
            raise ValueError(
                f'Bidirectional: invalid merge mode. Merge mode should be one of {{"sum", "mul", "ave", "concat", None}}. '
                f"Received: merge_mode={merge_mode!r}"
            )
        super().__init__(**kwargs)
        self.forward_layer = _renamed(layer, "forward_")
        self.backward_layer = _renamed(layer, "backward_", go_backwards=True) if backward_layer is None else backward_layer
        if hasattr(layer, "use_cudnn"):
            self.forward_layer.use_cudnn = layer.use_cudnn
            self.backward_layer.use_cudnn = layer.use_cudnn
        self._verify()
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self._initial_weights = None if weights is None else list(weights)
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.input_spec = layer.input_spec

    def _verify(self) -> None:
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                "Bidirectional: forward layer and backward layer should have different `go_backwards` values. Received: "
                f"forward_layer.go_backwards={fwd.go_backwards}, backward_layer.go_backwards={bwd.go_backwards}"
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    f'Bidirectional: forward layer and backward layer are expected to have the same value for attribute "{attr}". '
                    f"Received: {getattr(fwd, attr)} for the forward layer and {getattr(bwd, attr)} for the backward layer"
                )

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(tuple(sequences_shape))
                sub.built = True
        self.built = True
        if self._initial_weights is not None:
            half = len(self._initial_weights) // 2
            self.forward_layer.set_weights(self._initial_weights[:half])
            self.backward_layer.set_weights(self._initial_weights[half:])
            self._initial_weights = None

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        states: tuple = ()
        if self.return_state:
            shape, states = shape[0], tuple(shape[1:])
        if self.merge_mode == "concat":
            shape = tuple(shape[:-1]) + (None if shape[-1] is None else 2 * shape[-1],)
        if self.return_state:
            head = (shape, shape) if self.merge_mode is None else (shape,)
            return head + states + states
        return [shape, shape] if self.merge_mode is None else tuple(shape)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = [mask, mask] if self.merge_mode is None else mask
        else:
            output_mask = [None, None] if self.merge_mode is None else None
        if self.return_state and self.states is not None:
            heads = output_mask if isinstance(output_mask, list) else [output_mask]
            return heads + [None] * len(self.states)
        return output_mask

    @property
    def states(self) -> Any:
        fwd, bwd = getattr(self.forward_layer, "states", None), getattr(self.backward_layer, "states", None)
        if fwd and bwd:
            return tuple(fwd) + tuple(bwd)
        return None

    def reset_states(self) -> None:
        self.reset_state()

    def reset_state(self) -> None:
        if not self.stateful:
            raise AttributeError(f"Bidirectional {self.name}: layer must be stateful to reset its states.")
        self.forward_layer.reset_state()
        self.backward_layer.reset_state()

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        kwargs: dict = {"training": training}
        if self.forward_layer._call_has_mask:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states: list = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = reverse(y_rev, [1])
        if self.merge_mode == "concat":
            output: Any = concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            return (output if self.merge_mode is None else [output]) + states
        return output

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"merge_mode": self.merge_mode, "layer": serialize_layer(self.forward_layer),
                       "backward_layer": serialize_layer(self.backward_layer)})
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Bidirectional":
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            config["backward_layer"] = deserialize_layer(backward, custom_objects)
        return cls(**config)
