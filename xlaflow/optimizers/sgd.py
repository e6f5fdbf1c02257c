"""``SGD``: gradient descent with optional (Nesterov) momentum, Keras 3's formula.

With momentum ``m = momentum * m - lr * g`` and then ``v += m`` (or, with Nesterov,
``v += momentum * m - lr * g`` using the new ``m``); without it ``v -= lr * g``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import jax.numpy as jnp
import optax

from xlaflow.optimizers.base import Optimizer, common_args
from xlaflow.optimizers.transforms import keras_transform, per_param


class SGDState(NamedTuple):
    """The momentum per parameter (None without momentum)."""

    momentum: Any


def keras_sgd(momentum: float = 0.0, nesterov: bool = False) -> optax.GradientTransformationExtraArgs:
    """Keras' SGD as an optax transformation (updates are the deltas to add)."""

    def init(params):
        return SGDState([jnp.zeros_like(p) for p in params] if momentum != 0 else None)

    def rule(grads, state, params, learning_rate, step):
        if state.momentum is None:
            return [-(g * learning_rate.astype(g.dtype)) for g in grads], state

        def one(g, m):
            lr = learning_rate.astype(g.dtype)
            mom = jnp.asarray(momentum, g.dtype)
            m = -g * lr + m * mom
            return (-g * lr + m * mom if nesterov else m), m

        out = per_param(one, grads, state.momentum)
        return [u for u, _ in out], SGDState([m for _, m in out])

    return keras_transform(init, rule)


class SGD(Optimizer):
    """Gradient descent with momentum (``keras.optimizers.SGD``).

    Args:
      learning_rate: float, schedule or callable; default 0.01.
      momentum: float in [0, 1] accelerating descent along consistent directions.
      nesterov: use Nesterov momentum.
      **kwargs: the common optimizer arguments (see :class:`Optimizer`).
    """

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float | None = None, clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, use_ema: bool = False, ema_momentum: float = 0.99,
                 ema_overwrite_frequency: int | None = None, loss_scale_factor: float | None = None,
                 gradient_accumulation_steps: int | None = None, name: str | None = None, **kwargs: Any):
        super().__init__(**common_args(locals()), **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"SGD: argument `momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _transform(self) -> optax.GradientTransformationExtraArgs:
        return keras_sgd(self.momentum, self.nesterov)

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
