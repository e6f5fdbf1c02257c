"""Random initializers: the seeding rule they share (``RandomInitializer``) and the
plain distributions ``RandomNormal``, ``RandomUniform`` and ``TruncatedNormal``.

Seeding:

* ``seed=<int>``: the values depend only on the seed, the shape and the dtype, so the
  same initializer (or another with the same seed) gives the same tensor every call,
  as in Keras 3. The draw uses a stateless op keyed by the seed.
* ``seed=None``: each call draws from xlaflow's global random state (a new key per
  call), so ``keras.utils.set_random_seed`` / ``xlaflow.random.set_seed`` make whole
  programs reproducible, and inside ``xlaflow.function`` the draw is an ordinary
  traced update of that state.

Each initializer says which distribution it samples (``sampler(shape)`` gives the
sampler's name and parameters, e.g. ``("truncated_normal", {"mean": 0, "stddev": s})``);
``__call__`` only draws from it. Truncated normals are cut at two standard deviations
from the mean, as in Keras and TF.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.initializers.initializer import Initializer, check_dtype, check_shape
from xlaflow.ops import random_ops

_STATEFUL = {"normal": random_ops.normal, "uniform": random_ops.uniform, "truncated_normal": random_ops.truncated_normal}
_STATELESS = {
    "normal": random_ops.stateless_normal,
    "uniform": random_ops.stateless_uniform,
    "truncated_normal": random_ops.stateless_truncated_normal,
}
_DEFAULTS = {"normal": {"mean": 0.0, "stddev": 1.0}, "truncated_normal": {"mean": 0.0, "stddev": 1.0}, "uniform": {"minval": 0.0, "maxval": 1.0}}


def check_seed(owner: str, seed: Any) -> int | None:
    """``seed`` as an int or None, or a ValueError naming ``owner``."""
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"{owner}: argument `seed` must be an int or None. Received: seed={seed!r}")
    return int(seed)


def seed_key(seed: int) -> np.ndarray:
    """The ``[2]`` uint32 key a stateless op takes for an int seed (any size or sign)."""
    s = seed % 2**64
    return np.array([s >> 32, s & 0xFFFFFFFF], np.uint32)


def _number(owner: str, arg: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{owner}: argument `{arg}` must be a number. Received: {arg}={value!r}")
    return value


class RandomInitializer(Initializer):
    """Base of the random initializers: the ``seed`` argument and the draw.

    Subclasses implement ``sampler(shape) -> (name, params)`` with ``name`` one of
    ``"normal"``, ``"truncated_normal"``, ``"uniform"``.
    """

    def __init__(self, seed: Any = None):
        self.seed = check_seed(type(self).__name__, seed)

    def sampler(self, shape: tuple[int, ...]) -> tuple[str, dict]:
        raise NotImplementedError(f"{type(self).__name__}: random initializers must implement `sampler(shape)`.")

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        owner = type(self).__name__
        shape = check_shape(owner, shape)
        d = check_dtype(owner, dtype, floating=True)
        kind, params = self.sampler(shape)
        return self.draw(kind, shape, d, params)

    def draw(self, kind: str, shape: tuple[int, ...], dtype: Any, params: dict) -> Any:
        """Samples ``kind`` with ``params``, following the seeding rule above."""
        params = {**_DEFAULTS[kind], **params}
        if self.seed is None:
            return _STATEFUL[kind](shape, dtype=dtype, **params)
        return _STATELESS[kind](shape, seed=seed_key(self.seed), dtype=dtype, **params)

    def get_config(self) -> dict:
        return {"seed": self.seed}


class RandomNormal(RandomInitializer):
    """Samples a normal distribution.

    Args:
      mean: the mean (0 by default).
      stddev: the standard deviation (0.05 by default).
      seed: an int for reproducible values, or None (see the module docstring).
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None):
        self.mean = _number("RandomNormal", "mean", mean)
        self.stddev = _number("RandomNormal", "stddev", stddev)
        super().__init__(seed=seed)

    def sampler(self, shape):
        return "normal", {"mean": self.mean, "stddev": self.stddev}

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class TruncatedNormal(RandomInitializer):
    """Samples a normal distribution cut at two standard deviations from the mean.

    Args:
      mean: the mean (0 by default).
      stddev: the standard deviation before truncation (0.05 by default).
      seed: an int for reproducible values, or None (see the module docstring).
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: Any = None):
        self.mean = _number("TruncatedNormal", "mean", mean)
        self.stddev = _number("TruncatedNormal", "stddev", stddev)
        super().__init__(seed=seed)

    def sampler(self, shape):
        return "truncated_normal", {"mean": self.mean, "stddev": self.stddev}

    def get_config(self) -> dict:
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class RandomUniform(RandomInitializer):
    """Samples a uniform distribution on ``[minval, maxval)``.

    Args:
      minval: the lower bound (-0.05 by default).
      maxval: the upper bound (0.05 by default).
      seed: an int for reproducible values, or None (see the module docstring).
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: Any = None):
        self.minval = _number("RandomUniform", "minval", minval)
        self.maxval = _number("RandomUniform", "maxval", maxval)
        super().__init__(seed=seed)

    def sampler(self, shape):
        return "uniform", {"minval": self.minval, "maxval": self.maxval}

    def get_config(self) -> dict:
        return {**super().get_config(), "minval": self.minval, "maxval": self.maxval}
