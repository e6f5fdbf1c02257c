"""Random colour augmentation: ``random_brightness``, ``random_contrast``,
``random_saturation``, ``random_hue`` and their ``stateless_random_*`` forms.

Each draws one factor uniformly (TF's ranges: brightness delta in
``[-max_delta, max_delta)``, contrast/saturation factor in ``[lower, upper)``, hue
delta in ``[-max_delta, max_delta)``) and applies the matching ``adjust_*`` to the
whole image or batch. The stateful forms draw from xlaflow's random state (``seed``
as in ``tf.random``); the stateless forms from the ``seed`` pair (same seed, same
factor; the numbers differ from TF's, whose generator is not JAX's).
"""

from __future__ import annotations

from typing import Any, Callable

import jax

from xlaflow.image import adjust, color
from xlaflow.ops import rng
from xlaflow.ops.dispatch import op
from xlaflow.ops.random_ops import _seed_key, random_key


def _number(v: Any, fn: str, arg: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{fn}: argument `{arg}` must be a Python number. Received: {v!r}")
    return float(v)


def _max_delta(max_delta: Any, fn: str, limit: float | None = None) -> float:
    d = _number(max_delta, fn, "max_delta")
    if d < 0:
        raise ValueError(f"{fn}: argument `max_delta` must be non-negative. Received: max_delta={d}")
    if limit is not None and d > limit:
        raise ValueError(f"{fn}: argument `max_delta` must be <= {limit}. Received: max_delta={d}")
    return d


def _bounds(lower: Any, upper: Any, fn: str) -> tuple[float, float]:
    lo, hi = _number(lower, fn, "lower"), _number(upper, fn, "upper")
    if hi <= lo:
        raise ValueError(f"{fn}: argument `upper` must be > `lower`. Received: lower={lo}, upper={hi}")
    if lo < 0:
        raise ValueError(f"{fn}: argument `lower` must be non-negative. Received: lower={lo}")
    return lo, hi


def _draw(key: Any, lo: float, hi: float) -> Any:
    return jax.random.uniform(rng.as_key(key), (), minval=lo, maxval=hi)


def _make(tf_name: str, public: str, apply: Callable, check: Callable) -> tuple[Callable, Callable]:
    """The stateful and stateless public functions of one random adjustment."""

    def impl(image, a, b, seed, key):
        lo, hi = check(a, b, public)
        return apply(image, _draw(rng.next_key(seed) if key is None else key, lo, hi))

    impl.__name__ = impl.__qualname__ = public
    stateful_op = op(tf_name, tensors=("image", "key"))(impl)

    def stateless_impl(image, a, b, seed):
        lo, hi = check(a, b, f"stateless_{public}")
        return apply(image, _draw(_seed_key(f"stateless_{public}", seed), lo, hi))

    stateless_impl.__name__ = stateless_impl.__qualname__ = f"stateless_{public}"
    stateless_op = op(f"Stateless{tf_name}", tensors=("image", "seed"))(stateless_impl)
    return stateful_op, stateless_op


def _delta_range(limit: float | None) -> Callable:
    def check(max_delta, _unused, fn):
        d = _max_delta(max_delta, fn, limit)
        return -d, d
    return check


def _factor_range(lower, upper, fn):
    return _bounds(lower, upper, fn)


_brightness, _s_brightness = _make("RandomBrightness", "random_brightness", adjust.adjust_brightness.op.impl, _delta_range(None))
_contrast, _s_contrast = _make("RandomContrast", "random_contrast", adjust.adjust_contrast.op.impl, _factor_range)
_saturation, _s_saturation = _make("RandomSaturation", "random_saturation", color.adjust_saturation.op.impl, _factor_range)
_hue, _s_hue = _make("RandomHue", "random_hue", color._adjust_hue.op.impl, _delta_range(0.5))


def random_brightness(image, max_delta, seed=None):
    """``adjust_brightness`` by a delta drawn uniformly from ``[-max_delta, max_delta)``.

    Raises:
      ValueError: ``max_delta`` is negative.
    """
    return _brightness(image, max_delta, None, seed, random_key(seed, image))


def random_contrast(image, lower, upper, seed=None):
    """``adjust_contrast`` by a factor drawn uniformly from ``[lower, upper)``.

    Raises:
      ValueError: ``upper <= lower`` or ``lower < 0``.
    """
    return _contrast(image, lower, upper, seed, random_key(seed, image))


def random_saturation(image, lower, upper, seed=None):
    """``adjust_saturation`` by a factor drawn uniformly from ``[lower, upper)``.

    Raises:
      ValueError: ``upper <= lower`` or ``lower < 0``.
    """
    return _saturation(image, lower, upper, seed, random_key(seed, image))


def random_hue(image, max_delta, seed=None):
    """``adjust_hue`` by a delta drawn uniformly from ``[-max_delta, max_delta)``.

    Raises:
      ValueError: ``max_delta`` is negative or above 0.5.
    """
    return _hue(image, max_delta, None, seed, random_key(seed, image))


def stateless_random_brightness(image, max_delta, seed):
    """:func:`random_brightness` with the delta chosen by ``seed`` (shape [2] ints)."""
    return _s_brightness(image, max_delta, None, seed)


def stateless_random_contrast(image, lower, upper, seed):
    """:func:`random_contrast` with the factor chosen by ``seed`` (shape [2] ints)."""
    return _s_contrast(image, lower, upper, seed)


def stateless_random_saturation(image, lower, upper, seed):
    """:func:`random_saturation` with the factor chosen by ``seed`` (shape [2] ints)."""
    return _s_saturation(image, lower, upper, seed)


def stateless_random_hue(image, max_delta, seed):
    """:func:`random_hue` with the delta chosen by ``seed`` (shape [2] ints)."""
    return _s_hue(image, max_delta, None, seed)
