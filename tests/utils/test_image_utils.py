"""``load_img``, ``img_to_array``, ``array_to_img``, ``save_img`` and ``smart_resize`` (Keras 3's rules)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

import xlaflow as tf
from xlaflow import keras
from xlaflow.keras.preprocessing import image as kimage

RNG = np.random.default_rng(9)
ARR = RNG.integers(0, 256, (10, 16, 3), dtype=np.uint8)


@pytest.fixture
def png(tmp_path):
    path = tmp_path / "x.png"
    Image.fromarray(ARR).save(path)
    return path


def test_load_img_modes_and_sizes(png):
    img = keras.utils.load_img(png)
    assert img.mode == "RGB" and img.size == (16, 10)
    assert keras.utils.load_img(str(png), color_mode="grayscale").mode == "L"
    assert keras.utils.load_img(io.BytesIO(png.read_bytes()), color_mode="rgba").mode == "RGBA"
    small = keras.utils.load_img(png, target_size=(5, 8))
    np.testing.assert_array_equal(np.asarray(small), np.asarray(Image.fromarray(ARR).resize((8, 5), Image.Resampling.NEAREST)))
    kept = keras.utils.load_img(png, target_size=(5, 5), interpolation="bilinear", keep_aspect_ratio=True)
    want = Image.fromarray(ARR).resize((5, 5), Image.Resampling.BILINEAR, box=[3, 0, 13, 10])  # centred 10x10 window
    np.testing.assert_array_equal(np.asarray(kept), np.asarray(want))
    with pytest.raises(ValueError, match="color_mode"):
        keras.utils.load_img(png, color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        keras.utils.load_img(png, target_size=(3, 3), interpolation="area")
    with pytest.raises(TypeError, match="path"):
        keras.utils.load_img(3)


def test_array_conversions(tmp_path):
    x = keras.utils.img_to_array(Image.fromarray(ARR))
    assert x.dtype == np.float32 and x.shape == (10, 16, 3)
    assert keras.utils.img_to_array(Image.fromarray(ARR), data_format="channels_first").shape == (3, 10, 16)
    assert keras.utils.img_to_array(Image.fromarray(ARR[..., 0])).shape == (10, 16, 1)
    img = keras.utils.array_to_img(x / 255.0 * 2 - 1)  # scaled back to 0..255
    assert np.abs(np.asarray(img).astype(int) - (ARR.astype(int) - ARR.min()) * 255 // (ARR.max() - ARR.min())).max() <= 1
    np.testing.assert_array_equal(np.asarray(keras.utils.array_to_img(x, scale=False)), ARR)
    assert keras.utils.array_to_img(np.full((2, 2, 1), 1000.0), scale=False).mode == "I"
    with pytest.raises(ValueError, match="rank 3"):
        keras.utils.array_to_img(x[0])
    with pytest.raises(ValueError, match="channel number 2"):
        keras.utils.array_to_img(x[..., :2])
    keras.utils.save_img(tmp_path / "a.png", x, scale=False)
    with Image.open(tmp_path / "a.png") as saved:
        np.testing.assert_array_equal(np.asarray(saved), ARR)
    with pytest.warns(UserWarning, match="RGBA"):
        keras.utils.save_img(str(tmp_path / "b.jpg"), np.concatenate([x, x[..., :1]], -1), quality=90)
    with Image.open(tmp_path / "b.jpg") as saved:
        assert saved.format == "JPEG" and saved.mode == "RGB"


def test_smart_resize_crops_the_centre():
    x = RNG.random((10, 20, 3), dtype=np.float32)
    out = kimage.smart_resize(x, (10, 10))
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, x[:, 5:15], rtol=1e-6)  # same size: the resize is the identity
    batch = tf.constant(np.stack([x, x]))
    assert kimage.smart_resize(batch, (5, 4)).shape == (2, 5, 4, 3)
    np.testing.assert_allclose(kimage.smart_resize(np.moveaxis(x, -1, 0), (10, 10), data_format="channels_first"),
                               np.moveaxis(x[:, 5:15], -1, 0), rtol=1e-6)
    with pytest.raises(ValueError, match="tuple of 2"):
        kimage.smart_resize(x, (3,))
