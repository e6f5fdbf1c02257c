"""``Adadelta``, with Keras 3's formula (epsilon inside both square roots)::

    acc_g = rho * acc_g + (1 - rho) * g^2
    delta = -sqrt(acc_d + eps) * g / sqrt(acc_g + eps)
    acc_d = rho * acc_d + (1 - rho) * delta^2
    var += lr * delta
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, per_param


class AdadeltaState(NamedTuple):
    """Running averages of squared gradients and of squared updates, per parameter."""

    accumulated_grad: Any
    accumulated_delta_var: Any


def keras_adadelta(rho: float = 0.95, epsilon: float = 1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras' Adadelta as an optax transformation (updates are the deltas to add)."""

    def init(params):
        return AdadeltaState([jnp.zeros_like(p) for p in params], [jnp.zeros_like(p) for p in params])

    def rule(grads, state, params, learning_rate, step):
        def one(g, acc_g, acc_d):
            dt = g.dtype
            r, eps = jnp.asarray(rho, dt), jnp.asarray(epsilon, dt)
            one_minus_r = jnp.asarray(1 - rho, dt)  # computed in Python precision, as Keras does
            acc_g = r * acc_g + one_minus_r * jnp.square(g)
            delta = -((jnp.sqrt(acc_d + eps) * g) / jnp.sqrt(acc_g + eps))
            acc_d = r * acc_d + one_minus_r * jnp.square(delta)
            return learning_rate.astype(dt) * delta, acc_g, acc_d

        out = per_param(one, grads, state.accumulated_grad, state.accumulated_delta_var)
        return [o[0] for o in out], AdadeltaState([o[1] for o in out], [o[2] for o in out])

    return keras_transform(init, rule)


class Adadelta(Optimizer):
    """Adadelta (``keras.optimizers.Adadelta``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      rho: decay rate of the running averages.
      epsilon: added inside the square roots; default 1e-7.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    _slot_layout = (("accumulated_grad", "accumulated_delta_var"),)

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_adadelta(self.rho, self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
