"""Keras' Pillow image helpers: ``load_img``, ``img_to_array``, ``array_to_img``,
``save_img`` and ``smart_resize`` (``keras.utils`` / ``keras.preprocessing.image``).

They follow Keras 3's behaviour: ``load_img`` returns a ``PIL.Image`` in the requested
colour mode, resized with Pillow's filters (``nearest`` by default, as in Keras);
``img_to_array`` gives a float32 array [H, W, C]; ``array_to_img`` rescales the
array's range to 0..255 unless ``scale=False``; ``smart_resize`` crops the largest
centred window of the target aspect ratio and resizes it with ``tf.image.resize``.
``data_format`` is ``"channels_last"`` (the default) or ``"channels_first"``.
"""

from __future__ import annotations

import io
import os
import pathlib
import warnings
from typing import Any

import numpy as np

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - Pillow is installed with xlaflow[image]
        raise ImportError("The image utilities need Pillow: pip install 'xlaflow[image]' (or pillow).") from e
    return Image


def data_format_arg(data_format: Any, fn: str) -> str:
    fmt = "channels_last" if data_format is None else str(data_format).lower()
    if fmt not in ("channels_last", "channels_first"):
        raise ValueError(f"{fn}: argument `data_format` must be 'channels_last' or 'channels_first'. Received: {data_format!r}")
    return fmt


def load_img(path: Any, color_mode: str = "rgb", target_size: Any = None, interpolation: str = "nearest",
             keep_aspect_ratio: bool = False) -> Any:
    """Loads an image file into a ``PIL.Image``.

    Args:
      path: a path (str, bytes, ``pathlib.Path``) or an ``io.BytesIO``.
      color_mode: ``"grayscale"``, ``"rgb"`` or ``"rgba"``.
      target_size: ``(height, width)`` to resize to, or None.
      interpolation: Pillow's filter: ``"nearest"``, ``"bilinear"``, ``"bicubic"``,
        ``"hamming"``, ``"box"`` or ``"lanczos"``.
      keep_aspect_ratio: crop the centre to the target aspect ratio before resizing.

    Raises:
      ValueError: an unknown ``color_mode`` or ``interpolation``.
      TypeError: ``path`` is not a path or ``BytesIO``.
    """
    Image = _pil()
    if isinstance(path, io.BytesIO):
        img = Image.open(path)
    elif isinstance(path, (str, bytes, pathlib.Path, os.PathLike)):
        with open(os.fspath(path), "rb") as f:
            img = Image.open(io.BytesIO(f.read()))
    else:
        raise TypeError(f"load_img: argument `path` must be a path or io.BytesIO. Received: {type(path).__name__}")
    modes = {"grayscale": ("L", ("L", "I;16", "I")), "rgba": ("RGBA", ("RGBA",)), "rgb": ("RGB", ("RGB",))}
    if color_mode not in modes:
        raise ValueError(f'load_img: argument `color_mode` must be "grayscale", "rgb" or "rgba". Received: {color_mode!r}')
    mode, keep = modes[color_mode]
    if img.mode not in keep:
        img = img.convert(mode)
    if target_size is None:
        return img
    width_height = (int(target_size[1]), int(target_size[0]))
    if img.size == width_height:
        return img
    if interpolation not in _INTERPOLATIONS:
        raise ValueError(f"load_img: argument `interpolation` must be one of {', '.join(_INTERPOLATIONS)}. "
                         f"Received: {interpolation!r}")
    resample = getattr(Image.Resampling, interpolation.upper())
    if not keep_aspect_ratio:
        return img.resize(width_height, resample)
    width, height = img.size
    crop_h = min(height, width * width_height[1] // width_height[0])
    crop_w = min(width, height * width_height[0] // width_height[1])
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img.resize(width_height, resample, box=[left, top, left + crop_w, top + crop_h])


def img_to_array(img: Any, data_format: Any = None, dtype: Any = None) -> np.ndarray:
    """A ``PIL.Image`` (or array) as a NumPy array [H, W, C] (or [C, H, W]), float32 by default.

    Raises:
      ValueError: the image is neither 2-D nor 3-D.
    """
    fmt = data_format_arg(data_format, "img_to_array")
    x = np.asarray(img, dtype=dtype or "float32")
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if fmt == "channels_first" else x
    if x.ndim == 2:
        return x.reshape((1, *x.shape)) if fmt == "channels_first" else x.reshape((*x.shape, 1))
    raise ValueError(f"img_to_array: unsupported image shape {x.shape}; expected [H, W] or [H, W, C].")


def array_to_img(x: Any, data_format: Any = None, scale: bool = True, dtype: Any = None) -> Any:
    """A 3-D array as a ``PIL.Image`` (1 channel: ``L``, or ``I`` above 255; 3: ``RGB``; 4: ``RGBA``).

    Args:
      x: the image [H, W, C] (or [C, H, W] with ``channels_first``).
      scale: shift and scale the values to span 0..255.

    Raises:
      ValueError: not 3-D, or a channel count other than 1, 3 or 4.
    """
    fmt = data_format_arg(data_format, "array_to_img")
    Image = _pil()
    x = np.array(x, dtype=dtype or "float32")
    if x.ndim != 3:
        raise ValueError(f"array_to_img: expected an image array of rank 3 (a single image). Received: shape {x.shape}")
    if fmt == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        top = np.max(x)
        if top != 0:
            x /= top
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return Image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return Image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return Image.fromarray(x[:, :, 0].astype("int32"), "I")
        return Image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"array_to_img: unsupported channel number {channels}; expected 1, 3 or 4.")


def save_img(path: Any, x: Any, data_format: Any = None, file_format: str | None = None, scale: bool = True,
             **kwargs: Any) -> None:
    """Saves an image array to ``path`` (format from ``file_format`` or the extension).

    ``kwargs`` go to ``PIL.Image.save`` (``quality=`` ...). An RGBA image saved as JPEG is
    converted to RGB with a warning, as in Keras.
    """
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower() or None
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("save_img: the JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def crop_box(height: int, width: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Keras' ``smart_resize`` window: (top, left, crop_height, crop_width)."""
    th, tw = size
    crop_h = max(min(height, int(float(width * th) / tw)), 1)
    crop_w = max(min(width, int(float(height * tw) / th)), 1)
    return int(float(height - crop_h) / 2), int(float(width - crop_w) / 2), crop_h, crop_w


def smart_resize(x: Any, size: Any, interpolation: str = "bilinear", data_format: str = "channels_last") -> Any:
    """Resizes ``x`` ([H, W, C] or [B, H, W, C]) to ``size`` without distortion: crops the
    largest centred window with the target aspect ratio, then resizes it.

    Returns a NumPy array for NumPy input, a Tensor otherwise.

    Raises:
      ValueError: ``size`` is not two ints, or ``x`` is not 3-D or 4-D.
    """
    from xlaflow.image.resize import resize

    if len(size) != 2:
        raise ValueError(f"smart_resize: argument `size` must be a tuple of 2 integers. Received: {size!r}")
    fmt = data_format_arg(data_format, "smart_resize")
    arr = x
    ndim = len(np.shape(arr))
    if ndim not in (3, 4):
        raise ValueError(f"smart_resize: expected an image array [H, W, C] or [B, H, W, C]. Received: shape {np.shape(arr)}")
    shape = np.shape(arr)
    h, w = (shape[-3], shape[-2]) if fmt == "channels_last" else (shape[-2], shape[-1])
    top, left, ch, cw = crop_box(h, w, tuple(size))
    if fmt == "channels_first":
        arr = np.moveaxis(np.asarray(arr), -3, -1)
    cropped = arr[..., top:top + ch, left:left + cw, :]
    out = resize(cropped, list(size), method=interpolation)
    if fmt == "channels_first":
        out = np.moveaxis(np.asarray(out), -1, -3)
    return np.asarray(out) if isinstance(x, np.ndarray) else out
