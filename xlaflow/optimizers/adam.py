"""``Adam`` and ``AdamW``, with Keras 3's formula (not optax.adam's).

Keras folds the bias correction into the step size and adds epsilon outside the
square root::

    m += (g - m) * (1 - beta_1);  v += (g^2 - v) * (1 - beta_2)
    alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
    var -= alpha * m / (sqrt(v) + epsilon)        (v -> max(v_hat, v) with amsgrad)

``AdamW`` is Adam with Keras' decoupled weight decay (``var -= var * wd * lr`` before
the update, done by the base class) on by default.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, local_step, per_param, sqrt_nonneg


class AdamState(NamedTuple):
    """First and second moments per parameter, and the running max of ``v`` (amsgrad only)."""

    momentum: Any
    velocity: Any
    velocity_hat: Any


def keras_adam(beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
               amsgrad: bool = False) -> optax.GradientTransformationExtraArgs:
    """Keras' Adam as an optax transformation (updates are the deltas to add)."""

    def init(params):
        zeros = lambda: [jnp.zeros_like(p) for p in params]  # noqa: E731
        return AdamState(zeros(), zeros(), zeros() if amsgrad else None)

    def rule(grads, state, params, learning_rate, step):
        hats = state.velocity_hat if amsgrad else [None] * len(grads)

        def one(g, m, v, v_hat):
            dt = g.dtype
            t = local_step(step, dt)
            b1, b2 = jnp.asarray(beta_1, dt), jnp.asarray(beta_2, dt)
            alpha = learning_rate.astype(dt) * jnp.sqrt(1 - jnp.power(b2, t)) / (1 - jnp.power(b1, t))
            m = m + (g - m) * jnp.asarray(1 - beta_1, dt)  # 1 - beta in Python precision, as Keras
            v = v + (jnp.square(g) - v) * jnp.asarray(1 - beta_2, dt)
            if amsgrad:
                v_hat = jnp.maximum(v_hat, v)
            denom = sqrt_nonneg(v_hat if amsgrad else v) + jnp.asarray(epsilon, dt)
            return -((m * alpha) / denom), m, v, v_hat

        out = per_param(one, grads, state.momentum, state.velocity, hats)
        new = AdamState([o[1] for o in out], [o[2] for o in out], [o[3] for o in out] if amsgrad else None)
        return [o[0] for o in out], new

    return keras_transform(init, rule)


class Adam(Optimizer):
    """Adam (``keras.optimizers.Adam``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      beta_1, beta_2: decay rates of the first and second moment estimates.
      epsilon: added to ``sqrt(v)``; Keras' default 1e-7.
      amsgrad: use the AMSGrad variant (running maximum of ``v``).
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    _slot_layout = (("momentum", "velocity"), ("velocity_hat",))

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
                 amsgrad: bool = False, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = bool(amsgrad)

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_adam(self.beta_1, self.beta_2, self.epsilon, self.amsgrad)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (``keras.optimizers.AdamW``); ``weight_decay`` defaults to 0.004."""

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(beta_1=beta_1, beta_2=beta_2, epsilon=epsilon, amsgrad=amsgrad, **common_args(locals()), **kwargs)
        if self.weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a float. Received: weight_decay=None")
