"""``MaxPooling1D/2D`` and ``AveragePooling1D/2D`` (Keras' pooling layers) on
:func:`xlaflow.ops.pool_ops.max_pool` / ``avg_pool``; ``"same"`` average pooling
averages the valid elements only, as Keras does."""

from __future__ import annotations

from typing import Any

from xlaflow.layers.conv import conv_output_length, normalize_data_format, normalize_padding, normalize_tuple
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops import pool_ops

_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW")}


class BasePooling(Layer):
    """Shared part of the pooling layers.

    Args:
      pool_size: the window, an int or ``rank`` ints.
      strides: the step, an int or ``rank`` ints; None means ``pool_size``.
      padding: ``"valid"`` or ``"same"``.
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
    """

    _rank = 2
    _kind = "max"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        cls = type(self).__name__
        n = self._rank
        self.pool_size = normalize_tuple(cls, "pool_size", pool_size, n)
        self.strides = self.pool_size if strides is None else normalize_tuple(cls, "strides", strides, n)
        self.padding = normalize_padding(cls, padding)
        self.data_format = normalize_data_format(cls, data_format)
        self.input_spec = InputSpec(ndim=n + 2)

    def call(self, inputs: Any) -> Any:
        fmt = _FORMATS[self._rank][0 if self.data_format == "channels_last" else 1]
        fn = pool_ops.max_pool if self._kind == "max" else pool_ops.avg_pool
        return fn(inputs, list(self.pool_size), list(self.strides), self.padding.upper(), data_format=fmt)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = shape[1:-1] if last else shape[2:]
        out = tuple(conv_output_length(n, k, self.padding, s) for n, k, s in zip(spatial, self.pool_size, self.strides))
        return (shape[0], *out, shape[-1]) if last else (shape[0], shape[1], *out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"pool_size": self.pool_size, "padding": self.padding, "strides": self.strides,
                       "data_format": self.data_format})
        return config


class MaxPooling1D(BasePooling):
    """Max over windows of ``(batch, steps, features)`` (Keras' ``MaxPooling1D``)."""

    _rank, _kind = 1, "max"

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: str = "valid", data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling1D(BasePooling):
    """Mean over windows of ``(batch, steps, features)`` (Keras' ``AveragePooling1D``)."""

    _rank, _kind = 1, "avg"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class MaxPooling2D(BasePooling):
    """Max over windows of ``(batch, rows, cols, channels)`` (Keras' ``MaxPooling2D``).

    Example: ``MaxPooling2D()(np.ones((1, 4, 4, 3), np.float32))`` has shape ``(1, 2, 2, 3)``.
    """

    _rank, _kind = 2, "max"

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid", data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)


class AveragePooling2D(BasePooling):
    """Mean over windows of ``(batch, rows, cols, channels)`` (Keras' ``AveragePooling2D``)."""

    _rank, _kind = 2, "avg"

    def __init__(self, pool_size: Any, strides: Any = None, padding: str = "valid", data_format: Any = None, **kwargs: Any):
        super().__init__(pool_size, strides, padding, data_format, **kwargs)
