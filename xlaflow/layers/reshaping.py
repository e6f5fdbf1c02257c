"""Layers that only rearrange their input: ``Flatten``, ``Reshape``, ``Permute`` and
``RepeatVector`` (Keras' reshaping layers). The batch axis is never touched."""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import expand_dims, reshape, tile, transpose


def normalize_data_format(layer: str, value: Any) -> str:
    """``None`` -> ``"channels_last"``; otherwise checks the value (shared by layers
    that take ``data_format``)."""
    value = "channels_last" if value is None else str(value).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(
            f'{layer}: argument `data_format` must be "channels_last" or "channels_first". Received: data_format={value!r}'
        )
    return value


class Flatten(Layer):
    """Flattens each example to one axis: ``(batch, d1, d2, ...) -> (batch, d1*d2*...)``.

    Args:
      data_format: ``"channels_last"`` (default) or ``"channels_first"``; with the
        latter the channels axis is moved last first, as Keras does.
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format("Flatten", data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: Any) -> Any:
        rank = inputs.shape.rank
        if self.data_format == "channels_first" and rank > 2:
            inputs = transpose(inputs, [0] + list(range(2, rank)) + [1])
        if rank == 1:
            return expand_dims(inputs, 1)
        dims = inputs.shape.as_list()
        return reshape(inputs, [-1 if dims[0] is None else dims[0], int(np.prod(dims[1:]))])

    def get_config(self) -> dict:
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Reshape(Layer):
    """Reshapes each example to ``target_shape`` (one entry may be -1).

    Args:
      target_shape: the new shape of one example (without the batch axis).
    """

    def __init__(self, target_shape: Any, **kwargs: Any):
        super().__init__(**kwargs)
        try:
            self.target_shape = tuple(int(d) for d in target_shape)
        except TypeError:
            raise TypeError(f"Reshape: argument `target_shape` must be a tuple of ints. Received: target_shape={target_shape!r}") from None
        if sum(d == -1 for d in self.target_shape) > 1 or any(d < -1 or d == 0 for d in self.target_shape):
            raise ValueError(
                "Reshape: argument `target_shape` must hold positive ints and at most one -1. "
                f"Received: target_shape={target_shape!r}"
            )

    def call(self, inputs: Any) -> Any:
        dims = inputs.shape.as_list()
        size = int(np.prod(dims[1:]))
        known = int(np.prod([d for d in self.target_shape if d != -1]))
        if (-1 in self.target_shape and size % known) or (-1 not in self.target_shape and size != known):
            raise ValueError(
                f'Layer "{self.name}" (Reshape): cannot reshape examples of shape {tuple(dims[1:])} '
                f"({size} elements) to target_shape={self.target_shape}. Received: input shape {tuple(dims)}"
            )
        return reshape(inputs, [dims[0]] + list(self.target_shape))

    def get_config(self) -> dict:
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


class Permute(Layer):
    """Permutes the non-batch axes: ``dims`` are 1-based, e.g. ``(2, 1)`` swaps them.

    Args:
      dims: a permutation of ``1 .. rank-1``.
    """

    def __init__(self, dims: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.dims = tuple(int(d) for d in dims)
        if sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError(
                "Permute: invalid permutation argument `dims`: it must be a permutation of "
                f"1 .. {len(self.dims)} (the batch axis 0 is not permuted). Received: dims={dims!r}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: Any) -> Any:
        return transpose(inputs, [0] + list(self.dims))

    def get_config(self) -> dict:
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """Repeats a ``(batch, features)`` input ``n`` times: ``(batch, n, features)``.

    Args:
      n: the number of repetitions.
    """

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            raise ValueError(f"RepeatVector: argument `n` must be a positive int. Received: n={n!r}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: Any) -> Any:
        return tile(expand_dims(inputs, 1), [1, self.n, 1])

    def get_config(self) -> dict:
        config = super().get_config()
        config["n"] = self.n
        return config
