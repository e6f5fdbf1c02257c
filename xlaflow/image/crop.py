"""Crops and pads: ``central_crop``, ``crop_to_bounding_box``, ``pad_to_bounding_box``,
``resize_with_crop_or_pad``, ``random_crop`` and ``stateless_random_crop``.

Offsets and sizes are static (Python ints or concrete tensors), as XLA needs static
shapes; each op checks them with TF's rules and messages that name the argument.
``random_crop`` draws its offset from xlaflow's random state (or the ``seed`` pair for
the stateless form), so it works eagerly, in ``@function`` and in ``Dataset.map``.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow.image._checks import batched, image_dims, positive_int
from xlaflow.ops import rng
from xlaflow.ops.dispatch import op
from xlaflow.ops.random_ops import _seed_key, random_key


def crop_array(x: Any, top: int, left: int, height: int, width: int, fn: str) -> Any:
    """``x`` [B, H, W, C] cropped to ``[top:top+height, left:left+width]`` (checked)."""
    h, w = image_dims(x)
    if top < 0 or left < 0:
        raise ValueError(f"{fn}: offsets must be >= 0. Received: offset_height={top}, offset_width={left}")
    if height + top > h or width + left > w:
        raise ValueError(f"{fn}: the box [{top}:{top + height}, {left}:{left + width}] does not fit in an image of "
                         f"height {h} and width {w} (height must be >= target + offset).")
    return x[:, top:top + height, left:left + width, :]


def pad_array(x: Any, top: int, left: int, height: int, width: int, fn: str) -> Any:
    """``x`` [B, H, W, C] placed at (top, left) in a zero canvas of ``height`` x ``width``."""
    h, w = image_dims(x)
    bottom, right = height - top - h, width - left - w
    if top < 0 or left < 0:
        raise ValueError(f"{fn}: offsets must be >= 0. Received: offset_height={top}, offset_width={left}")
    if bottom < 0 or right < 0:
        raise ValueError(f"{fn}: an image of height {h} and width {w} at offset ({top}, {left}) does not fit in "
                         f"target_height={height}, target_width={width} (must be <= target - offset).")
    return jnp.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


@op("CropToBoundingBox", tensors=("image",))
def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """The ``target_height`` x ``target_width`` window of ``image`` whose top-left corner is
    at (``offset_height``, ``offset_width``).

    Raises:
      ValueError: bad rank, negative offsets, non-positive sizes, or a box outside the image.
    """
    fn = "crop_to_bounding_box"
    x, unbatch = batched(image, fn, "image")
    top, left = (positive_int(v, fn, a, allow_zero=True) for v, a in ((offset_height, "offset_height"), (offset_width, "offset_width")))
    out = crop_array(x, top, left, positive_int(target_height, fn, "target_height"), positive_int(target_width, fn, "target_width"), fn)
    return out[0] if unbatch else out


@op("PadToBoundingBox", tensors=("image",))
def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """``image`` padded with zeros: ``offset_height`` rows on top, ``offset_width`` columns
    on the left, and zeros below/right up to ``target_height`` x ``target_width``.

    Raises:
      ValueError: bad rank, negative offsets, or an image that does not fit.
    """
    fn = "pad_to_bounding_box"
    x, unbatch = batched(image, fn, "image")
    top, left = (positive_int(v, fn, a, allow_zero=True) for v, a in ((offset_height, "offset_height"), (offset_width, "offset_width")))
    th, tw = (positive_int(v, fn, a, allow_zero=True) for v, a in ((target_height, "target_height"), (target_width, "target_width")))
    out = pad_array(x, top, left, th, tw, fn)
    return out[0] if unbatch else out


@op("ResizeWithCropOrPad", tensors=("image",))
def resize_with_crop_or_pad(image, target_height, target_width):
    """Centrally crops or zero-pads ``image`` to ``target_height`` x ``target_width``."""
    fn = "resize_with_crop_or_pad"
    x, unbatch = batched(image, fn, "image")
    th, tw = positive_int(target_height, fn, "target_height"), positive_int(target_width, fn, "target_width")
    h, w = image_dims(x)
    dh, dw = th - h, tw - w
    x = crop_array(x, max(-dh // 2, 0), max(-dw // 2, 0), min(th, h), min(tw, w), fn)
    out = pad_array(x, max(dh // 2, 0), max(dw // 2, 0), th, tw, fn)
    return out[0] if unbatch else out


@op("CentralCrop", tensors=("image",))
def central_crop(image, central_fraction):
    """The central ``central_fraction`` (in (0, 1]) of ``image`` along height and width.

    Raises:
      ValueError: ``central_fraction`` outside (0, 1], or a rank other than 3 or 4.
    """
    fn = "central_crop"
    if isinstance(central_fraction, bool) or not isinstance(central_fraction, (int, float)) or not 0.0 < central_fraction <= 1.0:
        raise ValueError(f"{fn}: argument `central_fraction` must be within (0, 1]. Received: {central_fraction!r}")
    x, unbatch = batched(image, fn, "image")
    if central_fraction == 1.0:
        return image
    h, w = image_dims(x)
    top = int((float(h) - float(h) * central_fraction) / 2)
    left = int((float(w) - float(w) * central_fraction) / 2)
    out = x[:, top:h - top, left:w - left, :]
    return out[0] if unbatch else out


def _crop_size(value: Any, size: Any, fn: str) -> tuple[int, ...]:
    size = tuple(int(s) for s in size)
    if len(size) != value.ndim:
        raise ValueError(f"{fn}: argument `size` must have one entry per dimension of `value` ({value.ndim}). Received: size={list(size)}")
    if any(s < 0 or s > d for s, d in zip(size, value.shape)):
        raise ValueError(f"{fn}: argument `size` must be within the shape of `value` {list(value.shape)}. Received: size={list(size)}")
    return size


def _random_window(value: Any, size: tuple, key: Any) -> Any:
    limits = jnp.asarray([d - s + 1 for d, s in zip(value.shape, size)], jnp.int32)
    offsets = jax.random.randint(rng.as_key(key), (value.ndim,), 0, jnp.iinfo(jnp.int32).max) % limits
    return jax.lax.dynamic_slice(value, offsets, size)


@op("RandomCrop", tensors=("value", "key"))
def _random_crop(value, size, seed, key):
    return _random_window(value, _crop_size(value, size, "random_crop"), rng.next_key(seed) if key is None else key)


def random_crop(value, size, seed=None, name=None):
    """A window of shape ``size`` at a uniformly random offset of ``value`` (any rank).

    Raises:
      ValueError: ``size`` has the wrong length or exceeds ``value``'s shape.
    """
    return _random_crop(value, size, seed, random_key(seed, value))


@op("StatelessRandomCrop", tensors=("value", "seed"))
def stateless_random_crop(value, size, seed):
    """:func:`random_crop` with the window chosen by ``seed`` (shape [2] ints): the same
    seed gives the same window."""
    return _random_window(value, _crop_size(value, size, "stateless_random_crop"), _seed_key("stateless_random_crop", seed))


__all__ = ["central_crop", "crop_to_bounding_box", "pad_to_bounding_box", "random_crop", "resize_with_crop_or_pad",
           "stateless_random_crop"]
