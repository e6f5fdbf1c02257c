"""``VarianceScaling`` and its named forms: Glorot (Xavier), He and LeCun, each
uniform or (truncated) normal.

The variance is ``scale / n``, where ``n`` is ``fan_in``, ``fan_out`` or their mean
(``mode``), computed by :func:`compute_fans` with Keras' rules: a vector has
``fan_in = fan_out = size``, a matrix ``(fan_in, fan_out)``, and a convolution
kernel ``(..., in_channels, out_channels)`` multiplies both by its receptive field
(the product of the leading dims); ``input_axes``/``output_axes`` name the axes
explicitly. ``n`` is at least 1.

* ``uniform``: ``U(-limit, limit)`` with ``limit = sqrt(3 * scale / n)``;
* ``truncated_normal`` (``"normal"`` is an alias): a normal cut at two standard
  deviations with ``stddev = sqrt(scale / n) / 0.87962566103423978`` -- the divisor
  is the standard deviation of a standard normal truncated to ``[-2, 2]``, so the
  samples have the intended variance;
* ``untruncated_normal``: ``N(0, sqrt(scale / n))``.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from xlaflow.initializers.random import RandomInitializer, _number

TRUNCATED_STDDEV = 0.87962566103423978  # stddev of N(0, 1) truncated to [-2, 2]
MODES = ("fan_in", "fan_out", "fan_avg")
DISTRIBUTIONS = ("uniform", "truncated_normal", "untruncated_normal")


def compute_fans(shape: Sequence[int], input_axes: Sequence[int] | None = None, output_axes: Sequence[int] | None = None) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of ``shape``, with Keras' rules (module docstring).

    Example::

        >>> compute_fans((3, 3, 16, 32))   # a 3x3 conv kernel
        (144, 288)
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    if len(shape) == 2:
        return shape[0], shape[1]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def _check_axes(owner: str, arg: str, axes: Any) -> list[int] | None:
    if axes is None:
        return None
    if isinstance(axes, int) and not isinstance(axes, bool):
        axes = [axes]
    if not isinstance(axes, (list, tuple)) or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
        raise TypeError(f"{owner}: argument `{arg}` must be a list of ints or None. Received: {arg}={axes!r}")
    return list(axes)


class VarianceScaling(RandomInitializer):
    """Samples with a variance scaled to the weight's fan-in/fan-out.

    Args:
      scale: a positive scaling factor (1.0 by default).
      mode: ``"fan_in"`` (default), ``"fan_out"`` or ``"fan_avg"``.
      distribution: ``"truncated_normal"`` (default; ``"normal"`` is an alias),
        ``"untruncated_normal"`` or ``"uniform"``.
      seed: an int for reproducible values, or None (draws from the global state).
      input_axes, output_axes: the axes whose sizes multiply into fan_in/fan_out
        (both must be given to be used).

    Raises:
      ValueError: ``scale`` is not positive, or ``mode``/``distribution`` unknown.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal", seed: Any = None, input_axes: Any = None, output_axes: Any = None):
        owner = type(self).__name__
        scale = _number(owner, "scale", scale)
        if not scale > 0:
            raise ValueError(f"{owner}: argument `scale` must be a positive float. Received: scale={scale}")
        if mode not in MODES:
            raise ValueError(f"{owner}: argument `mode` must be one of {', '.join(MODES)}. Received: mode={mode!r}")
        dist = distribution.lower() if isinstance(distribution, str) else distribution
        if dist == "normal":
            dist = "truncated_normal"
        if dist not in DISTRIBUTIONS:
            raise ValueError(
                f"{owner}: argument `distribution` must be one of {', '.join(DISTRIBUTIONS)} (or 'normal'). "
                f"Received: distribution={distribution!r}"
            )
        self.scale = scale
        self.mode = mode
        self.distribution = dist
        self.input_axes = _check_axes(owner, "input_axes", input_axes)
        self.output_axes = _check_axes(owner, "output_axes", output_axes)
        super().__init__(seed=seed)

    def sampler(self, shape):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        scale = self.scale / max(1.0, n)
        if self.distribution == "truncated_normal":
            return "truncated_normal", {"mean": 0.0, "stddev": math.sqrt(scale) / TRUNCATED_STDDEV}
        if self.distribution == "untruncated_normal":
            return "normal", {"mean": 0.0, "stddev": math.sqrt(scale)}
        limit = math.sqrt(3.0 * scale)
        return "uniform", {"minval": -limit, "maxval": limit}

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _Named(VarianceScaling):
    """A VarianceScaling with fixed scale/mode/distribution (config: seed and axes)."""

    _scale = 1.0
    _mode = "fan_in"
    _distribution = "truncated_normal"

    def __init__(self, seed: Any = None, input_axes: Any = None, output_axes: Any = None):
        super().__init__(self._scale, self._mode, self._distribution, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


class GlorotUniform(_Named):
    """Glorot (Xavier) uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / (fan_in + fan_out))``.
    The default kernel initializer of Keras layers."""

    _mode, _distribution = "fan_avg", "uniform"


class GlorotNormal(_Named):
    """Glorot (Xavier) normal: truncated normal with ``stddev = sqrt(2 / (fan_in + fan_out))``
    (before the truncation correction)."""

    _mode = "fan_avg"


class HeUniform(_Named):
    """He uniform: ``U(-limit, limit)``, ``limit = sqrt(6 / fan_in)``."""

    _scale, _distribution = 2.0, "uniform"


class HeNormal(_Named):
    """He normal: truncated normal with ``stddev = sqrt(2 / fan_in)`` (before the correction)."""

    _scale = 2.0


class LecunUniform(_Named):
    """LeCun uniform: ``U(-limit, limit)``, ``limit = sqrt(3 / fan_in)``."""

    _distribution = "uniform"


class LecunNormal(_Named):
    """LeCun normal: truncated normal with ``stddev = sqrt(1 / fan_in)`` (before the correction)."""
