"""Learning-rate schedules (``keras.optimizers.schedules``), with Keras 3's formulas.

A schedule is called with the optimizer's step (an int, a Tensor, or the
``iterations`` Variable) and returns the learning rate as a float32 Tensor. The
math is pure ``jax.numpy`` on the step's array, so a schedule runs eagerly and
inside a compiled optimizer step alike (the step is then a tracer, and the schedule
is part of the compiled program: nothing recompiles as the step advances).
"""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp

from xlaflow.ops.tensor import Tensor, TensorLike

_F32 = jnp.float32


def _step(step: Any) -> Any:
    arr = step._read() if isinstance(step, TensorLike) else step
    return jnp.asarray(arr).astype(_F32)


def _positive(owner: str, arg: str, value: Any) -> None:
    if not value > 0:
        raise ValueError(f"{owner}: argument `{arg}` must be > 0. Received: {arg}={value!r}")


class LearningRateSchedule:
    """Base class: subclasses implement ``__call__(step)`` and ``get_config()``."""

    def __call__(self, step: Any) -> Tensor:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`.")

    def get_config(self) -> dict:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override `get_config()`.")

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        """Instantiates the schedule from :meth:`get_config`'s output."""
        return cls(**config)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (floored with ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "ExponentialDecay"):
        _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        p = _step(step) / jnp.asarray(self.decay_steps, _F32)
        if self.staircase:
            p = jnp.floor(p)
        return Tensor._wrap(jnp.asarray(self.initial_learning_rate, _F32) * jnp.power(jnp.asarray(self.decay_rate, _F32), p))

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[1]`` up to ``boundaries[1]``, ..."""

    def __init__(self, boundaries: list, values: list, name: str = "PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "PiecewiseConstantDecay: argument `boundaries` must be 1 shorter than `values`. Received: "
                f"boundaries={boundaries} of length {len(boundaries)}, and values={values} of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        s = step._read() if isinstance(step, TensorLike) else jnp.asarray(step)
        values = [jnp.asarray(v) for v in self.values]
        dtype = values[0].dtype
        bounds = [jnp.asarray(b).astype(s.dtype) for b in self.boundaries]
        result = (s <= bounds[0]).astype(dtype) * values[0]
        result = result + (s > bounds[-1]).astype(dtype) * values[-1]
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            result = result + ((s > low) & (s <= high)).astype(dtype) * value
        return Tensor._wrap(result)

    def get_config(self) -> dict:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps``."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, end_learning_rate: float = 0.0001,
                 power: float = 1.0, cycle: bool = False, name: str = "PolynomialDecay"):
        _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        initial = jnp.asarray(self.initial_learning_rate, _F32)
        end = jnp.asarray(self.end_learning_rate, _F32)
        s = _step(step)
        decay_steps = jnp.asarray(self.decay_steps, _F32)
        if self.cycle:
            multiplier = jnp.where(s == 0, jnp.asarray(1.0, _F32), jnp.ceil(s / decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            s = jnp.minimum(s, decay_steps)
        p = s / decay_steps
        return Tensor._wrap((initial - end) * jnp.power(1 - p, jnp.asarray(self.power, _F32)) + end)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power, "cycle": self.cycle, "name": self.name}


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (floored with ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float, staircase: bool = False,
                 name: str = "InverseTimeDecay"):
        _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        p = _step(step) / jnp.asarray(self.decay_steps, _F32)
        if self.staircase:
            p = jnp.floor(p)
        denom = jnp.asarray(1.0, _F32) + jnp.asarray(self.decay_rate, _F32) * p
        return Tensor._wrap(jnp.asarray(self.initial_learning_rate, _F32) / denom)

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Cosine decay over ``decay_steps`` down to ``alpha * lr``, after an optional linear warmup.

    With ``warmup_target``, the rate goes linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target``.
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0, name: str = "CosineDecay",
                 warmup_target: float | None = None, warmup_steps: int = 0):
        _positive("CosineDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, s: Any, decay_steps: Any, from_lr: Any) -> Any:
        fraction = s / decay_steps
        cosine = 0.5 * (1.0 + jnp.cos(jnp.asarray(math.pi, _F32) * fraction))
        return from_lr * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step: Any) -> Tensor:
        initial = jnp.asarray(self.initial_learning_rate, _F32)
        decay_steps = jnp.asarray(self.decay_steps, _F32)
        s = _step(step)
        if self.warmup_target is None:
            return Tensor._wrap(self._decay(jnp.minimum(s, decay_steps), decay_steps, initial))
        target = jnp.asarray(self.warmup_target, _F32)
        warmup_steps = jnp.asarray(self.warmup_steps, _F32)
        s = jnp.minimum(s, decay_steps + warmup_steps)
        warm = (target - initial) * (s / warmup_steps) + initial
        decayed = self._decay(s - warmup_steps, decay_steps, target)
        return Tensor._wrap(jnp.where(s < warmup_steps, warm, decayed))

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps, "alpha": self.alpha,
                "name": self.name, "warmup_target": self.warmup_target, "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): periods grow by ``t_mul``, peaks shrink by ``m_mul``."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: int, t_mul: float = 2.0, m_mul: float = 1.0,
                 alpha: float = 0.0, name: str = "SGDRDecay"):
        _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step: Any) -> Tensor:
        initial = jnp.asarray(self.initial_learning_rate, _F32)
        t_mul = jnp.asarray(self._t_mul, _F32)
        m_mul = jnp.asarray(self._m_mul, _F32)
        fraction = _step(step) / jnp.asarray(self.first_decay_steps, _F32)
        if self._t_mul == 1.0:
            i_restart = jnp.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = jnp.floor(jnp.log(1.0 - fraction * (1.0 - t_mul)) / jnp.log(t_mul))
            sum_r = (1.0 - jnp.power(t_mul, i_restart)) / (1.0 - t_mul)
            fraction = (fraction - sum_r) / jnp.power(t_mul, i_restart)
        cosine = 0.5 * jnp.power(m_mul, i_restart) * (1.0 + jnp.cos(jnp.asarray(math.pi, _F32) * fraction))
        return Tensor._wrap(initial * ((1 - self.alpha) * cosine + self.alpha))

    def get_config(self) -> dict:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self._t_mul, "m_mul": self._m_mul, "alpha": self.alpha, "name": self.name}


_SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay,
                                            InverseTimeDecay, CosineDecay, CosineDecayRestarts)}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """``{"module", "class_name", "config", "registered_name"}`` for a schedule (Keras' layout)."""
    if not isinstance(learning_rate_schedule, LearningRateSchedule):
        raise TypeError(f"serialize: argument `learning_rate_schedule` must be a LearningRateSchedule. Received: {learning_rate_schedule!r}")
    name = type(learning_rate_schedule).__name__
    return {"module": "keras.optimizers.schedules", "class_name": name,
            "config": learning_rate_schedule.get_config(), "registered_name": None if name in _SCHEDULES else name}


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """Rebuilds a schedule from :func:`serialize`'s output (``custom_objects`` for user classes)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize: argument `config` must be a dict with a 'class_name' key. Received: {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _SCHEDULES.get(name)
    if cls is None:
        raise ValueError(f"deserialize: unknown learning rate schedule {name!r}. Known: {sorted(_SCHEDULES)}")
    return cls.from_config(config.get("config", {}))
