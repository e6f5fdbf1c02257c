"""``DepthwiseConv2D`` and ``SeparableConv2D`` (Keras' channel-wise convolutions).

``DepthwiseConv2D`` convolves each input channel with its own ``depth_multiplier``
filters (kernel ``(kh, kw, in_channels, depth_multiplier)``); ``SeparableConv2D``
follows that with a 1x1 convolution (pointwise kernel ``(1, 1, in * multiplier,
filters)``). Both run on :mod:`xlaflow.ops.conv_ops`.
"""

from __future__ import annotations

from typing import Any

from xlaflow import activations, constraints, initializers, regularizers
from xlaflow.layers.conv import conv_output_length, normalize_data_format, normalize_padding, normalize_tuple
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops import conv_ops


def _serialize(module: Any, obj: Any) -> Any:
    return None if obj is None else module.serialize(obj)


class _ChannelwiseConv(Layer):
    """Arguments, output shape and config shared by the two layers."""

    def __init__(self, kernel_size: Any, strides: Any, padding: str, depth_multiplier: int, data_format: Any, dilation_rate: Any,
                 activation: Any, use_bias: bool, depthwise_initializer: Any, bias_initializer: Any, depthwise_regularizer: Any,
                 bias_regularizer: Any, activity_regularizer: Any, depthwise_constraint: Any, bias_constraint: Any, **kwargs: Any):
        super().__init__(**kwargs)
        cls = type(self).__name__
        if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int) or depth_multiplier <= 0:
            raise ValueError(f"{cls}: argument `depth_multiplier` must be a positive int. Received: depth_multiplier={depth_multiplier!r}")
        self.depth_multiplier = depth_multiplier
        self.kernel_size = normalize_tuple(cls, "kernel_size", kernel_size, 2)
        self.strides = normalize_tuple(cls, "strides", strides, 2)
        self.dilation_rate = normalize_tuple(cls, "dilation_rate", dilation_rate, 2)
        self.padding = normalize_padding(cls, padding)
        self.data_format = normalize_data_format(cls, data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{cls}: `strides > 1` is not compatible with `dilation_rate > 1`. "
                             f"Received: strides={self.strides}, dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=4)
        self.depthwise_kernel = None
        self.bias = None

    @property
    def _format(self) -> str:
        return "NHWC" if self.data_format == "channels_last" else "NCHW"

    def _channels(self, input_shape: Any) -> int:
        channels = input_shape[-1 if self.data_format == "channels_last" else 1] if len(input_shape) == 4 else None
        if channels is None:
            raise ValueError(f'{type(self).__name__} "{self.name}": the inputs must have rank 4 with a known channel dimension. '
                             f"Received: input_shape={tuple(input_shape)}")
        self.input_spec = InputSpec(ndim=4, axes={-1 if self.data_format == "channels_last" else 1: channels})
        return channels

    def _finish(self, out: Any) -> Any:
        if self.use_bias:
            out = conv_ops.bias_add(out, self.bias, data_format=self._format)
        out = self.activation(out) if self.activation is not None else out
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out))
        return out

    def _output_channels(self, input_shape: tuple) -> Any:  # defined by each depthwise layer
        raise NotImplementedError(f"{type(self).__name__} must implement `_output_channels(input_shape)`.")

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = shape[1:-1] if last else shape[2:]
        out = tuple(conv_output_length(n, k, self.padding, s, d)
                    for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        ch = self._output_channels(shape)
        return (shape[0], *out, ch) if last else (shape[0], ch, *out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "depth_multiplier": self.depth_multiplier,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "depthwise_regularizer": _serialize(regularizers, self.depthwise_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "depthwise_constraint": _serialize(constraints, self.depthwise_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
        })
        return config


class DepthwiseConv2D(_ChannelwiseConv):
    """Depthwise 2-D convolution (Keras' ``DepthwiseConv2D``): ``in * depth_multiplier``
    output channels, channel ``c * depth_multiplier + m`` from input channel ``c``.

    Example: ``DepthwiseConv2D(3, depth_multiplier=2)(np.ones((1, 5, 5, 4), np.float32))``
    has shape ``(1, 3, 3, 8)``.
    """

    def __init__(self, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid", depth_multiplier: int = 1,
                 data_format: Any = None, dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros", depthwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 bias_constraint: Any = None, **kwargs: Any):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation, use_bias,
                         depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
                                                name="kernel", regularizer=self.depthwise_regularizer,
                                                constraint=self.depthwise_constraint)
        if self.use_bias:
            self.bias = self.add_weight((channels * self.depth_multiplier,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def _output_channels(self, input_shape: tuple) -> Any:
        ch = input_shape[-1 if self.data_format == "channels_last" else 1]
        return None if ch is None else ch * self.depth_multiplier

    def call(self, inputs: Any) -> Any:
        out = conv_ops.depthwise_conv2d(inputs, self.depthwise_kernel, list(self.strides), self.padding.upper(),
                                        data_format=self._format, dilations=list(self.dilation_rate))
        return self._finish(out)


class SeparableConv2D(_ChannelwiseConv):
    """Depthwise-separable 2-D convolution (Keras' ``SeparableConv2D``): a
    ``DepthwiseConv2D`` then a 1x1 convolution to ``filters`` channels.

    Example: ``SeparableConv2D(8, 3, padding="same")(np.ones((1, 5, 5, 4), np.float32))``
    has shape ``(1, 5, 5, 8)``.
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid", data_format: Any = None,
                 dilation_rate: Any = (1, 1), depth_multiplier: int = 1, activation: Any = None, use_bias: bool = True,
                 depthwise_initializer: Any = "glorot_uniform", pointwise_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", depthwise_regularizer: Any = None, pointwise_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, depthwise_constraint: Any = None,
                 pointwise_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(kernel_size, strides, padding, depth_multiplier, data_format, dilation_rate, activation, use_bias,
                         depthwise_initializer, bias_initializer, depthwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, bias_constraint, **kwargs)
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"SeparableConv2D: argument `filters` must be a positive int. Received: filters={filters!r}")
        self.filters = filters
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.pointwise_kernel = None

    def build(self, input_shape: Any) -> None:
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
                                                name="depthwise_kernel", regularizer=self.depthwise_regularizer,
                                                constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight((1, 1, channels * self.depth_multiplier, self.filters), self.pointwise_initializer,
                                                name="pointwise_kernel", regularizer=self.pointwise_regularizer,
                                                constraint=self.pointwise_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    def _output_channels(self, input_shape: tuple) -> Any:
        return self.filters

    def call(self, inputs: Any) -> Any:
        out = conv_ops.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel, list(self.strides),
                                        self.padding.upper(), data_format=self._format, dilations=list(self.dilation_rate))
        return self._finish(out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
            "pointwise_regularizer": _serialize(regularizers, self.pointwise_regularizer),
            "pointwise_constraint": _serialize(constraints, self.pointwise_constraint),
        })
        return config
