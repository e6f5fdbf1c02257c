"""Pooling ops of ``tf.nn``: max_pool/avg_pool in 1, 2 and 3 dimensions, and the
generic ``pool``.

Windows and strides follow the convolution conventions of
:mod:`xlaflow.ops.conv_ops` (an int, or 1, N or N+2 ints; ``'SAME'``/``'VALID'``;
channels-last unless ``data_format`` is ``NC...``). Two TF rules matter for numbers:

* ``SAME`` average pooling divides by the number of *valid* (unpadded) elements in
  each window, not by the window size, so border outputs are true averages;
* ``SAME`` max pooling pads with ``-inf`` (the smallest integer for int tensors), so
  padding never wins.

Both are a single ``jax.lax.reduce_window`` (and JAX differentiates max pooling with
the same select-and-scatter rule TF uses).
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
from jax import lax

from xlaflow._core import errors
from xlaflow.ops.activation_ops import check_floating, check_numeric
from xlaflow.ops.conv_ops import channels_last, padding_arg, spatial_arg
from xlaflow.ops.dispatch import op


def _rank_n(name: str, x, n: int | None) -> int:
    if n is None:
        n = x.ndim - 2
        if n not in (1, 2, 3):
            raise errors.InvalidArgumentError(
                f"{name}: argument `input` must have rank 3, 4 or 5 (batch, 1-3 spatial dimensions, "
                f"channels). Received: shape {list(x.shape)}"
            )
    elif x.ndim != n + 2:
        raise errors.InvalidArgumentError(
            f"{name}: argument `input` must have rank {n + 2} (batch, {n} spatial dimension(s), channels). "
            f"Received: shape {list(x.shape)}"
        )
    return n


def _full(values: tuple[int, ...], last: bool, fill=1) -> tuple:
    return (fill, *values, fill) if last else (fill, fill, *values)


def _pool(name, x, ksize, strides, padding, data_format, n, kind, dilations=None):
    n = _rank_n(name, x, n)
    if kind == "MAX":
        check_numeric(name, "input", x)
    else:
        check_floating(name, "input", x)
    last = channels_last(name, data_format, n)
    window = _full(spatial_arg(name, "ksize", ksize, n, last), last)
    steps = _full(spatial_arg(name, "strides", strides, n, last), last)
    rates = _full(spatial_arg(name, "dilations", dilations, n, last), last)
    pad = padding_arg(name, padding, n, last)
    if isinstance(pad, str):
        eff = tuple((w - 1) * r + 1 for w, r in zip(window, rates))
        pads = lax.padtype_to_pads(x.shape, eff, steps, pad)
    else:
        if kind == "AVG":
            raise ValueError(f"{name}: argument `padding` must be 'SAME' or 'VALID'. Received: {padding!r}")
        pads = list(_full(tuple(pad), last, fill=(0, 0)))
    for d in range(x.ndim):
        eff = (window[d] - 1) * rates[d] + 1
        if x.shape[d] + pads[d][0] + pads[d][1] < eff:
            raise errors.InvalidArgumentError(
                f"{name}: the pooling window ({list(window)}) must fit in the padded input. "
                f"Received: input.shape={list(x.shape)}, padding={padding!r}"
            )
    if kind == "MAX":
        init = -np.inf if jnp.issubdtype(x.dtype, jnp.floating) else np.iinfo(x.dtype).min
        return lax.reduce_window(x, np.asarray(init, x.dtype), lax.max, window, steps, pads, window_dilation=rates)
    total = lax.reduce_window(x, np.zeros((), x.dtype), lax.add, window, steps, pads, window_dilation=rates)
    ones = jnp.ones(tuple(s if w > 1 or p != (0, 0) else 1 for s, w, p in zip(x.shape, window, pads)), x.dtype)
    count = lax.reduce_window(ones, np.zeros((), x.dtype), lax.add, window, steps, pads, window_dilation=rates)
    return total / count


_P = dict(tensors=("input",))


@op("MaxPool", **_P)
def max_pool(input, ksize, strides, padding, data_format=None):  # noqa: A002
    """Max pooling over 1-3 spatial dimensions (N from ``input``'s rank).

    Raises:
      InvalidArgumentError: the rank, ``ksize``/``strides`` lengths or padding do not fit.
    """
    return _pool("max_pool", input, ksize, strides, padding, data_format, None, "MAX")


@op("AvgPool", **_P)
def avg_pool(input, ksize, strides, padding, data_format=None):  # noqa: A002
    """Average pooling over 1-3 spatial dimensions; ``SAME`` averages valid elements only.

    Raises:
      InvalidArgumentError: the rank, ``ksize``/``strides`` lengths or padding do not fit.
      TypeError: ``input`` is not floating.
    """
    return _pool("avg_pool", input, ksize, strides, padding, data_format, None, "AVG")


@op("MaxPool1D", **_P)
def max_pool1d(input, ksize, strides, padding, data_format="NWC"):  # noqa: A002
    """Max pooling of ``[batch, width, channels]`` (or NCW)."""
    return _pool("max_pool1d", input, ksize, strides, padding, data_format, 1, "MAX")


@op("MaxPool2D", **_P)
def max_pool2d(input, ksize, strides, padding, data_format="NHWC"):  # noqa: A002
    """Max pooling of ``[batch, height, width, channels]`` (or NCHW).

    Example: ``max_pool2d(x, ksize=2, strides=2, padding="VALID")``.
    """
    return _pool("max_pool2d", input, ksize, strides, padding, data_format, 2, "MAX")


@op("MaxPool3D", **_P)
def max_pool3d(input, ksize, strides, padding, data_format="NDHWC"):  # noqa: A002
    """Max pooling of ``[batch, depth, height, width, channels]`` (or NCDHW)."""
    return _pool("max_pool3d", input, ksize, strides, padding, data_format, 3, "MAX")


@op("AvgPool1D", **_P)
def avg_pool1d(input, ksize, strides, padding, data_format="NWC"):  # noqa: A002
    """Average pooling of ``[batch, width, channels]`` (or NCW)."""
    return _pool("avg_pool1d", input, ksize, strides, padding, data_format, 1, "AVG")


@op("AvgPool2D", **_P)
def avg_pool2d(input, ksize, strides, padding, data_format="NHWC"):  # noqa: A002
    """Average pooling of ``[batch, height, width, channels]`` (or NCHW)."""
    return _pool("avg_pool2d", input, ksize, strides, padding, data_format, 2, "AVG")


@op("AvgPool3D", **_P)
def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC"):  # noqa: A002
    """Average pooling of ``[batch, depth, height, width, channels]`` (or NCDHW)."""
    return _pool("avg_pool3d", input, ksize, strides, padding, data_format, 3, "AVG")


@op("Pool", **_P)
def pool(input, window_shape, pooling_type, strides=None, padding="VALID", data_format=None, dilations=None):  # noqa: A002
    """Generic pooling: ``pooling_type`` ``'MAX'`` or ``'AVG'`` over ``window_shape``
    (N ints), with optional ``strides`` and window ``dilations`` (not both above 1).

    Raises:
      ValueError: an unknown ``pooling_type``, or strides and dilations both above 1.
    """
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise ValueError(f"pool: argument `pooling_type` must be 'MAX' or 'AVG'. Received: {pooling_type!r}")
    n = len(window_shape) if isinstance(window_shape, (list, tuple)) else None
    n = _rank_n("pool", input, n)
    last = channels_last("pool", data_format, n)
    if max(spatial_arg("pool", "strides", strides, n, last)) > 1 and max(spatial_arg("pool", "dilations", dilations, n, last)) > 1:
        raise ValueError(
            f"pool: arguments `strides` and `dilations` cannot both have values above 1. "
            f"Received: strides={strides!r}, dilations={dilations!r}"
        )
    return _pool("pool", input, window_shape, strides, padding, data_format, n, kind, dilations)
