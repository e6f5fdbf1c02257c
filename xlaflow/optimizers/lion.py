"""``Lion`` (evolved sign momentum), with Keras 3's formula::

    var -= lr * sign(beta_1 * m + (1 - beta_1) * g)
    m = beta_2 * m + (1 - beta_2) * g
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, per_param


class LionState(NamedTuple):
    """The momentum per parameter."""

    momentum: Any


def keras_lion(beta_1: float = 0.9, beta_2: float = 0.99) -> optax.GradientTransformationExtraArgs:
    """Keras' Lion as an optax transformation (updates are the deltas to add)."""

    def init(params):
        return LionState([jnp.zeros_like(p) for p in params])

    def rule(grads, state, params, learning_rate, step):
        def one(g, m):
            dt = g.dtype
            b1, b2 = jnp.asarray(beta_1, dt), jnp.asarray(beta_2, dt)
            update = -(learning_rate.astype(dt) * jnp.sign(m * b1 + g * (1.0 - b1)))
            return update, m * b2 + g * (1.0 - b2)

        out = per_param(one, grads, state.momentum)
        return [o[0] for o in out], LionState([o[1] for o in out])

    return keras_transform(init, rule)


class Lion(Optimizer):
    """Lion (``keras.optimizers.Lion``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      beta_1: interpolation between momentum and gradient for the sign, in (0, 1].
      beta_2: decay rate of the momentum.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.99,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(
                "Lion: argument `beta_1` must be in the range (0, 1]; otherwise the optimizer degenerates "
                f"to SignSGD. Received: beta_1={beta_1!r}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_lion(self.beta_1, self.beta_2)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
