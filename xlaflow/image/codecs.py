"""Image codecs through Pillow: ``decode_png``/``jpeg``/``bmp``/``gif``/``image``,
``encode_png``/``jpeg`` and ``is_jpeg``.

Encoded images are Python ``bytes`` (xlaflow has no string Tensor: ``tf.io.read_file``
returns ``bytes``, and string elements of a ``tf.data`` pipeline are ``bytes``); a
0-d NumPy object/bytes array or anything whose ``.numpy()`` gives bytes is accepted
too. Decoders return uint8 (or uint16) Tensors [H, W, C] ([frames, H, W, 3] for
GIFs). They run on the host, so inside ``Dataset.map`` they make the map function
run as plain Python (see :mod:`xlaflow.data.mapping`), as any string processing does.

Pixel values agree with TensorFlow's decoders exactly for PNG, BMP and GIF, and for
JPEG with ``dct_method="INTEGER_ACCURATE"``. TF's default JPEG method (``""``) is
libjpeg's fast integer DCT, which Pillow does not offer; xlaflow then uses the
accurate DCT (TF documents ``""`` as a system-specific choice), and pixels differ
from TF's by a few levels (at most 6 in ``tests/image/test_image_golden.py``). Options Pillow cannot
honour raise ``NotImplementedError`` rather than being ignored.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from xlaflow._core import dtypes
from xlaflow.ops.convert import constant


def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as e:  # pragma: no cover - Pillow is installed with xlaflow[image]
        raise ImportError("xlaflow's image codecs need Pillow: pip install 'xlaflow[image]' (or pillow).") from e
    return Image


def as_bytes(contents: Any, fn: str, arg: str = "contents") -> bytes:
    """The encoded bytes held by ``contents`` (bytes, a 0-d array, or a value with ``.numpy()``)."""
    if hasattr(contents, "numpy") and not isinstance(contents, np.ndarray):
        contents = contents.numpy()
    if isinstance(contents, np.ndarray) and contents.ndim == 0:
        contents = contents[()]
    if isinstance(contents, (bytes, bytearray, memoryview, np.bytes_)):
        return bytes(contents)
    raise TypeError(f"{fn}: argument `{arg}` must be the encoded image as bytes (a scalar string). "
                    f"Received: {type(contents).__name__}{list(np.shape(contents)) if hasattr(contents, 'shape') else ''}")


_PIL_FORMATS = {"png": ["PNG"], "jpeg": ["JPEG"], "gif": ["GIF"], "bmp": ["BMP", "DIB"]}


def _open(data: bytes, fn: str) -> Any:
    Image = _pil()
    try:
        img = Image.open(io.BytesIO(data), formats=_PIL_FORMATS.get(image_format(data)))
        img.load()
    except Exception as e:
        from xlaflow._core.errors import InvalidArgumentError

        raise InvalidArgumentError(f"{fn}: could not decode the image ({len(data)} bytes): {type(e).__name__}: {e}") from None
    return img


_NATIVE = {"1": 1, "L": 1, "LA": 2, "RGB": 3, "RGBA": 4, "I;16": 1, "I;16B": 1, "I;16L": 1, "I": 1, "CMYK": 3, "YCbCr": 3}
_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def _channels_arg(channels: Any, allowed: tuple, fn: str) -> int:
    channels = 0 if channels is None else channels
    if isinstance(channels, bool) or not isinstance(channels, (int, np.integer)) or channels not in allowed:
        raise ValueError(f"{fn}: argument `channels` must be one of {allowed}. Received: channels={channels!r}")
    return int(channels)


def _native_channels(img: Any) -> int:
    if img.mode == "P":
        return 4 if "transparency" in img.info else 3
    if img.mode == "PA":
        return 4
    return _NATIVE.get(img.mode, 3)


def _to_array(img: Any, channels: int, sixteen: bool) -> np.ndarray:
    """Pixels [H, W, channels] as uint8, or uint16 when ``sixteen`` (8-bit data scaled by 257)."""
    want = channels or _native_channels(img)
    if img.mode in ("I;16", "I;16B", "I;16L", "I") and want == 1:
        arr = np.clip(np.asarray(img, dtype=np.int64), 0, 65535).astype(np.uint16)
        arr = arr if sixteen else (arr >> 8).astype(np.uint8)
        return arr[..., None]
    if want == 1 and _native_channels(img) >= 3:  # libpng's RGB -> gray with TF's (0.299, 0.587) in fixed point
        rgb_ = np.asarray(img.convert("RGB"), dtype=np.int64)
        gray = (rgb_ @ np.array([9797, 19234, 3737])) >> 15
        arr = np.where((rgb_[..., 0] == rgb_[..., 1]) & (rgb_[..., 1] == rgb_[..., 2]), rgb_[..., 0], gray)
        arr = arr.astype(np.uint8)[..., None]
        return arr.astype(np.uint16) * np.uint16(257) if sixteen else arr
    if img.mode != _MODES[want]:
        img = img.convert(_MODES[want])
    arr = np.asarray(img, dtype=np.uint8)
    arr = arr[..., None] if arr.ndim == 2 else arr
    return arr.astype(np.uint16) * np.uint16(257) if sixteen else arr


def _dtype(dtype: Any, allowed: tuple, fn: str) -> np.dtype:
    d = np.dtype(dtypes.as_dtype(dtype).as_numpy_dtype)
    if d not in [np.dtype(a) for a in allowed]:
        raise ValueError(f"{fn}: argument `dtype` must be one of {[np.dtype(a).name for a in allowed]}. Received: {d.name}")
    return d


def decode_png(contents, channels=0, dtype=dtypes.uint8, name=None):
    """Decodes a PNG image to a uint8 (or uint16) Tensor [H, W, C].

    Args:
      contents: the PNG file's bytes.
      channels: 0 (as stored), 1 (gray), 3 (RGB) or 4 (RGBA).
      dtype: ``uint8`` or ``uint16``.
    """
    d = _dtype(dtype, (np.uint8, np.uint16), "decode_png")
    img = _open(as_bytes(contents, "decode_png"), "decode_png")
    return constant(_to_array(img, _channels_arg(channels, (0, 1, 3, 4), "decode_png"), d == np.uint16))


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True, try_recover_truncated=False,
                acceptable_fraction=1, dct_method="", name=None):
    """Decodes a JPEG image to a uint8 Tensor [H, W, C].

    Args:
      contents: the JPEG file's bytes.
      channels: 0 (as stored), 1 (gray) or 3 (RGB).
      ratio: downscaling while decoding: 1, 2, 4 or 8.
      fancy_upscaling, try_recover_truncated, acceptable_fraction: TF's defaults only
        (other values raise NotImplementedError).
      dct_method: ``""`` or ``"INTEGER_ACCURATE"`` (both decode with libjpeg's accurate
        integer DCT; ``"INTEGER_FAST"`` raises NotImplementedError).
    """
    fn = "decode_jpeg"
    if ratio not in (1, 2, 4, 8):
        raise ValueError(f"{fn}: argument `ratio` must be 1, 2, 4 or 8. Received: ratio={ratio!r}")
    for arg, value, default in (("fancy_upscaling", fancy_upscaling, True), ("try_recover_truncated", try_recover_truncated, False),
                                ("acceptable_fraction", acceptable_fraction, 1)):
        if value != default:
            raise NotImplementedError(f"{fn}: argument `{arg}` other than {default!r} is not supported by xlaflow's "
                                      f"(Pillow) decoder. Received: {arg}={value!r}")
    if dct_method not in ("", "INTEGER_ACCURATE"):
        raise NotImplementedError(f"{fn}: argument `dct_method` must be '' or 'INTEGER_ACCURATE' (Pillow's only method). "
                                  f"Received: dct_method={dct_method!r}")
    channels = _channels_arg(channels, (0, 1, 3), fn)
    data = as_bytes(contents, fn)
    if not is_jpeg_bytes(data):
        from xlaflow._core.errors import InvalidArgumentError

        raise InvalidArgumentError(f"{fn}: the contents are not a JPEG image (they start with {data[:4]!r}).")
    return constant(_jpeg_array(data, channels, ratio, fn))


def _jpeg_array(data: bytes, channels: int, ratio: int, fn: str) -> np.ndarray:
    """libjpeg decodes straight to the requested colour space (gray is the luma plane)."""
    img = _pil().open(io.BytesIO(data))
    mode = {1: "L", 3: "RGB"}.get(channels, img.mode if img.mode in ("L", "RGB") else "RGB")
    if ratio > 1 or mode != img.mode:
        img.draft(mode, (max(1, -(-img.width // ratio)), max(1, -(-img.height // ratio))))
    img = _open_loaded(img, fn)
    if img.mode != mode:  # libjpeg could not convert (CMYK, gray -> RGB): convert the pixels
        img = img.convert(mode)
    arr = np.asarray(img, dtype=np.uint8)
    return arr[..., None] if arr.ndim == 2 else arr


def _open_loaded(img: Any, fn: str) -> Any:
    try:
        img.load()
    except Exception as e:
        from xlaflow._core.errors import InvalidArgumentError

        raise InvalidArgumentError(f"{fn}: could not decode the image: {type(e).__name__}: {e}") from None
    return img


def decode_bmp(contents, channels=0, name=None):
    """Decodes a BMP image to a uint8 Tensor [H, W, C] (``channels``: 0, 1, 3 or 4)."""
    img = _open(as_bytes(contents, "decode_bmp"), "decode_bmp")
    return constant(_to_array(img, _channels_arg(channels, (0, 1, 3, 4), "decode_bmp"), False))


def _gif_frames(img: Any) -> np.ndarray:
    frames = []
    for i in range(getattr(img, "n_frames", 1)):
        img.seek(i)
        frames.append(np.asarray(img.convert("RGB"), dtype=np.uint8))
    return np.stack(frames)


def decode_gif(contents, name=None):
    """Decodes every frame of a GIF to a uint8 Tensor [num_frames, H, W, 3]."""
    return constant(_gif_frames(_open(as_bytes(contents, "decode_gif"), "decode_gif")))


def is_jpeg_bytes(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def is_jpeg(contents, name=None):
    """Whether ``contents`` starts like a JPEG file (a bool Tensor)."""
    return constant(is_jpeg_bytes(as_bytes(contents, "is_jpeg")))


def image_format(data: bytes) -> str | None:
    """``"jpeg"``, ``"png"``, ``"gif"``, ``"bmp"`` or None, from the first bytes."""
    if is_jpeg_bytes(data):
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] in (b"GIF8",):
        return "gif"
    if data[:2] == b"BM":
        return "bmp"
    return None


def decode_image_array(data: bytes, channels: int, fn: str, expand_animations: bool = False,
                       sixteen: bool = False) -> np.ndarray:
    """The pixels of a JPEG, PNG, GIF or BMP file as a host array (uint8, or uint16 for a
    PNG with ``sixteen``): [H, W, C], or [frames, H, W, 3] for a GIF with ``expand_animations``."""
    kind = image_format(data)
    if kind is None:
        from xlaflow._core.errors import InvalidArgumentError

        raise InvalidArgumentError(f"{fn}: unknown image file format (first bytes {data[:8]!r}); expected JPEG, PNG, GIF or BMP.")
    if kind == "jpeg":
        if channels == 4:
            raise ValueError(f"{fn}: argument `channels` must be None, 0, 1 or 3 for a JPEG. Received: channels=4")
        return _jpeg_array(data, channels, 1, fn)
    img = _open(data, fn)
    if kind != "gif":
        return _to_array(img, channels, sixteen and kind == "png")
    if channels not in (0, 3):
        raise ValueError(f"{fn}: argument `channels` must be None, 0 or 3 for a GIF. Received: channels={channels}")
    frames = _gif_frames(img)
    return frames if expand_animations else frames[0]


def decode_image(contents, channels=None, dtype=dtypes.uint8, name=None, expand_animations=True):
    """Decodes a JPEG, PNG, GIF or BMP image (detected from its first bytes).

    Args:
      contents: the file's bytes.
      channels: None/0 (as stored), 1, 3 or 4 (GIFs: None, 0 or 3).
      dtype: ``uint8``, ``uint16`` (PNG) or a float dtype (values scaled to [0, 1)).
      expand_animations: GIFs give all frames [N, H, W, 3] if True, the first [H, W, 3] if False.

    Raises:
      InvalidArgumentError: an unknown format or undecodable data.
    """
    from xlaflow.image.convert import convert_array

    fn = "decode_image"
    data = as_bytes(contents, fn)
    d = dtypes.canonical(dtype)
    if not (d.is_floating or d in (dtypes.uint8, dtypes.uint16)):
        raise ValueError(f"{fn}: argument `dtype` must be uint8, uint16 or a float dtype. Received: {d.name}")
    channels = _channels_arg(channels, (0, 1, 3, 4), fn)
    arr = decode_image_array(data, channels, fn, expand_animations, sixteen=d == dtypes.uint16)
    if d.is_floating:
        arr = np.asarray(convert_array(arr, np.dtype(d.as_numpy_dtype)))
    elif d == dtypes.uint16 and arr.dtype != np.uint16:
        arr = arr.astype(np.uint16) * np.uint16(257)
    return constant(arr)


def _image_array(image: Any, fn: str, allowed: tuple) -> np.ndarray:
    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[-1] not in allowed:
        raise ValueError(f"{fn}: argument `image` must be [height, width, channels] with channels in {allowed}. "
                         f"Received: shape {list(arr.shape)}")
    return arr


def encode_png(image, compression=-1, name=None):
    """PNG bytes of a uint8 or uint16 image [H, W, C] (C = 1, 2, 3 or 4); ``compression``
    -1 (default level) or 0..9."""
    arr = _image_array(image, "encode_png", (1, 2, 3, 4))
    if arr.dtype not in (np.uint8, np.uint16):
        raise TypeError(f"encode_png: argument `image` must be uint8 or uint16. Received: dtype={arr.dtype}")
    if compression not in range(-1, 10):
        raise ValueError(f"encode_png: argument `compression` must be -1 or 0..9. Received: {compression!r}")
    Image = _pil()
    if arr.dtype == np.uint16:
        if arr.shape[-1] != 1:
            raise NotImplementedError("encode_png: 16-bit images with more than one channel are not supported by "
                                      f"xlaflow's (Pillow) encoder. Received: shape {list(arr.shape)}")
        img = Image.fromarray(np.ascontiguousarray(arr[..., 0], dtype=np.uint16))  # mode I;16
    else:
        img = Image.fromarray(arr[..., 0] if arr.shape[-1] == 1 else arr, _MODES[arr.shape[-1]])
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=6 if compression == -1 else compression)
    return buf.getvalue()


def encode_jpeg(image, format="", quality=95, progressive=False, optimize_size=False, chroma_downsampling=True,
                density_unit="in", x_density=300, y_density=300, xmp_metadata="", name=None):
    """JPEG bytes of a uint8 image [H, W, 1 or 3].

    Args:
      format: ``""`` (from the channels), ``"grayscale"`` or ``"rgb"``.
      quality: 0..100. progressive, optimize_size: as in TF.
      chroma_downsampling: 4:2:0 chroma subsampling (else 4:4:4).
      density_unit, x_density, y_density: the JFIF density (``"in"``; ``"cm"`` raises
        NotImplementedError). xmp_metadata: an XMP packet to embed.
    """
    fn = "encode_jpeg"
    arr = _image_array(image, fn, (1, 3))
    if arr.dtype != np.uint8:
        raise TypeError(f"{fn}: argument `image` must be uint8. Received: dtype={arr.dtype}")
    if format not in ("", "grayscale", "rgb"):
        raise ValueError(f"{fn}: argument `format` must be '', 'grayscale' or 'rgb'. Received: {format!r}")
    if density_unit != "in":
        raise NotImplementedError(f"{fn}: argument `density_unit` other than 'in' is not supported. Received: {density_unit!r}")
    if not 0 <= quality <= 100:
        raise ValueError(f"{fn}: argument `quality` must be in [0, 100]. Received: {quality!r}")
    mode = {"grayscale": "L", "rgb": "RGB"}.get(format) or ("L" if arr.shape[-1] == 1 else "RGB")
    Image = _pil()
    img = Image.fromarray(arr[..., 0] if arr.shape[-1] == 1 else arr, "L" if arr.shape[-1] == 1 else "RGB").convert(mode)
    options = {"quality": int(quality), "progressive": bool(progressive), "optimize": bool(optimize_size),
               "subsampling": 2 if chroma_downsampling else 0, "dpi": (int(x_density), int(y_density))}
    if xmp_metadata:
        options["xmp"] = xmp_metadata.encode() if isinstance(xmp_metadata, str) else bytes(xmp_metadata)
    buf = io.BytesIO()
    img.save(buf, format="JPEG", **options)
    return buf.getvalue()
