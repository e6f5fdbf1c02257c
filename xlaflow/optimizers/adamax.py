"""``Adamax`` (Adam with the infinity norm), with Keras 3's formula::

    m += (g - m) * (1 - beta_1);  u = max(beta_2 * u, |g|)
    var -= lr * m / ((1 - beta_1^t) * (u + epsilon))
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, local_step, per_param


class AdamaxState(NamedTuple):
    """First moment and exponentially weighted infinity norm, per parameter."""

    momentum: Any
    norm: Any


def keras_adamax(beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras' Adamax as an optax transformation (updates are the deltas to add)."""

    def init(params):
        return AdamaxState([jnp.zeros_like(p) for p in params], [jnp.zeros_like(p) for p in params])

    def rule(grads, state, params, learning_rate, step):
        def one(g, m, u):
            dt = g.dtype
            b1 = jnp.asarray(beta_1, dt)
            b1_power = jnp.power(b1, local_step(step, dt))
            m = m + (g - m) * jnp.asarray(1 - beta_1, dt)  # 1 - beta in Python precision, as Keras
            u = jnp.maximum(jnp.asarray(beta_2, dt) * u, jnp.abs(g))
            return -((learning_rate.astype(dt) * m) / ((1 - b1_power) * (u + jnp.asarray(epsilon, dt)))), m, u

        out = per_param(one, grads, state.momentum, state.norm)
        return [o[0] for o in out], AdamaxState([o[1] for o in out], [o[2] for o in out])

    return keras_transform(init, rule)


class Adamax(Optimizer):
    """Adamax (``keras.optimizers.Adamax``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      beta_1: decay rate of the first moment.
      beta_2: decay rate of the infinity norm.
      epsilon: added to the norm; default 1e-7.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    _slot_layout = (("momentum", "norm"),)

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_adamax(self.beta_1, self.beta_2, self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
