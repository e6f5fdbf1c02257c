"""The v1 optimizers of ``tf.train`` with TF1's kernel formulas and defaults.

* ``GradientDescentOptimizer``: ``w -= lr * g``.
* ``MomentumOptimizer``: ``a = momentum * a + g``; ``w -= lr * a``, or with
  ``use_nesterov`` ``w -= lr * g + lr * momentum * a``.
* ``AdamOptimizer`` (beta1 0.9, beta2 0.999, epsilon 1e-8): ``lr_t = lr *
  sqrt(1 - beta2^t) / (1 - beta1^t)``; ``m += (g - m) * (1 - beta1)``; ``v += (g^2 - v)
  * (1 - beta2)``; ``w -= lr_t * m / (sqrt(v) + epsilon)``, with ``beta1_power`` /
  ``beta2_power`` optimizer variables multiplied by the betas after each step.
* ``RMSPropOptimizer`` (decay 0.9, momentum 0, epsilon 1e-10, the ``rms`` slot starts
  at ONE, as in TF1): ``ms += (g^2 - ms) * (1 - decay)``; ``mom = momentum * mom + lr *
  g / sqrt(ms + eps)`` (centered: ``/ sqrt(ms - mg^2 + eps)`` with ``mg += (g - mg) *
  (1 - decay)``); ``w -= mom``.
* ``AdagradOptimizer`` (initial_accumulator_value 0.1): ``acc += g^2``; ``w -= lr * g /
  sqrt(acc)``.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow.train.optimizer import Optimizer


def _zeros(w: Any) -> Any:
    return np.zeros(w.shape, w.dtype)


def _ones(w: Any) -> Any:
    return np.ones(w.shape, w.dtype)


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent (``tf.compat.v1.train.GradientDescentOptimizer``)."""

    def __init__(self, learning_rate: Any, use_locking: bool = False, name: str = "GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate

    def _hyper(self) -> dict:
        return {"lr": self._learning_rate}

    def _apply(self, g, w, slots, h, ns):
        return w - h["lr"] * g, {}


class MomentumOptimizer(Optimizer):
    """Momentum (``tf.compat.v1.train.MomentumOptimizer``), optionally Nesterov."""

    def __init__(self, learning_rate: Any, momentum: Any, use_locking: bool = False, name: str = "Momentum",
                 use_nesterov: bool = False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = bool(use_nesterov)

    def _hyper(self) -> dict:
        return {"lr": self._learning_rate, "momentum": self._momentum}

    def _slot_inits(self) -> list:
        return [("momentum", _zeros)]

    def _apply(self, g, w, slots, h, ns):
        a = slots["momentum"] * h["momentum"] + g
        if self._use_nesterov:
            return w - (g * h["lr"] + a * h["momentum"] * h["lr"]), {"momentum": a}
        return w - h["lr"] * a, {"momentum": a}


class AdamOptimizer(Optimizer):
    """Adam (``tf.compat.v1.train.AdamOptimizer``)."""

    def __init__(self, learning_rate: Any = 0.001, beta1: Any = 0.9, beta2: Any = 0.999, epsilon: Any = 1e-08,
                 use_locking: bool = False, name: str = "Adam"):
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon

    def _hyper(self) -> dict:
        return {"lr": self._lr, "beta1": self._beta1, "beta2": self._beta2, "epsilon": self._epsilon}

    def _slot_inits(self) -> list:
        return [("m", _zeros), ("v", _zeros)]

    def _non_slot_inits(self) -> dict:
        return {"beta1_power": float(self._beta1), "beta2_power": float(self._beta2)}

    def _apply(self, g, w, slots, h, ns):
        lr_t = h["lr"] * jnp.sqrt(1 - ns["beta2_power"]) / (1 - ns["beta1_power"])
        m = slots["m"] + (g - slots["m"]) * (1 - h["beta1"])
        v = slots["v"] + (g * g - slots["v"]) * (1 - h["beta2"])
        return w - lr_t * m / (jnp.sqrt(v) + h["epsilon"]), {"m": m, "v": v}

    def _finish(self, ns, h):
        return {"beta1_power": ns["beta1_power"] * h["beta1"].astype(ns["beta1_power"].dtype),
                "beta2_power": ns["beta2_power"] * h["beta2"].astype(ns["beta2_power"].dtype)}


class RMSPropOptimizer(Optimizer):
    """RMSProp (``tf.compat.v1.train.RMSPropOptimizer``), optionally centered."""

    def __init__(self, learning_rate: Any, decay: Any = 0.9, momentum: Any = 0.0, epsilon: Any = 1e-10,
                 use_locking: bool = False, centered: bool = False, name: str = "RMSProp"):
        super().__init__(use_locking, name)
        self._lr, self._decay, self._momentum, self._epsilon = learning_rate, decay, momentum, epsilon
        self._centered = bool(centered)

    def _hyper(self) -> dict:
        return {"lr": self._lr, "decay": self._decay, "momentum": self._momentum, "epsilon": self._epsilon}

    def _slot_inits(self) -> list:
        slots = [("rms", _ones), ("momentum", _zeros)]
        return slots + [("mg", _zeros)] if self._centered else slots

    def _apply(self, g, w, slots, h, ns):
        ms = slots["rms"] + (g * g - slots["rms"]) * (1 - h["decay"])
        new = {"rms": ms}
        denom = ms
        if self._centered:
            mg = slots["mg"] + (g - slots["mg"]) * (1 - h["decay"])
            new["mg"] = mg
            denom = ms - mg * mg
        mom = slots["momentum"] * h["momentum"] + h["lr"] * g / jnp.sqrt(denom + h["epsilon"])
        new["momentum"] = mom
        return w - mom, new


class AdagradOptimizer(Optimizer):
    """Adagrad (``tf.compat.v1.train.AdagradOptimizer``)."""

    def __init__(self, learning_rate: Any, initial_accumulator_value: float = 0.1, use_locking: bool = False,
                 name: str = "Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"AdagradOptimizer: argument `initial_accumulator_value` must be positive. Received: {initial_accumulator_value}"
            )
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._init = float(initial_accumulator_value)

    def _hyper(self) -> dict:
        return {"lr": self._lr}

    def _slot_inits(self) -> list:
        return [("accumulator", lambda w: np.full(w.shape, self._init, w.dtype))]

    def _apply(self, g, w, slots, h, ns):
        acc = slots["accumulator"] + g * g
        return w - h["lr"] * g / jnp.sqrt(acc), {"accumulator": acc}
