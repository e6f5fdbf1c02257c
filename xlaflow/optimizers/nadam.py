"""``Nadam`` (Adam with Nesterov momentum), with Keras 3's formula.

A running product ``u_product *= beta_1 * (1 - 0.5 * 0.96^t)`` (one scalar for the
optimizer, updated before the variables) drives the momentum schedule::

    u_t = beta_1 * (1 - 0.5 * 0.96^t);  u_t1 = beta_1 * (1 - 0.5 * 0.96^(t+1))
    m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
    m_hat = u_t1 * m / (1 - u_product * u_t1) + (1 - u_t) * g / (1 - u_product)
    v_hat = v / (1 - beta_2^t)
    var -= lr * m_hat / (sqrt(v_hat) + epsilon)
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, local_step, per_param


class NadamState(NamedTuple):
    """Moments per parameter, and the scalar product of the momentum schedule."""

    momentum: Any
    velocity: Any
    u_product: Any


def keras_nadam(beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras' Nadam as an optax transformation (updates are the deltas to add)."""

    def init(params):
        dtype = params[0].dtype if params else jnp.float32
        return NadamState([jnp.zeros_like(p) for p in params], [jnp.zeros_like(p) for p in params], jnp.ones((), dtype))

    def rule(grads, state, params, learning_rate, step):
        u_dtype = state.u_product.dtype
        u_product = state.u_product * beta_1 * (1.0 - 0.5 * jnp.power(jnp.asarray(0.96, u_dtype), local_step(step, u_dtype)))

        def one(g, m, v):
            dt = g.dtype
            t = local_step(step, dt)
            b1, b2 = jnp.asarray(beta_1, dt), jnp.asarray(beta_2, dt)
            decay = jnp.asarray(0.96, dt)
            u_t = b1 * (1.0 - 0.5 * jnp.power(decay, t))
            u_t1 = b1 * (1.0 - 0.5 * jnp.power(decay, t + 1))
            u_prod = u_product.astype(dt)
            u_prod_t1 = u_prod * u_t1
            m = m + (g - m) * (1 - b1)
            v = v + (jnp.square(g) - v) * (1 - b2)
            m_hat = (u_t1 * m) / (1 - u_prod_t1) + ((1 - u_t) * g) / (1 - u_prod)
            v_hat = v / (1 - jnp.power(b2, t))
            return -((m_hat * learning_rate.astype(dt)) / (jnp.sqrt(v_hat) + jnp.asarray(epsilon, dt))), m, v

        out = per_param(one, grads, state.momentum, state.velocity)
        return [o[0] for o in out], NadamState([o[1] for o in out], [o[2] for o in out], u_product)

    return keras_transform(init, rule)


class Nadam(Optimizer):
    """Nadam (``keras.optimizers.Nadam``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      beta_1, beta_2: decay rates of the first and second moments.
      epsilon: added to ``sqrt(v_hat)``; default 1e-7.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    _slot_layout = (("momentum", "velocity"),)

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
        return keras_nadam(self.beta_1, self.beta_2, self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
