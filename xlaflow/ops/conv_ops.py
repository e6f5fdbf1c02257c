"""Convolutions of ``tf.nn``: conv1d/2d/3d, convolution, their transposes, atrous,
depthwise and separable conv2d, and ``bias_add``.

All of them are one N-d convolution (``jax.lax.conv_general_dilated``) with TF's
conventions: filters are laid out ``spatial + [in_channels, out_channels]``; data is
channels-last (``NWC``/``NHWC``/``NDHWC``) unless ``data_format`` says ``NC...``;
``strides``/``dilations`` may be an int or a list of 1, N or N+2 ints (then the batch
and channel entries must be 1); ``padding`` is ``'SAME'``, ``'VALID'`` or explicit
``[[before, after], ...]`` pairs. ``SAME`` pads the extra element at the end, as TF
does. An input whose channels are a multiple of the filter's input channels is a
grouped convolution. Leading batch dimensions beyond one are flattened and restored.

A transposed convolution is the adjoint of the forward one for the given
``output_shape``; its padding is derived from that forward convolution.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np
from jax import lax

from xlaflow._core import errors
from xlaflow.ops.activation_ops import check_floating
from xlaflow.ops.dispatch import op

_SPATIAL = {1: "W", 2: "HW", 3: "DHW"}


def channels_last(name: str, data_format: Any, n: int | None) -> bool:
    """Whether ``data_format`` (None, ``N...C`` or ``NC...``) puts channels last.

    Raises:
      ValueError: the format is not one TF accepts for ``n`` spatial dimensions.
    """
    if data_format is None:
        return True
    fmt = str(data_format).upper()
    if n is not None:
        s = _SPATIAL[n]
        known = {"N" + s + "C": True, "NC" + s: False}
        if fmt in known:
            return known[fmt]
        expected = " or ".join(repr(k) for k in known)
    elif fmt.startswith("NC"):
        return False
    elif fmt.startswith("N") and fmt.endswith("C"):
        return True
    else:
        expected = "'N...C' (channels last, e.g. 'NHWC') or 'NC...' (e.g. 'NCHW')"
    raise ValueError(f"{name}: argument `data_format` must be {expected}. Received: {data_format!r}")


def _lengths(n: int) -> str:
    sizes = sorted({1, n, n + 2})
    return ", ".join(map(str, sizes[:-1])) + f" or {sizes[-1]}"


def spatial_arg(name: str, arg: str, value: Any, n: int, last: bool, default: int = 1) -> tuple[int, ...]:
    """``strides``/``dilations``/``ksize`` as ``n`` positive ints, TF's forms accepted.

    Raises:
      InvalidArgumentError: wrong length, or a batch/channel entry other than 1.
      ValueError: a non-positive entry.
    """
    if value is None:
        return (default,) * n
    seq = [value] if isinstance(value, (int, np.integer)) else list(value)
    if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in seq):
        raise TypeError(f"{name}: argument `{arg}` must be an int or a list of ints. Received: {value!r}")
    if len(seq) == 1:
        seq = seq * n
    elif len(seq) == n + 2:
        outer = (seq[0], seq[-1]) if last else (seq[0], seq[1])
        if outer != (1, 1):
            raise errors.InvalidArgumentError(
                f"{name}: argument `{arg}` must be 1 in the batch and channel dimensions. Received: {list(value)}"
            )
        seq = seq[1:-1] if last else seq[2:]
    elif len(seq) != n:
        raise errors.InvalidArgumentError(
            f"{name}: argument `{arg}` must be an int or a list of {_lengths(n)} ints. Received: {list(value)}"
        )
    if any(v <= 0 for v in seq):
        raise ValueError(f"{name}: argument `{arg}` must hold positive ints. Received: {value!r}")
    return tuple(int(v) for v in seq)


def padding_arg(name: str, padding: Any, n: int, last: bool) -> str | list[tuple[int, int]]:
    """``'SAME'``, ``'VALID'`` or explicit ``n`` (before, after) pairs.

    Raises:
      ValueError: an unknown padding string.
      InvalidArgumentError: explicit pairs of the wrong shape, negative, or non-zero
        on the batch/channel dimensions.
    """
    if isinstance(padding, str):
        up = padding.upper()
        if up in ("SAME", "VALID"):
            return up
        raise ValueError(f"{name}: argument `padding` must be 'SAME', 'VALID' or a list of [before, after] pairs. Received: {padding!r}")
    try:
        pairs = [tuple(int(v) for v in p) for p in padding]
    except TypeError:
        raise ValueError(f"{name}: argument `padding` must be 'SAME', 'VALID' or a list of [before, after] pairs. Received: {padding!r}") from None
    if len(pairs) == n + 2:
        outer = (pairs[0], pairs[-1]) if last else (pairs[0], pairs[1])
        if outer != ((0, 0), (0, 0)):
            raise errors.InvalidArgumentError(
                f"{name}: argument `padding` must be [0, 0] for the batch and channel dimensions. Received: {padding!r}"
            )
        pairs = pairs[1:-1] if last else pairs[2:]
    if len(pairs) != n or any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise errors.InvalidArgumentError(
            f"{name}: explicit `padding` must be {n + 2} (or {n}) non-negative [before, after] pairs. Received: {padding!r}"
        )
    return pairs


def flatten_batch(name: str, x, n: int):
    """``x`` with its leading batch dimensions merged into one, and how to undo it."""
    if x.ndim < n + 2:
        raise errors.InvalidArgumentError(
            f"{name}: argument `input` must have rank {n + 2} (batch, {n} spatial dimension(s) and channels). "
            f"Received: shape {list(x.shape)}"
        )
    lead = x.shape[: x.ndim - n - 1]
    flat = x.reshape((-1,) + x.shape[x.ndim - n - 1:]) if len(lead) != 1 else x
    return flat, (lambda y: y.reshape(lead + y.shape[1:]) if len(lead) != 1 else y)


def _specs(n: int, last: bool, kernel: str = "IO") -> tuple[str, str, str]:
    s = _SPATIAL[n]
    lhs = "N" + s + "C" if last else "NC" + s
    return (lhs, s + kernel, lhs)


def _conv(name, x, filters, strides, padding, data_format, dilations, n, strides_arg="strides"):
    check_floating(name, "input", x)
    last = channels_last(name, data_format, n)
    if filters.ndim != n + 2:
        raise errors.InvalidArgumentError(
            f"{name}: argument `filters` must have rank {n + 2} ({n} spatial, in_channels, out_channels). "
            f"Received: shape {list(filters.shape)}"
        )
    strides = spatial_arg(name, strides_arg, strides, n, last)
    dilations = spatial_arg(name, "dilations", dilations, n, last)
    pad = padding_arg(name, padding, n, last)
    x, restore = flatten_batch(name, x, n)
    in_ch = x.shape[-1] if last else x.shape[1]
    f_in, f_out = filters.shape[-2], filters.shape[-1]
    if f_in == 0 or in_ch == 0 or in_ch % f_in or f_out % (in_ch // f_in):
        raise errors.InvalidArgumentError(
            f"{name}: the input channels ({in_ch}) must be a multiple of the filters' input channels "
            f"(filters.shape[-2] = {f_in}), which must divide the output channels. "
            f"Received: input.shape={list(x.shape)}, filters.shape={list(filters.shape)}"
        )
    out = lax.conv_general_dilated(
        x, filters, strides, pad, rhs_dilation=dilations,
        dimension_numbers=_specs(n, last), feature_group_count=in_ch // f_in,
    )
    return restore(out)


_CONV = dict(tensors=("input", "filters"), same_dtype=("input", "filters"))


@op("Conv1D", **_CONV)
def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None):  # noqa: A002
    """1-D convolution of ``input`` ``[batch, width, in_channels]`` with ``filters``
    ``[width, in_channels, out_channels]``; ``stride`` is an int or a list of 1 or 3.

    Raises:
      InvalidArgumentError: ranks, channels, strides or padding do not fit.
      TypeError: the inputs are not floating or their dtypes differ.
    """
    return _conv("conv1d", input, filters, stride, padding, data_format, dilations, 1, strides_arg="stride")


@op("Conv2D", **_CONV)
def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None):  # noqa: A002
    """2-D convolution of ``input`` ``[batch, height, width, in_channels]`` (or NCHW)
    with ``filters`` ``[height, width, in_channels, out_channels]``.

    Example: ``conv2d(x, w, strides=[1, 2, 2, 1], padding="SAME")``.

    Raises:
      InvalidArgumentError: ranks, channels, strides or padding do not fit.
      TypeError: the inputs are not floating or their dtypes differ.
    """
    return _conv("conv2d", input, filters, strides, padding, data_format, dilations, 2)


@op("Conv3D", **_CONV)
def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None):  # noqa: A002
    """3-D convolution of ``input`` ``[batch, depth, height, width, in_channels]`` with
    ``filters`` ``[depth, height, width, in_channels, out_channels]``.

    Raises:
      InvalidArgumentError: ranks, channels, strides or padding do not fit.
    """
    return _conv("conv3d", input, filters, strides, padding, data_format, dilations, 3)


@op("Convolution", **_CONV)
def convolution(input, filters, strides=None, padding="VALID", data_format=None, dilations=None):  # noqa: A002
    """N-d convolution (N = ``filters.ndim - 2``, 1 to 3) with the conventions above.

    Raises:
      InvalidArgumentError: ``filters`` has rank other than 3 to 5, or shapes do not fit.
    """
    n = filters.ndim - 2
    if n not in _SPATIAL:
        raise errors.InvalidArgumentError(
            f"convolution: argument `filters` must have rank 3, 4 or 5. Received: shape {list(filters.shape)}"
        )
    return _conv("convolution", input, filters, strides, padding, data_format, dilations, n)


@op("AtrousConv2D", tensors=("value", "filters"), same_dtype=("value", "filters"))
def atrous_conv2d(value, filters, rate, padding):
    """2-D convolution with holes: ``conv2d`` (NHWC) with ``dilations=rate``."""
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate < 1:
        raise ValueError(f"atrous_conv2d: argument `rate` must be a positive int. Received: {rate!r}")
    return _conv("atrous_conv2d", value, filters, 1, padding, "NHWC", rate, 2)


def _conv_transpose(name, x, filters, output_shape, strides, padding, data_format, dilations, n):
    check_floating(name, "input", x)
    last = channels_last(name, data_format, n)
    if filters.ndim != n + 2 or x.ndim != n + 2:
        raise errors.InvalidArgumentError(
            f"{name}: arguments `input` and `filters` must have rank {n + 2}. "
            f"Received: input.shape={list(x.shape)}, filters.shape={list(filters.shape)}"
        )
    strides = spatial_arg(name, "strides", strides, n, last)
    dilations = spatial_arg(name, "dilations", dilations, n, last)
    pad = padding_arg(name, padding, n, last)
    out_shape = [int(d) for d in ([output_shape] if isinstance(output_shape, int) else output_shape)]
    in_ch = x.shape[-1] if last else x.shape[1]
    batch = x.shape[0]
    if len(out_shape) == n:
        out_shape = [batch, *out_shape, filters.shape[-2]] if last else [batch, filters.shape[-2], *out_shape]
    out_sp = out_shape[1:-1] if last else out_shape[2:]
    out_ch = out_shape[-1] if last else out_shape[1]
    in_sp = x.shape[1:-1] if last else x.shape[2:]
    if len(out_shape) != n + 2 or out_shape[0] != batch or out_ch != filters.shape[-2] or in_ch != filters.shape[-1]:
        raise errors.InvalidArgumentError(
            f"{name}: argument `output_shape` must be [batch, spatial..., channels] with input's batch "
            f"({batch}) and filters.shape[-2] ({filters.shape[-2]}) channels, and filters.shape[-1] must equal "
            f"the input channels ({in_ch}). Received: output_shape={list(output_shape)}, "
            f"filters.shape={list(filters.shape)}"
        )
    back_pad = []
    for i in range(n):
        k_eff = (filters.shape[i] - 1) * dilations[i] + 1
        size, s = out_sp[i], strides[i]
        if pad == "VALID":
            lo = hi = 0
        elif pad == "SAME":
            total = max((-(-size // s) - 1) * s + k_eff - size, 0)
            lo, hi = total // 2, total - total // 2
        else:
            lo, hi = pad[i]
        fwd = (size + lo + hi - k_eff) // s + 1 if size + lo + hi >= k_eff else 0
        if fwd != in_sp[i]:
            raise errors.InvalidArgumentError(
                f"{name}: argument `output_shape` does not fit the input: a convolution of spatial size "
                f"{size} (dimension {i}) with these filters, strides and padding gives {fwd}, but the input has "
                f"{in_sp[i]}. Received: output_shape={list(output_shape)}, input.shape={list(x.shape)}"
            )
        back_pad.append((k_eff - 1 - lo, size - (in_sp[i] - 1) * s - 1 + lo))
    flipped = jnp.flip(filters, axis=tuple(range(n)))
    return lax.conv_general_dilated(
        x, flipped, (1,) * n, back_pad, lhs_dilation=strides, rhs_dilation=dilations,
        dimension_numbers=_specs(n, last, kernel="OI"),
    )


@op("Conv1DTranspose", **_CONV)
def conv1d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NWC", dilations=None):  # noqa: A002
    """Transposed 1-D convolution: ``filters`` ``[width, out_channels, in_channels]``,
    result of ``output_shape`` ``[batch, width, out_channels]``.

    Raises:
      InvalidArgumentError: ``output_shape`` is not a size whose convolution gives ``input``.
    """
    return _conv_transpose("conv1d_transpose", input, filters, output_shape, strides, padding, data_format, dilations, 1)


@op("Conv2DBackpropInput", **_CONV)
def conv2d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NHWC", dilations=None):  # noqa: A002
    """Transposed 2-D convolution (the gradient of ``conv2d`` with respect to its input):
    ``filters`` is ``[height, width, out_channels, in_channels]``.

    Example: ``conv2d_transpose(x, w, [8, 14, 14, 3], strides=2)`` for ``x`` of shape
    ``[8, 7, 7, C]`` and ``w`` of shape ``[3, 3, 3, C]``.

    Raises:
      InvalidArgumentError: ``output_shape`` is not a size whose convolution gives ``input``.
    """
    return _conv_transpose("conv2d_transpose", input, filters, output_shape, strides, padding, data_format, dilations, 2)


@op("Conv3DBackpropInputV2", **_CONV)
def conv3d_transpose(input, filters, output_shape, strides, padding="SAME", data_format="NDHWC", dilations=None):  # noqa: A002
    """Transposed 3-D convolution: ``filters`` ``[d, h, w, out_channels, in_channels]``.

    Raises:
      InvalidArgumentError: ``output_shape`` is not a size whose convolution gives ``input``.
    """
    return _conv_transpose("conv3d_transpose", input, filters, output_shape, strides, padding, data_format, dilations, 3)


@op("ConvTranspose", **_CONV)
def conv_transpose(input, filters, output_shape, strides, padding="SAME", data_format=None, dilations=None):  # noqa: A002
    """Transposed N-d convolution, N = ``filters.ndim - 2`` (1 to 3)."""
    n = filters.ndim - 2
    if n not in _SPATIAL:
        raise errors.InvalidArgumentError(
            f"conv_transpose: argument `filters` must have rank 3, 4 or 5. Received: shape {list(filters.shape)}"
        )
    return _conv_transpose("conv_transpose", input, filters, output_shape, strides, padding, data_format, dilations, n)


def _depthwise(name, x, filt, strides, padding, data_format, dilations):
    check_floating(name, "input", x)
    last = channels_last(name, data_format, 2)
    if x.ndim != 4 or filt.ndim != 4:
        raise errors.InvalidArgumentError(
            f"{name}: arguments `input` and `filter` must have rank 4. "
            f"Received: input.shape={list(x.shape)}, filter.shape={list(filt.shape)}"
        )
    in_ch = x.shape[-1] if last else x.shape[1]
    if filt.shape[2] != in_ch:
        raise errors.InvalidArgumentError(
            f"{name}: argument `filter` must be [height, width, in_channels={in_ch}, multiplier]. "
            f"Received: filter.shape={list(filt.shape)}"
        )
    kernel = filt.reshape(filt.shape[:2] + (1, in_ch * filt.shape[3]))
    return lax.conv_general_dilated(
        x, kernel, spatial_arg(name, "strides", strides, 2, last), padding_arg(name, padding, 2, last),
        rhs_dilation=spatial_arg(name, "dilations", dilations, 2, last),
        dimension_numbers=_specs(2, last), feature_group_count=in_ch,
    )


@op("DepthwiseConv2dNative", tensors=("input", "filter"), same_dtype=("input", "filter"))
def depthwise_conv2d(input, filter, strides, padding, data_format=None, dilations=None):  # noqa: A002
    """Convolves each input channel with its own ``multiplier`` filters:
    ``filter`` ``[h, w, in_channels, multiplier]`` gives ``in_channels * multiplier``
    output channels, channel ``c * multiplier + m`` from input channel ``c``.

    Raises:
      InvalidArgumentError: ranks differ from 4 or ``filter.shape[2]`` is not the input channels.
    """
    return _depthwise("depthwise_conv2d", input, filter, strides, padding, data_format, dilations)


@op("SeparableConv2D", tensors=("input", "depthwise_filter", "pointwise_filter"),
    same_dtype=("input", "depthwise_filter", "pointwise_filter"))
def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding, data_format=None, dilations=None):  # noqa: A002
    """A depthwise convolution followed by a 1x1 convolution with ``pointwise_filter``
    ``[1, 1, in_channels * multiplier, out_channels]``.

    Raises:
      InvalidArgumentError: ``pointwise_filter`` is not ``[1, 1, in * multiplier, out]``.
    """
    name = "separable_conv2d"
    mid = _depthwise(name, input, depthwise_filter, strides, padding, data_format, dilations)
    last = channels_last(name, data_format, 2)
    mid_ch = mid.shape[-1] if last else mid.shape[1]
    pw = pointwise_filter
    if pw.ndim != 4 or pw.shape[:3] != (1, 1, mid_ch):
        raise errors.InvalidArgumentError(
            f"{name}: argument `pointwise_filter` must be [1, 1, {mid_ch}, out_channels]. Received: shape {list(pw.shape)}"
        )
    return lax.conv_general_dilated(mid, pw, (1, 1), "VALID", dimension_numbers=_specs(2, last))


@op("BiasAdd", tensors=("value", "bias"), same_dtype=("value", "bias"))
def bias_add(value, bias, data_format=None):
    """Adds the 1-D ``bias`` along the channel dimension of ``value`` (the last one, or
    dimension 1 for ``NC...`` formats).

    Raises:
      InvalidArgumentError: ``bias`` is not 1-D, ``value`` has rank < 2, or the sizes differ.
    """
    value, bias = jnp.asarray(value), jnp.asarray(bias)
    last = channels_last("bias_add", data_format, None)
    if bias.ndim != 1 or value.ndim < 2:
        raise errors.InvalidArgumentError(
            f"bias_add: argument `bias` must be 1-D and `value` of rank >= 2. "
            f"Received: value.shape={list(value.shape)}, bias.shape={list(bias.shape)}"
        )
    axis = value.ndim - 1 if last else 1
    if value.shape[axis] != bias.shape[0]:
        raise errors.InvalidArgumentError(
            f"bias_add: argument `bias` must have one entry per channel of `value` (dimension {axis}, "
            f"size {value.shape[axis]}). Received: bias.shape={list(bias.shape)}, value.shape={list(value.shape)}"
        )
    shape = [1] * value.ndim
    shape[axis] = bias.shape[0]
    return value + bias.reshape(shape)
