"""``LayerNormalization``: normalizes each example over the given axes (Keras 3's
LayerNormalization).

Unlike BatchNormalization the statistics are per example, so padded rows of a
ragged batch need no special care. The computation is Keras' (``x * inv + (beta -
mean * inv)`` with ``inv = gamma * rsqrt(variance + epsilon)``), in at least
float32.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow import constraints, initializers, regularizers
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops.dispatch import op


@op("LayerNorm", tensors=("x", "gamma", "beta"))
def _layer_norm(x, gamma, beta, axes, epsilon):
    """Keras' layer normalization of ``x`` over ``axes`` (sorted, non-negative)."""
    y = x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x
    shape = [1] * y.ndim
    for a in axes:
        shape[a] = y.shape[a]
    mean = jnp.mean(y, axes, keepdims=True)
    variance = jnp.var(y, axis=axes, keepdims=True)
    inv = jax.lax.rsqrt(variance + epsilon)
    if gamma is not None:
        inv = inv * gamma.astype(y.dtype).reshape(shape)
    res = -mean * inv
    if beta is not None:
        res = res + beta.astype(y.dtype).reshape(shape)
    return (y * inv + res).astype(x.dtype)


class LayerNormalization(Layer):
    """Normalizes each example over ``axis`` to zero mean and unit variance, then
    scales by ``gamma`` and shifts by ``beta`` (both shaped like the normalized axes).

    Args:
      axis: an int or a list of ints: the axes to normalize over (-1 by default).
      epsilon: added to the variance before the square root (1e-3).
      center, scale: whether to add ``beta`` / multiply by ``gamma``.
      beta_initializer, gamma_initializer: zeros and ones by default.
      beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as on
        Dense.
    """

    def __init__(self, axis: Any = -1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones", beta_regularizer: Any = None,
                 gamma_regularizer: Any = None, beta_constraint: Any = None, gamma_constraint: Any = None,
                 **kwargs: Any):
        rms_scaling = kwargs.pop("rms_scaling", False)
        if rms_scaling:
            raise NotImplementedError(
                "LayerNormalization: `rms_scaling=True` (deprecated in Keras) is not supported; use "
                "RMS normalization instead. Received: rms_scaling=True"
            )
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis) and axis:
            self.axis = list(axis)
        elif isinstance(axis, int) and not isinstance(axis, bool):
            self.axis = axis
        else:
            raise TypeError(
                "LayerNormalization: argument `axis` must be an int or a non-empty list/tuple of ints. "
                f"Received: axis={axis!r}"
            )
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = False
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None
        self._axes: tuple[int, ...] = ()

    def _check_axes(self, shape: tuple) -> tuple[int, ...]:
        rank = len(shape)
        axes = [self.axis] if isinstance(self.axis, int) else list(self.axis)
        for a in axes:
            if not -rank <= a < rank:
                raise ValueError(
                    f'LayerNormalization "{self.name}": axis {a} is out of bounds for inputs of rank {rank}. '
                    f"Received: axis={self.axis}, input_shape={shape}"
                )
        return tuple(sorted({a % rank for a in axes}))

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        self._axes = self._check_axes(shape)
        param_shape = tuple(shape[a] for a in self._axes)
        if any(d is None for d in param_shape):
            raise ValueError(
                f'LayerNormalization "{self.name}": the normalized axes must have known sizes. '
                f"Received: axis={self.axis}, input_shape={shape}"
            )
        if isinstance(self.axis, list):
            self.axis = sorted(self.axis)
        if self.scale:
            self.gamma = self.add_weight(param_shape, self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight(param_shape, self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.input_spec = InputSpec(ndim=len(shape), axes={a: shape[a] for a in self._axes})
        self.built = True

    def call(self, inputs: Any) -> Any:
        return _layer_norm(inputs, self.gamma, self.beta, self._axes, self.epsilon)

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check_axes(tuple(input_shape))
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        ser = lambda obj, mod: None if obj is None else mod.serialize(obj)  # noqa: E731
        config.update({
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "rms_scaling": self.rms_scaling,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "beta_regularizer": ser(self.beta_regularizer, regularizers),
            "gamma_regularizer": ser(self.gamma_regularizer, regularizers),
            "beta_constraint": ser(self.beta_constraint, constraints),
            "gamma_constraint": ser(self.gamma_constraint, constraints),
        })
        return config
