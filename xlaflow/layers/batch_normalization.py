"""``BatchNormalization``: normalizes by batch statistics while training and by moving
statistics otherwise (Keras 3's BatchNormalization).

Training updates ``moving_mean``/``moving_variance`` with Keras' formula
``moving = moving * momentum + batch_stat * (1 - momentum)`` through
``Variable.assign``, so the update works eagerly, under ``GradientTape`` and inside
``xlaflow.function`` (the state scope binds the variables there).

Batch statistics mix the rows of a batch, so they must not see the dummy rows the
training core pads a ragged batch with: the core activates a row mask
(:func:`xlaflow._core.rows.current`, 1 for real rows, 0 for padding) and the
statistics here are weighted by it, giving the real rows the same output and the
moving statistics the same update as the unpadded batch.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow import constraints, initializers, regularizers
from xlaflow._core import rows
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import cast, reshape
from xlaflow.ops.dispatch import op


def _widen(x):
    return x.astype(jnp.float32) if x.dtype in (jnp.float16, jnp.bfloat16) else x


@op("BatchNormMoments", tensors=("x", "weights"))
def _moments(x, axes, weights=None, keras_eps=False):
    """Mean and variance of ``x`` over ``axes`` (all axes but one), flattened to the
    kept axis; weighted by ``weights`` (broadcast from the leading axes) when given.
    ``keras_eps`` adds Keras' 1e-7 to the weight total, as its masked moments do."""
    y = _widen(x)
    if weights is None:
        mean, variance = jnp.mean(y, axes), jnp.var(y, axis=axes)
        return mean.astype(x.dtype), variance.astype(x.dtype)
    w = weights.astype(y.dtype).reshape(weights.shape + (1,) * (y.ndim - weights.ndim))
    w = jnp.broadcast_to(w, y.shape)
    total = jnp.sum(w, axes, keepdims=True) + (1e-7 if keras_eps else 0.0)
    mean = jnp.sum(w * y, axes, keepdims=True) / total
    variance = jnp.sum(w * jnp.square(y - mean), axes, keepdims=True) / total
    return mean.reshape(-1).astype(x.dtype), variance.reshape(-1).astype(x.dtype)


@op("BatchNormApply", tensors=("x", "mean", "variance", "offset", "scale"))
def _normalize(x, mean, variance, offset, scale, epsilon, shape):
    """``x * inv + (offset - mean * inv)`` with ``inv = scale * rsqrt(variance + epsilon)``
    (Keras' formula), statistics reshaped to ``shape``, computed in at least float32."""
    y = _widen(x)
    inv = jax.lax.rsqrt(variance.astype(y.dtype).reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * scale.astype(y.dtype).reshape(shape)
    res = -mean.astype(y.dtype).reshape(shape) * inv
    if offset is not None:
        res = res + offset.astype(y.dtype).reshape(shape)
    return (y * inv + res).astype(x.dtype)


class BatchNormalization(Layer):
    """Normalizes each feature of ``axis`` to zero mean and unit variance, then scales
    by ``gamma`` and shifts by ``beta``.

    With ``training=True`` (and a trainable layer) it uses the batch's mean and
    variance and updates the moving statistics; otherwise it uses the moving
    statistics. A layer with ``trainable=False`` always runs in inference mode
    (Keras 3's behaviour, used when fine-tuning).

    Args:
      axis: the features axis (Keras default -1, channels last).
      momentum: the moving statistics' decay (0.99).
      epsilon: added to the variance before the square root (1e-3).
      center, scale: whether to add ``beta`` / multiply by ``gamma``.
      beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: zeros, ones, zeros, ones by default.
      beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as on
        Dense.
      synchronized: accepted for compatibility; statistics here are those of the
        whole (global) batch the step sees.
      renorm: batch renormalization is not supported (only False).
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 moving_mean_initializer: Any = "zeros", moving_variance_initializer: Any = "ones",
                 beta_regularizer: Any = None, gamma_regularizer: Any = None, beta_constraint: Any = None,
                 gamma_constraint: Any = None, renorm: bool = False, renorm_clipping: Any = None,
                 renorm_momentum: float = 0.99, synchronized: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise TypeError(f"BatchNormalization: argument `axis` must be an int. Received: axis={axis!r}")
        if renorm:
            raise NotImplementedError("BatchNormalization: `renorm=True` is not supported by xlaflow. Received: renorm=True")
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = bool(center)
        self.scale = bool(scale)
        self.synchronized = bool(synchronized)
        self.renorm = False
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = renorm_momentum
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        rank = len(shape)
        if not -rank <= self.axis < rank:
            raise ValueError(
                f'BatchNormalization "{self.name}": argument `axis` is out of bounds for inputs of rank {rank}. '
                f"Received: axis={self.axis}, input_shape={shape}"
            )
        size = shape[self.axis]
        if size is None:
            raise ValueError(
                f'BatchNormalization "{self.name}": the size of axis {self.axis} must be known. Received: input_shape={shape}'
            )
        if self.scale:
            self.gamma = self.add_weight((size,), self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight((size,), self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.moving_mean = self.add_weight((size,), self.moving_mean_initializer, name="moving_mean", trainable=False)
        self.moving_variance = self.add_weight((size,), self.moving_variance_initializer, name="moving_variance",
                                               trainable=False)
        self.input_spec = InputSpec(ndim=rank, axes={self.axis: size})
        self._reduction_axes = tuple(i for i in range(rank) if i != self.axis % rank)
        self.built = True

    def _weights_for(self, inputs: Any, mask: Any) -> tuple[Any, bool]:
        """The per-row weights of the batch statistics (row mask x Keras mask)."""
        row = rows.current()
        batch = inputs.shape.as_list()[0]
        if row is not None and tuple(row.shape) != (batch,):
            raise ValueError(
                f'BatchNormalization "{self.name}": the active row mask has shape {tuple(row.shape)}, but the '
                f"inputs have batch size {batch}. Received: inputs.shape={tuple(inputs.shape.as_list())}"
            )
        if mask is None:
            return row, False
        if mask.shape.rank != inputs.shape.rank - 1:
            raise ValueError(
                f'BatchNormalization "{self.name}": the mask must have one dimension less than the inputs. '
                f"Received: mask.shape={tuple(mask.shape.as_list())}, inputs.shape={tuple(inputs.shape.as_list())}"
            )
        weights = cast(mask, "float32")
        if row is not None:
            weights = weights * reshape(row, (batch,) + (1,) * (mask.shape.rank - 1))
        return weights, True

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        rank = inputs.shape.rank
        shape = [1] * rank
        shape[self.axis] = inputs.shape.as_list()[self.axis]
        shape = tuple(shape)
        if training and self.trainable:
            weights, keras_eps = self._weights_for(inputs, mask)
            mean, variance = _moments(inputs, self._reduction_axes, weights, keras_eps=keras_eps)
            m = self.momentum
            self.moving_mean.assign(self.moving_mean * m + mean * (1.0 - m))
            self.moving_variance.assign(self.moving_variance * m + variance * (1.0 - m))
        else:
            mean, variance = self.moving_mean, self.moving_variance
        return _normalize(inputs, mean, variance, self.beta, self.gamma, self.epsilon, shape)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        ser = lambda obj, mod: None if obj is None else mod.serialize(obj)  # noqa: E731
        config.update({
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": initializers.serialize(self.beta_initializer),
            "gamma_initializer": initializers.serialize(self.gamma_initializer),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "beta_regularizer": ser(self.beta_regularizer, regularizers),
            "gamma_regularizer": ser(self.gamma_regularizer, regularizers),
            "beta_constraint": ser(self.beta_constraint, constraints),
            "gamma_constraint": ser(self.gamma_constraint, constraints),
            "synchronized": self.synchronized,
            "renorm": self.renorm,
            "renorm_clipping": self.renorm_clipping,
            "renorm_momentum": self.renorm_momentum,
        })
        return config
