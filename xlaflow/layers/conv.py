"""``Conv1D`` and ``Conv2D`` (Keras' convolution layers) and their shared base ``BaseConv``.

The kernel has Keras' layout ``(*kernel_size, in_channels // groups, filters)``; the
computation is :func:`xlaflow.ops.conv_ops.conv1d` / ``conv2d`` plus a bias, so the
layers work eagerly, under ``GradientTape`` and inside ``xlaflow.function``.
"""

from __future__ import annotations

from typing import Any

from xlaflow import activations, constraints, initializers, regularizers
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops import conv_ops
from xlaflow.ops.array_ops import pad

_FORMATS = {1: ("NWC", "NCW"), 2: ("NHWC", "NCHW")}


def normalize_tuple(layer: str, arg: str, value: Any, n: int, allow_zero: bool = False) -> tuple[int, ...]:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` positive ints (Keras' rule)."""
    items = (value,) * n if isinstance(value, int) and not isinstance(value, bool) else tuple(value) if isinstance(value, (list, tuple)) else None
    low = 0 if allow_zero else 1
    if items is None or len(items) != n or any(isinstance(v, bool) or not isinstance(v, int) or v < low for v in items):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{layer}: argument `{arg}` must be a {kind} int or a tuple of {n} {kind} ints. Received: {arg}={value!r}")
    return tuple(items)


def normalize_padding(layer: str, padding: Any, allowed: tuple[str, ...] = ("valid", "same")) -> str:
    value = str(padding).lower() if isinstance(padding, str) else None
    if value not in allowed:
        raise ValueError(f"{layer}: argument `padding` must be one of {list(allowed)}. Received: padding={padding!r}")
    return value


def normalize_data_format(layer: str, data_format: Any) -> str:
    value = "channels_last" if data_format is None else str(data_format).lower()
    if value not in ("channels_last", "channels_first"):
        raise ValueError(f"{layer}: argument `data_format` must be 'channels_last' or 'channels_first'. Received: data_format={data_format!r}")
    return value


def conv_output_length(length: int | None, kernel: int, padding: str, stride: int, dilation: int = 1) -> int | None:
    """Output size of one spatial axis of a convolution or pooling (Keras' formula)."""
    if length is None:
        return None
    eff = (kernel - 1) * dilation + 1
    if padding in ("same", "causal"):
        return (length + stride - 1) // stride
    return (length - eff + stride) // stride


def _serialize(module: Any, obj: Any) -> Any:
    return None if obj is None else module.serialize(obj)


class BaseConv(Layer):
    """Shared part of ``Conv1D``/``Conv2D``: arguments, kernel and bias, config.

    Args:
      rank: number of spatial dimensions (1 or 2).
      filters: number of output channels.
      kernel_size, strides, dilation_rate: an int or ``rank`` ints.
      padding: ``"valid"`` or ``"same"`` (``"causal"`` too for ``Conv1D``).
      data_format: ``"channels_last"`` (default) or ``"channels_first"``.
      groups: the input channels are split into this many groups.
      activation, use_bias, *_initializer, *_regularizer, *_constraint: as in ``Dense``.
    """

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: Any = None, dilation_rate: Any = 1, groups: int = 1, activation: Any = None,
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, bias_constraint: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        cls = type(self).__name__
        self.rank = rank
        if isinstance(filters, bool) or not isinstance(filters, int) or filters <= 0:
            raise ValueError(f"{cls}: argument `filters` must be a positive int. Received: filters={filters!r}")
        if isinstance(groups, bool) or not isinstance(groups, int) or groups <= 0 or filters % groups:
            raise ValueError(f"{cls}: argument `groups` must be a positive int dividing `filters` ({filters}). Received: groups={groups!r}")
        self.filters = filters
        self.groups = groups
        self.kernel_size = normalize_tuple(cls, "kernel_size", kernel_size, rank)
        self.strides = normalize_tuple(cls, "strides", strides, rank)
        self.dilation_rate = normalize_tuple(cls, "dilation_rate", dilation_rate, rank)
        self.padding = normalize_padding(cls, padding, ("valid", "same", "causal") if rank == 1 else ("valid", "same"))
        self.data_format = normalize_data_format(cls, data_format)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{cls}: `strides > 1` is not compatible with `dilation_rate > 1`. "
                             f"Received: strides={self.strides}, dilation_rate={self.dilation_rate}")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self.kernel = None
        self.bias = None

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape: Any) -> None:
        cls = type(self).__name__
        channels = input_shape[self._channel_axis] if len(input_shape) >= self.rank + 2 else None
        if channels is None:
            raise ValueError(f'{cls} "{self.name}": the channel dimension of the inputs must be known and the inputs '
                             f"must have rank {self.rank + 2}. Received: input_shape={tuple(input_shape)}")
        if channels % self.groups:
            raise ValueError(f'{cls} "{self.name}": the number of input channels ({channels}) must be divisible by '
                             f"groups={self.groups}. Received: input_shape={tuple(input_shape)}")
        self.kernel = self.add_weight(self.kernel_size + (channels // self.groups, self.filters), self.kernel_initializer,
                                      name="kernel", regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis: channels})
        self.built = True

    def convolution_op(self, inputs: Any, kernel: Any) -> Any:
        last = self.data_format == "channels_last"
        fmt = _FORMATS[self.rank][0 if last else 1]
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            inputs = pad(inputs, [[0, 0], [left, 0], [0, 0]] if last else [[0, 0], [0, 0], [left, 0]])
            padding = "valid"
        fn = conv_ops.conv1d if self.rank == 1 else conv_ops.conv2d
        return fn(inputs, kernel, list(self.strides), padding.upper(), data_format=fmt, dilations=list(self.dilation_rate))

    def call(self, inputs: Any) -> Any:
        out = self.convolution_op(inputs, self.kernel)
        if self.use_bias:
            out = conv_ops.bias_add(out, self.bias, data_format="N...C" if self.data_format == "channels_last" else "NC...")
        out = self.activation(out) if self.activation is not None else out
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out))
        return out

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = shape[1:-1] if last else shape[2:]
        out = tuple(conv_output_length(n, k, self.padding, s, d)
                    for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        return (shape[0], *out, self.filters) if last else (shape[0], self.filters, *out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": self.dilation_rate,
            "groups": self.groups,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "activity_regularizer": _serialize(regularizers, self.activity_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
        })
        return config


class Conv1D(BaseConv):
    """1-D convolution over ``(batch, steps, channels)`` (Keras' ``Conv1D``); padding may
    also be ``"causal"`` (output step ``t`` sees inputs up to ``t`` only).

    Example::

        layer = Conv1D(8, 3, padding="same")
        y = layer(np.ones((2, 10, 4), np.float32))  # shape (2, 10, 8)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid", data_format: Any = None,
                 dilation_rate: Any = 1, groups: int = 1, activation: Any = None, use_bias: bool = True, **kwargs: Any):
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias, **kwargs)


class Conv2D(BaseConv):
    """2-D convolution over ``(batch, rows, cols, channels)`` (Keras' ``Conv2D``).

    Example::

        layer = Conv2D(16, (3, 3), strides=2, padding="same", activation="relu")
        y = layer(np.ones((2, 32, 32, 3), np.float32))  # shape (2, 16, 16, 16)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid", data_format: Any = None,
                 dilation_rate: Any = (1, 1), groups: int = 1, activation: Any = None, use_bias: bool = True, **kwargs: Any):
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, groups=groups, activation=activation, use_bias=use_bias, **kwargs)
