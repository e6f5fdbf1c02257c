"""``Dropout``: zeroes inputs at random while training (Keras' Dropout).

The random draw is :func:`xlaflow.nn.dropout`, so it follows the global and op seeds
of :mod:`xlaflow.random`; outside training the layer is the identity.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.layer import Layer
from xlaflow.ops.stat_ops import dropout


class Dropout(Layer):
    """Sets each input element to 0 with probability ``rate`` when ``training`` is true
    and scales the kept ones by ``1 / (1 - rate)``.

    Args:
      rate: the fraction of the inputs to drop, a float in ``[0, 1)``.
      noise_shape: shape of the keep/drop mask (None entries take the input's size);
        size-1 entries share one decision along that axis.
      seed: an op seed for the draw.
    """

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.supports_masking = True  # passes an input mask on unchanged (Keras)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(
                "Dropout: invalid value received for argument `rate`. Expected a float value in [0, 1). "
                f"Received: rate={rate!r}"
            )
        self.rate = rate
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.seed = seed

    def call(self, inputs: Any, training: Any = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        shape = None
        if self.noise_shape is not None:
            dims = inputs.shape.as_list()
            shape = [d if n is None else n for n, d in zip(self.noise_shape, dims)]
        return dropout(inputs, self.rate, noise_shape=shape, seed=self.seed)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
