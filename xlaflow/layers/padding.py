"""Spatial resizing of images: ``ZeroPadding2D`` adds rows and columns of zeros,
``UpSampling2D`` repeats them (nearest neighbour). Keras' layers, ``channels_last``
by default."""

from __future__ import annotations

from typing import Any

from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.layers.reshaping import normalize_data_format
from xlaflow.ops.array_ops import expand_dims, pad, reshape, tile


def _pair(layer: str, arg: str, value: Any) -> tuple:
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return tuple(value)
    raise ValueError(f"{layer}: argument `{arg}` must be an int or a tuple of 2 ints. Received: {arg}={value!r}")


class ZeroPadding2D(Layer):
    """Pads the height and width axes of a 4D input with zeros.

    Args:
      padding: an int (all four sides), ``(rows, cols)`` (symmetric) or
        ``((top, bottom), (left, right))``.
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    def __init__(self, padding: Any = (1, 1), data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format("ZeroPadding2D", data_format)
        if isinstance(padding, (list, tuple)) and len(padding) == 2 and all(isinstance(p, (list, tuple)) for p in padding):
            self.padding = tuple(_pair("ZeroPadding2D", "padding", tuple(p)) for p in padding)
        else:
            rows, cols = _pair("ZeroPadding2D", "padding", padding)
            self.padding = ((rows, rows), (cols, cols))
        if any(p < 0 for pair in self.padding for p in pair):
            raise ValueError(f"ZeroPadding2D: argument `padding` must not be negative. Received: padding={padding!r}")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        rows, cols = self.padding
        if self.data_format == "channels_last":
            return pad(inputs, [[0, 0], list(rows), list(cols), [0, 0]])
        return pad(inputs, [[0, 0], [0, 0], list(rows), list(cols)])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"padding": self.padding, "data_format": self.data_format})
        return config


class UpSampling2D(Layer):
    """Repeats the rows and columns of a 4D input ``size`` times (nearest neighbour).

    Args:
      size: an int or ``(rows, cols)`` factors.
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
      interpolation: only ``"nearest"`` is supported.
    """

    def __init__(self, size: Any = (2, 2), data_format: str | None = None, interpolation: str = "nearest", **kwargs: Any):
        super().__init__(**kwargs)
        self.size = _pair("UpSampling2D", "size", size)
        if any(s <= 0 for s in self.size):
            raise ValueError(f"UpSampling2D: argument `size` must be positive. Received: size={size!r}")
        self.data_format = normalize_data_format("UpSampling2D", data_format)
        if interpolation != "nearest":
            raise ValueError(f'UpSampling2D: only interpolation="nearest" is supported. Received: interpolation={interpolation!r}')
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs: Any) -> Any:
        first = self.data_format == "channels_first"
        b, d1, d2, d3 = inputs.shape.as_list()
        h, w = (d2, d3) if first else (d1, d2)
        sh, sw = self.size
        axis = 2 if first else 1  # the height axis
        x = expand_dims(expand_dims(inputs, axis + 2), axis + 1)  # (.., h, 1, w, 1, ..)
        mult = [1] * 6
        mult[axis + 1], mult[axis + 3] = sh, sw
        x = tile(x, mult)
        if first:
            return reshape(x, [b, d1, h * sh, w * sw])
        return reshape(x, [b, h * sh, w * sw, d3])

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format, "interpolation": self.interpolation})
        return config
