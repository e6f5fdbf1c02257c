"""``Conv2DTranspose`` (Keras' transposed convolution, a.k.a. deconvolution).

The kernel has Keras' layout ``(kh, kw, filters, in_channels)``. Output sizes follow
Keras: ``"valid"`` gives ``(n - 1) * s + max(k, s)`` and ``"same"`` gives ``n * s``,
unless ``output_padding`` is set; the computation is
:func:`xlaflow.ops.conv_ops.conv2d_transpose` with the matching padding.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.conv import BaseConv, normalize_tuple
from xlaflow.layers.input_spec import InputSpec
from xlaflow.ops import conv_ops


def transpose_output_length(length: int | None, kernel: int, padding: str, stride: int, output_padding: int | None,
                            dilation: int = 1) -> int | None:
    """Output size of one spatial axis of a transposed convolution (Keras' formula)."""
    if length is None:
        return None
    eff = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(eff, stride) - eff if output_padding is None else output_padding
        return (length - 1) * stride + eff + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + eff % 2 + output_padding


def _forward_padding(length: int, kernel: int, padding: str, stride: int, output_padding: int | None, dilation: int) -> tuple[int, int]:
    """The explicit padding of the forward convolution whose input gradient is Keras'
    transposed convolution (the left pad decides the alignment; the right pad only has to
    make the forward output size equal to ``length``)."""
    eff = (kernel - 1) * dilation + 1
    if padding == "valid":
        left = eff - 1
    else:
        pad_len = stride + eff - 2 if output_padding is None else eff + eff % 2 - 2 + output_padding
        left = min(pad_len // 2 + pad_len % 2, eff - 1)
    size = transpose_output_length(length, kernel, padding, stride, output_padding, dilation)
    lo = eff - 1 - left
    hi = max((length - 1) * stride + eff - size - lo, 0)
    return lo, hi


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution over ``(batch, rows, cols, channels)`` (Keras' ``Conv2DTranspose``).

    Args:
      filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
        use_bias, *_initializer, *_regularizer, *_constraint: as in ``Conv2D``.
      output_padding: an int or 2 ints (each below its stride) added to the output
        size; None lets Keras' rule pick the size.

    Example::

        up = Conv2DTranspose(8, 3, strides=2, padding="same")
        y = up(np.ones((1, 4, 4, 16), np.float32))  # shape (1, 8, 8, 8)
    """

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1), padding: str = "valid", output_padding: Any = None,
                 data_format: Any = None, dilation_rate: Any = (1, 1), activation: Any = None, use_bias: bool = True, **kwargs: Any):
        if "groups" in kwargs:
            raise TypeError(f"Conv2DTranspose: unexpected keyword arguments ['groups']. Received: groups={kwargs['groups']!r}")
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias, **kwargs)
        self.output_padding = None if output_padding is None else normalize_tuple("Conv2DTranspose", "output_padding", output_padding, 2, allow_zero=True)
        if self.output_padding is not None and any(p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError("Conv2DTranspose: each `output_padding` must be smaller than its stride. "
                             f"Received: output_padding={self.output_padding}, strides={self.strides}")

    def build(self, input_shape: Any) -> None:
        channels = input_shape[self._channel_axis] if len(input_shape) == 4 else None
        if channels is None:
            raise ValueError(f'Conv2DTranspose "{self.name}": the inputs must have rank 4 with a known channel dimension. '
                             f"Received: input_shape={tuple(input_shape)}")
        self.kernel = self.add_weight(self.kernel_size + (self.filters, channels), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis: channels})
        self.built = True

    def _per_axis(self) -> list[tuple]:
        pads = self.output_padding or (None, None)
        return list(zip(self.kernel_size, self.strides, pads, self.dilation_rate))

    def convolution_op(self, inputs: Any, kernel: Any) -> Any:
        last = self.data_format == "channels_last"
        shape = inputs.shape.as_list()
        spatial = shape[1:3] if last else shape[2:]
        sizes = [transpose_output_length(n, k, self.padding, s, p, d) for n, (k, s, p, d) in zip(spatial, self._per_axis())]
        pads = [_forward_padding(n, k, self.padding, s, p, d) for n, (k, s, p, d) in zip(spatial, self._per_axis())]
        out_shape = [shape[0], *sizes, self.filters] if last else [shape[0], self.filters, *sizes]
        return conv_ops.conv2d_transpose(inputs, kernel, out_shape, list(self.strides), pads,
                                         data_format="NHWC" if last else "NCHW", dilations=list(self.dilation_rate))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shape = tuple(input_shape)
        last = self.data_format == "channels_last"
        spatial = shape[1:-1] if last else shape[2:]
        out = tuple(transpose_output_length(n, k, self.padding, s, p, d) for n, (k, s, p, d) in zip(spatial, self._per_axis()))
        return (shape[0], *out, self.filters) if last else (shape[0], self.filters, *out)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("groups")
        config["output_padding"] = self.output_padding
        return config
