"""``keras.utils.image_dataset_from_directory`` against real Keras 3 on a tiny folder.

File order, class names and splits must match Keras exactly (they use the same
``RandomState`` shuffling); images and labels match wherever the element order is
deterministic (no per-epoch shuffle: tf.data's shuffle order is TF's own).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras

HERE = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location("_image_folder", HERE / "_image_folder.py")
folder = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(folder)
GOLDEN = np.load(HERE.parent / "golden" / "keras_image_dataset.npz")
META = json.loads(str(GOLDEN["__meta__"]))["cases"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return folder.write(str(tmp_path_factory.mktemp("images")))


@pytest.mark.parametrize("i", range(len(folder.CASES)))
def test_matches_keras(root, i):
    kwargs, ordered = folder.CASES[i]
    result = keras.utils.image_dataset_from_directory(root, verbose=False, **kwargs)
    parts = result if isinstance(result, list) else [result]
    assert len(parts) == len(META[i])
    for j, (ds, want) in enumerate(zip(parts, META[i])):
        assert ds.class_names == want["class_names"]
        assert [os.path.relpath(p, root) for p in ds.file_paths] == want["file_paths"]
        if not (ordered or j == 1):
            continue
        elements = list(ds)
        assert len(elements) == len({k.split("/")[2] for k in GOLDEN.files if k.startswith(f"{i}/{j}/")})
        for k, element in enumerate(elements):
            for m, leaf in enumerate(element if isinstance(element, tuple) else (element,)):
                expect = GOLDEN[f"{i}/{j}/{k}/{m}"]
                got = np.asarray(leaf)
                assert got.dtype == expect.dtype and got.shape == expect.shape, (got.dtype, got.shape, expect.dtype, expect.shape)
                np.testing.assert_allclose(got, expect, rtol=1e-5, atol=1e-3)


def test_shuffled_training_set_is_a_permutation_each_epoch(root):
    ds = keras.utils.image_dataset_from_directory(root, image_size=(4, 4), batch_size=3, seed=5, verbose=False)
    epochs = [np.concatenate([y.numpy() for _, y in ds]) for _ in range(3)]
    for labels in epochs:
        assert sorted(labels.tolist()) == sorted([0] * 4 + [1] * 3 + [2] * 1 + [3] * 2)
    assert len({tuple(e) for e in epochs}) > 1  # reshuffled per epoch
    x, _ = next(iter(ds))
    assert x.shape == (3, 4, 4, 3) and x.dtype == tf.float32


def test_messages_and_errors(root, capsys):
    keras.utils.image_dataset_from_directory(root, image_size=4, validation_split=0.2, subset="training", seed=1)
    out = capsys.readouterr().out
    assert "Found 10 files belonging to 4 classes." in out and "Using 8 files for training." in out
    with pytest.raises(ValueError, match="must provide a `seed`"):
        keras.utils.image_dataset_from_directory(root, validation_split=0.2, subset="training", verbose=False)
    with pytest.raises(ValueError, match="exactly 2 class_names"):
        keras.utils.image_dataset_from_directory(root, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="class_names.*did not match"):
        keras.utils.image_dataset_from_directory(root, class_names=["cat", "lion"], verbose=False)
    with pytest.raises(ValueError, match="lengths of `labels`"):
        keras.utils.image_dataset_from_directory(root, labels=[0, 1], verbose=False)
    with pytest.raises(ValueError, match="`color_mode`"):
        keras.utils.image_dataset_from_directory(root, color_mode="cmyk", verbose=False)
    with pytest.raises(ValueError, match="`interpolation`"):
        keras.utils.image_dataset_from_directory(root, interpolation="linear", verbose=False)
    with pytest.raises(ValueError, match="Only one of"):
        keras.utils.image_dataset_from_directory(root, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True, verbose=False)
    with pytest.raises(NotImplementedError, match="format='tf'"):
        keras.utils.image_dataset_from_directory(root, format="grain", verbose=False)
    empty = os.path.join(root, "..", "empty_folder")
    os.makedirs(os.path.join(empty, "a_class"), exist_ok=True)
    with pytest.raises(ValueError, match="No images found"):
        keras.utils.image_dataset_from_directory(empty, verbose=False)
    with pytest.raises(ValueError, match="existing directory"):
        keras.utils.image_dataset_from_directory(os.path.join(root, "missing"), verbose=False)
    assert keras.preprocessing.image_dataset_from_directory is keras.utils.image_dataset_from_directory
