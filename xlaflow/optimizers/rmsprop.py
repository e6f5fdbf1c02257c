"""``RMSprop``, with Keras 3's formula (epsilon inside the square root).

::

    v = rho * v + (1 - rho) * g^2
    centered:  a = rho * a + (1 - rho) * g;  denom = v - a^2 + epsilon
    otherwise: denom = v + epsilon
    increment = lr * g / sqrt(denom)
    momentum > 0:  m = momentum * m + increment;  var -= m
    otherwise:     var -= increment
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, per_param


class RMSpropState(NamedTuple):
    """Per parameter: mean square (velocity), momentum (if momentum > 0), mean gradient (if centered)."""

    velocity: Any
    momentum: Any
    average_gradient: Any


def keras_rmsprop(rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                  centered: bool = False) -> optax.GradientTransformationExtraArgs:
    """Keras' RMSprop as an optax transformation (updates are the deltas to add)."""

    def init(params):
        zeros = lambda: [jnp.zeros_like(p) for p in params]  # noqa: E731
        return RMSpropState(zeros(), zeros() if momentum > 0 else None, zeros() if centered else None)

    def rule(grads, state, params, learning_rate, step):
        n = len(grads)
        moms = state.momentum if momentum > 0 else [None] * n
        avgs = state.average_gradient if centered else [None] * n

        def one(g, v, m, a):
            dt = g.dtype
            r, one_minus_r = jnp.asarray(rho, dt), jnp.asarray(1 - rho, dt)  # 1 - rho in Python precision, as Keras
            v = r * v + one_minus_r * jnp.square(g)
            if centered:
                a = r * a + one_minus_r * g
                denom = v - jnp.square(a) + jnp.asarray(epsilon, dt)
            else:
                denom = v + jnp.asarray(epsilon, dt)
            increment = (learning_rate.astype(dt) * g) / jnp.sqrt(denom)
            if momentum > 0:
                m = jnp.asarray(momentum, dt) * m + increment
                return -m, v, m, a
            return -increment, v, m, a

        out = per_param(one, grads, state.velocity, moms, avgs)
        new = RMSpropState([o[1] for o in out], [o[2] for o in out] if momentum > 0 else None,
                           [o[3] for o in out] if centered else None)
        return [o[0] for o in out], new

    return keras_transform(init, rule)


class RMSprop(Optimizer):
    """RMSprop (``keras.optimizers.RMSprop``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      rho: discounting factor of the gradients' mean square.
      momentum: momentum factor (0: none).
      epsilon: added to the mean square inside the square root; default 1e-7.
      centered: normalize by the estimated variance instead of the mean square.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0, epsilon: float = 1e-7,
                 centered: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = bool(centered)

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_rmsprop(self.rho, self.momentum, self.epsilon, self.centered)

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum, "epsilon": self.epsilon,
                "centered": self.centered}
