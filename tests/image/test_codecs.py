"""Image codecs (Pillow): round trips, options that cannot be honoured, bad contents.
Pixel values against TensorFlow's decoders are in ``test_image_golden.py``."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf

RNG = np.random.default_rng(5)
RGB = RNG.integers(0, 256, (9, 7, 3), dtype=np.uint8)


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_png_round_trip(channels):
    img = RNG.integers(0, 256, (5, 6, channels), dtype=np.uint8)
    data = tf.image.encode_png(img)
    assert isinstance(data, bytes) and data[:4] == b"\x89PNG"
    out = tf.image.decode_png(data)
    assert out.dtype == tf.uint8
    np.testing.assert_array_equal(out.numpy(), img)
    np.testing.assert_array_equal(tf.io.decode_image(data).numpy(), img)


def test_png_16_bit_and_compression():
    img = RNG.integers(0, 65536, (4, 5, 1), dtype=np.uint16)
    data = tf.image.encode_png(img, compression=9)
    np.testing.assert_array_equal(tf.image.decode_png(data, dtype=tf.uint16).numpy(), img)
    np.testing.assert_array_equal(tf.image.decode_png(data).numpy(), (img >> 8).astype(np.uint8))
    with pytest.raises(ValueError, match="compression"):
        tf.image.encode_png(RGB, compression=11)


def test_jpeg_round_trip_and_options():
    smooth = np.kron(RGB, np.ones((4, 4, 1), np.uint8))
    data = tf.image.encode_jpeg(smooth, quality=100, chroma_downsampling=False)
    assert tf.image.is_jpeg(data).numpy() and not tf.image.is_jpeg(tf.image.encode_png(RGB)).numpy()
    out = tf.image.decode_jpeg(data).numpy()
    assert out.shape == smooth.shape and np.abs(out.astype(int) - smooth).mean() < 3
    assert tf.image.decode_jpeg(data, channels=1).shape == (36, 28, 1)
    assert tf.image.decode_jpeg(data, ratio=4).shape == (9, 7, 3)
    gray = tf.image.encode_jpeg(smooth[..., :1], quality=90, progressive=True, optimize_size=True)
    assert tf.image.decode_image(gray).shape == (36, 28, 1)
    with pytest.raises(NotImplementedError, match="dct_method"):
        tf.image.decode_jpeg(data, dct_method="INTEGER_FAST")
    with pytest.raises(NotImplementedError, match="fancy_upscaling"):
        tf.image.decode_jpeg(data, fancy_upscaling=False)
    with pytest.raises(NotImplementedError, match="density_unit"):
        tf.image.encode_jpeg(smooth, density_unit="cm")
    with pytest.raises(ValueError, match="ratio"):
        tf.image.decode_jpeg(data, ratio=3)
    with pytest.raises(TypeError, match="uint8"):
        tf.image.encode_jpeg(smooth.astype(np.float32))


def test_decode_image_dtypes_and_gif():
    data = tf.image.encode_png(RGB)
    as_float = tf.image.decode_image(data, dtype=tf.float32).numpy()
    np.testing.assert_allclose(as_float, RGB / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(tf.image.decode_image(data, dtype=tf.uint16).numpy(), RGB.astype(np.uint16) * 257)
    from PIL import Image
    import io

    frames = [Image.fromarray(np.full((4, 5, 3), v, np.uint8)) for v in (10, 200)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    gif = buf.getvalue()
    assert tf.image.decode_gif(gif).shape == (2, 4, 5, 3)
    assert tf.image.decode_image(gif).shape == (2, 4, 5, 3)
    assert tf.image.decode_image(gif, expand_animations=False).shape == (4, 5, 3)


def test_contents_forms_and_errors():
    data = tf.image.encode_png(RGB)
    np.testing.assert_array_equal(tf.image.decode_png(np.array(data, dtype=object)).numpy(), RGB)
    with pytest.raises(TypeError, match="`contents` must be the encoded image as bytes"):
        tf.image.decode_png(RGB)
    with pytest.raises(tf.errors.InvalidArgumentError, match="could not decode"):
        tf.image.decode_png(b"\x89PNG\r\n\x1a\n-not-really")
    with pytest.raises(tf.errors.InvalidArgumentError, match="unknown image file format"):
        tf.image.decode_image(b"hello world")
    with pytest.raises(ValueError, match="channels"):
        tf.image.decode_png(data, channels=2)


def test_decode_inside_dataset_map(tmp_path):
    paths = []
    for i in range(6):
        p = tmp_path / f"{i}.png"
        p.write_bytes(tf.image.encode_png(np.full((6, 4, 3), i * 10, np.uint8)))
        paths.append(str(p))
    ds = tf.data.Dataset.from_tensor_slices(paths).map(
        lambda p: tf.image.resize(tf.io.decode_png(tf.io.read_file(p), channels=3), [3, 2]) / 255.0).batch(3)
    batches = [b.numpy() for b in ds]
    assert [b.shape for b in batches] == [(3, 3, 2, 3)] * 2
    np.testing.assert_allclose(np.concatenate(batches)[:, 0, 0, 0], np.arange(6) * 10 / 255.0, rtol=1e-6)
