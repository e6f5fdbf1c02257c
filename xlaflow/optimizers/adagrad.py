"""``Adagrad``, with Keras 3's formula: ``acc += g^2; var -= lr * g / sqrt(acc + epsilon)``.

The accumulators start at ``initial_accumulator_value`` (0.1 by default).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, per_param


class AdagradState(NamedTuple):
    """The sum of squared gradients per parameter."""

    accumulator: Any


def keras_adagrad(initial_accumulator_value: float = 0.1, epsilon: float = 1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras' Adagrad as an optax transformation (updates are the deltas to add)."""

    def init(params):
        return AdagradState([jnp.full_like(p, initial_accumulator_value) for p in params])

    def rule(grads, state, params, learning_rate, step):
        def one(g, acc):
            acc = acc + jnp.square(g)
            return -((learning_rate.astype(g.dtype) * g) / jnp.sqrt(acc + jnp.asarray(epsilon, g.dtype))), acc

        out = per_param(one, grads, state.accumulator)
        return [o[0] for o in out], AdagradState([o[1] for o in out])

    return keras_transform(init, rule)


class Adagrad(Optimizer):
    """Adagrad (``keras.optimizers.Adagrad``).

    Args:
      learning_rate: float, schedule or callable; default 0.001.
      initial_accumulator_value: starting value of the accumulators (>= 0).
      epsilon: added inside the square root; default 1e-7.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        if not initial_accumulator_value >= 0:
            raise ValueError(
                "Adagrad: argument `initial_accumulator_value` must be >= 0. "
                f"Received: initial_accumulator_value={initial_accumulator_value!r}"
            )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_adagrad(self.initial_accumulator_value, self.epsilon)

    def get_config(self) -> dict:
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}
