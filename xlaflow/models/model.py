"""``Model``: a layer with training-facing extras (Keras' ``keras.Model``).

Subclass it and define ``call(self, inputs, training=None)``; sub-layers assigned to
attributes are tracked, so ``trainable_variables`` covers them. ``summary()`` prints
the layer table with output shapes and parameter counts.
"""

from __future__ import annotations

from typing import Any, Callable

from xlaflow.layers.layer import Layer
from xlaflow.models.summary import print_summary


class Model(Layer):
    """A trainable stack of layers (subclass it, or use :class:`Sequential`)."""

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The sub-layer with ``name`` or at ``index``."""
        if index is not None:
            if not -len(self._layers) <= index < len(self._layers):
                raise ValueError(f"Model {self.name}: get_layer index {index} is out of range for {len(self._layers)} layers")
            return self._layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"Model {self.name}: no layer named {name!r}. Received: name={name!r}; layers: {[l.name for l in self._layers]}"
        )

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Callable[[str], Any] | None = None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
        """Prints each layer's output shape and parameter count, and the totals."""
        print_summary(self, print_fn=print_fn, line_length=line_length)
