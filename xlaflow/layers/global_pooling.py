"""``GlobalAveragePooling1D/2D`` and ``GlobalMaxPooling1D/2D``: mean or max over all
spatial axes (Keras' global pooling layers), optionally keeping them as size 1."""

from __future__ import annotations

from typing import Any

from xlaflow.layers.conv import normalize_data_format
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops import reduce_ops
from xlaflow.ops.array_ops import cast, expand_dims


class BaseGlobalPooling(Layer):
    """Shared part of the global pooling layers.

    Args:
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
      keepdims: keep the pooled spatial axes with size 1.
    """

    _rank = 2
    _kind = "avg"

    def __init__(self, data_format: Any = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(type(self).__name__, data_format)
        self.keepdims = bool(keepdims)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _axes(self) -> list[int]:
        start = 1 if self.data_format == "channels_last" else 2
        return list(range(start, start + self._rank))

    def call(self, inputs: Any) -> Any:
        fn = reduce_ops.reduce_mean if self._kind == "avg" else reduce_ops.reduce_max
        return fn(inputs, axis=self._axes(), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        axes = self._axes()
        if self.keepdims:
            return tuple(1 if i in axes else d for i, d in enumerate(shape))
        return tuple(d for i, d in enumerate(shape) if i not in axes)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"data_format": self.data_format, "keepdims": self.keepdims})
        return config


class GlobalAveragePooling1D(BaseGlobalPooling):
    """Mean over the steps of ``(batch, steps, features)`` (Keras' ``GlobalAveragePooling1D``);
    with ``mask`` (``(batch, steps)``, true where valid) only the valid steps are averaged."""

    _rank, _kind = 1, "avg"

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        axis = 1 if self.data_format == "channels_last" else 2
        weights = expand_dims(cast(mask, inputs.dtype), axis=2 if axis == 1 else 1)
        total = reduce_ops.reduce_sum(inputs * weights, axis=axis, keepdims=self.keepdims)
        return total / reduce_ops.reduce_sum(weights, axis=axis, keepdims=self.keepdims)


class GlobalMaxPooling1D(BaseGlobalPooling):
    """Max over the steps of ``(batch, steps, features)`` (Keras' ``GlobalMaxPooling1D``)."""

    _rank, _kind = 1, "max"


class GlobalAveragePooling2D(BaseGlobalPooling):
    """Mean over rows and columns of ``(batch, rows, cols, channels)`` (Keras' ``GlobalAveragePooling2D``)."""

    _rank, _kind = 2, "avg"


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Max over rows and columns of ``(batch, rows, cols, channels)`` (Keras' ``GlobalMaxPooling2D``)."""

    _rank, _kind = 2, "max"
