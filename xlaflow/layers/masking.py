"""``Masking``: marks the timesteps whose features all equal ``mask_value`` as padding
(Keras' Masking). The output carries the ``(batch, steps)`` mask, which recurrent
layers (and losses/metrics) downstream use to skip those steps.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import squeeze
from xlaflow.ops.binary_ops import not_equal
from xlaflow.ops.creation_ops import zeros_like
from xlaflow.ops.gather_ops import where
from xlaflow.ops.reduce_ops import reduce_any


class Masking(Layer):
    """Zeroes the masked timesteps and attaches the mask ``any(inputs != mask_value, -1)``.

    Args:
      mask_value: a timestep is masked when all its features equal this value.
    """

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.mask_value = mask_value
        self.supports_masking = True

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return reduce_any(not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs: Any) -> Any:
        keep = reduce_any(not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = where(keep, inputs, zeros_like(inputs))
        outputs._keras_mask = squeeze(keep, axis=-1)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config
