"""Flips and rotations: ``flip_left_right``, ``flip_up_down``, ``rot90``, ``transpose`` and
their random forms (``random_flip_*`` and ``stateless_random_flip_*``).

A random flip of one image [H, W, C] is flipped with probability 1/2; of a batch
[B, H, W, C], each image independently (TF's rule). The coin comes from xlaflow's
random state (``seed`` as in ``tf.random``) or, for the stateless forms, from the
``seed`` pair, so the same seed flips the same images.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow.image._checks import at_least_3d, batched
from xlaflow.ops import rng
from xlaflow.ops.dispatch import op
from xlaflow.ops.random_ops import _seed_key, random_key


def _flip(image: Any, axis_from_end: int, fn: str) -> Any:
    at_least_3d(image, fn)
    if image.ndim > 4:
        raise ValueError(f"{fn}: argument `image` must have either 3 or 4 dimensions. Received: shape {list(image.shape)}")
    return jnp.flip(image, axis=image.ndim - axis_from_end)


@op("FlipLeftRight", tensors=("image",))
def flip_left_right(image):
    """``image`` ([H, W, C] or [B, H, W, C]) mirrored along its width."""
    return _flip(image, 2, "flip_left_right")


@op("FlipUpDown", tensors=("image",))
def flip_up_down(image):
    """``image`` ([H, W, C] or [B, H, W, C]) mirrored along its height."""
    return _flip(image, 3, "flip_up_down")


def _random_flip(image: Any, axis_from_end: int, key: Any, fn: str) -> Any:
    flipped = _flip(image, axis_from_end, fn)
    if image.ndim == 3:
        coin = jax.random.uniform(rng.as_key(key), ())
        return jnp.where(coin < 0.5, flipped, image)
    coin = jnp.round(jax.random.uniform(rng.as_key(key), (image.shape[0], 1, 1, 1)))
    return jnp.where(coin > 0, flipped, image)


@op("RandomFlipLeftRight", tensors=("image", "key"))
def _random_flip_left_right(image, seed, key):
    return _random_flip(image, 2, rng.next_key(seed) if key is None else key, "random_flip_left_right")


@op("RandomFlipUpDown", tensors=("image", "key"))
def _random_flip_up_down(image, seed, key):
    return _random_flip(image, 3, rng.next_key(seed) if key is None else key, "random_flip_up_down")


def random_flip_left_right(image, seed=None):
    """Mirrors ``image`` along its width with probability 1/2 (each image of a batch
    independently)."""
    return _random_flip_left_right(image, seed, random_key(seed, image))


def random_flip_up_down(image, seed=None):
    """Mirrors ``image`` along its height with probability 1/2 (each image of a batch
    independently)."""
    return _random_flip_up_down(image, seed, random_key(seed, image))


@op("StatelessRandomFlipLeftRight", tensors=("image", "seed"))
def stateless_random_flip_left_right(image, seed):
    """:func:`random_flip_left_right` decided by ``seed`` (shape [2] ints)."""
    return _random_flip(image, 2, _seed_key("stateless_random_flip_left_right", seed), "stateless_random_flip_left_right")


@op("StatelessRandomFlipUpDown", tensors=("image", "seed"))
def stateless_random_flip_up_down(image, seed):
    """:func:`random_flip_up_down` decided by ``seed`` (shape [2] ints)."""
    return _random_flip(image, 3, _seed_key("stateless_random_flip_up_down", seed), "stateless_random_flip_up_down")


@op("Rot90", tensors=("image",))
def rot90(image, k=1):
    """``image`` rotated counter-clockwise by ``k`` quarter turns ([H, W, C] or [B, H, W, C]).

    Raises:
      ValueError: a rank other than 3 or 4; TypeError: ``k`` is not an int.
    """
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"rot90: argument `k` must be an int. Received: k={k!r}")
    x, unbatch = batched(image, "rot90", "image")
    out = jnp.rot90(x, k % 4, axes=(1, 2))
    return out[0] if unbatch else out


@op("TransposeImage", tensors=("image",))
def transpose(image):
    """``image`` with height and width swapped ([H, W, C] or [B, H, W, C])."""
    x, unbatch = batched(image, "transpose", "image")
    out = jnp.swapaxes(x, 1, 2)
    return out[0] if unbatch else out
