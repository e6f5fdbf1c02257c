"""Clipping: ``clip_by_value``, ``clip_by_norm``, ``global_norm`` and
``clip_by_global_norm`` -- what users apply to gradients before an update.

The formulas are TF's, so clipped gradients (and therefore trained weights) match:

* ``clip_by_norm``: ``t * clip_norm / max(||t||, clip_norm)``, with the norm taken
  as 0 (not NaN, and with a finite gradient) when ``t`` is all zeros;
* ``clip_by_global_norm``: every tensor times
  ``clip_norm * min(1 / global_norm, 1 / clip_norm)``; a non-finite global norm makes
  every output NaN, so a diverged step is visible rather than silently skipped.

Gradient lists may hold ``None`` (variables without a gradient): it is skipped by the
norm and returned as ``None``.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow._core import errors
from xlaflow.ops.array_ops import check_axes
from xlaflow.ops.dispatch import op
from xlaflow.ops.unary_ops import check_dtype


def _keeps_shape(name: str, arg: str, t, v) -> None:
    shape = tuple(jnp.shape(t))
    try:
        ok = np.broadcast_shapes(shape, tuple(jnp.shape(v))) == shape
    except ValueError:
        ok = False
    if not ok:
        raise errors.InvalidArgumentError(
            f"{name}: argument `{arg}` must broadcast to the shape of `t` without changing it. "
            f"Received: t.shape={list(shape)}, {arg}.shape={list(jnp.shape(v))}"
        )


@op("ClipByValue", tensors=("t", "clip_value_min", "clip_value_max"), same_dtype=("t", "clip_value_min", "clip_value_max"))
def clip_by_value(t, clip_value_min, clip_value_max):
    """``t`` with values below ``clip_value_min`` raised to it and values above
    ``clip_value_max`` lowered to it (``min(max(t, lo), hi)`` elementwise; the bounds
    may be scalars or broadcast to ``t``'s shape).

    Raises:
      InvalidArgumentError: a bound would change the shape of ``t``.
      TypeError: ``t`` is a bool or complex tensor, or the bounds are of another dtype.
    """
    check_dtype("clip_by_value", "t", t, "fiu")
    _keeps_shape("clip_by_value", "clip_value_min", t, clip_value_min)
    _keeps_shape("clip_by_value", "clip_value_max", t, clip_value_max)
    return jnp.maximum(jnp.minimum(t, clip_value_max), clip_value_min).astype(t.dtype)


def _safe_norm(sum_sq):
    """``sqrt(sum_sq)``, returning 0 where ``sum_sq`` is 0 (its gradient stays finite)."""
    positive = sum_sq > 0
    return jnp.where(positive, jnp.sqrt(jnp.where(positive, sum_sq, jnp.ones_like(sum_sq))), sum_sq)


@op("ClipByNorm", tensors=("t", "clip_norm"), same_dtype=("t", "clip_norm"))
def clip_by_norm(t, clip_norm, axes=None):
    """Rescales ``t`` so that its L2 norm (over ``axes``, all when None) is at most
    ``clip_norm``: ``t * clip_norm / max(||t||, clip_norm)``.

    Raises:
      InvalidArgumentError: bad ``axes``, or ``clip_norm`` would change ``t``'s shape.
      TypeError: ``t`` is not a float tensor.
    """
    check_dtype("clip_by_norm", "t", t, "f")
    reduce_axes = check_axes("clip_by_norm", axes, t.ndim, arg="axes")
    norm = _safe_norm(jnp.sum(t * t, axis=reduce_axes, keepdims=True))
    scaled = t * clip_norm
    _keeps_shape("clip_by_norm", "clip_norm", t, scaled)
    return scaled / jnp.maximum(norm, clip_norm)


def _check_list(name: str, t_list: Any) -> None:
    if not isinstance(t_list, (list, tuple)):
        raise TypeError(f"{name}: argument `t_list` must be a list or tuple of tensors. Received: {type(t_list).__name__}")


def _global_norm(name: str, t_list: list):
    present = [t for t in t_list if t is not None]
    if not present:
        raise ValueError(f"{name}: argument `t_list` must hold at least one tensor (not None). Received: {len(t_list)} entries, all None")
    for i, t in enumerate(t_list):
        if t is not None:
            check_dtype(name, f"t_list[{i}]", t, "f")
    total = sum(jnp.sum(jnp.square(t)) for t in present)
    return jnp.sqrt(total)


@op("GlobalNorm", tensors=("t_list",), lists=("t_list",), same_dtype=("t_list",))
def _global_norm_op(t_list):
    return _global_norm("global_norm", t_list)


def global_norm(t_list: Any, name: str | None = None) -> Any:
    """``sqrt(sum(||t||**2 for t in t_list))``, skipping ``None`` entries.

    Raises:
      TypeError: ``t_list`` is not a list/tuple, or holds non-float or mixed dtypes.
      ValueError: ``t_list`` holds no tensor.
    """
    _check_list("global_norm", t_list)
    return _global_norm_op(list(t_list))


@op("ClipByGlobalNorm", tensors=("t_list", "clip_norm", "use_norm"), lists=("t_list",), same_dtype=("t_list",))
def _clip_by_global_norm_op(t_list, clip_norm, use_norm=None):
    norm = _global_norm("clip_by_global_norm", t_list) if use_norm is None else use_norm
    if jnp.ndim(norm) != 0 or jnp.ndim(clip_norm) != 0:
        raise errors.InvalidArgumentError(
            "clip_by_global_norm: arguments `clip_norm` and `use_norm` must be scalars. "
            f"Received: shapes {list(jnp.shape(clip_norm))} and {list(jnp.shape(norm))}"
        )
    norm = jnp.asarray(norm)
    clip = jnp.asarray(clip_norm).astype(norm.dtype)
    one = jnp.ones((), norm.dtype)
    scale = clip * jnp.minimum(one / norm, one / clip)
    scale = scale + (norm - norm)  # NaN when the norm is inf or NaN
    clipped = [None if t is None else t * scale.astype(t.dtype) for t in t_list]
    return clipped, norm


def clip_by_global_norm(t_list: Any, clip_norm: Any, use_norm: Any = None, name: str | None = None) -> tuple[list, Any]:
    """Rescales a list of tensors so that their global norm is at most ``clip_norm``.

    Every tensor is multiplied by ``clip_norm / max(global_norm, clip_norm)`` (computed
    as TF does); ``None`` entries stay ``None``. If the global norm is inf or NaN,
    every output is NaN.

    Args:
      t_list: a list or tuple of tensors (or None).
      clip_norm: the largest global norm allowed (a positive scalar).
      use_norm: a precomputed global norm to use instead of computing it.

    Returns:
      ``(list_clipped, global_norm)``.

    Raises:
      TypeError: ``t_list`` is not a list/tuple, or holds non-float or mixed dtypes.
      ValueError: ``t_list`` holds no tensor and no ``use_norm`` is given.
    """
    _check_list("clip_by_global_norm", t_list)
    clipped, norm = _clip_by_global_norm_op(list(t_list), clip_norm, use_norm)
    return list(clipped), norm
