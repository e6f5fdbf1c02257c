"""``keras.utils.text_dataset_from_directory``: Keras 3's file order, labels, splits and
errors (the file listing is Keras' own rule, so a seed gives Keras' split)."""

from __future__ import annotations

import numpy as np
import pytest

from xlaflow import keras


@pytest.fixture
def folder(tmp_path):
    for label in ("b_neg", "a_pos", "c_mid"):
        (tmp_path / label).mkdir()
        for i in range(4):
            (tmp_path / label / f"{i}.txt").write_bytes(f"{label} text {i} é".encode() + b"\xff")
    (tmp_path / "a_pos" / "skip.csv").write_text("x")
    (tmp_path / ".hidden").mkdir()
    return tmp_path


def test_labels_order_and_contents(folder, capsys):
    ds = keras.utils.text_dataset_from_directory(folder, batch_size=None, shuffle=False)
    assert "Found 12 files belonging to 3 classes." in capsys.readouterr().out
    items = list(ds.as_numpy_iterator())
    assert ds.class_names == ["a_pos", "b_neg", "c_mid"]
    assert [int(y) for _, y in items] == [0] * 4 + [1] * 4 + [2] * 4
    assert items[0][0] == "a_pos text 0 é".encode() + b"\xff"  # bytes as they are (invalid UTF-8 kept)


def test_label_modes_batches_and_max_length(folder):
    cat = keras.utils.text_dataset_from_directory(folder, label_mode="categorical", batch_size=5, seed=1, max_length=5,
                                                  verbose=False)
    x, y = next(iter(cat))
    assert x.dtype.name == "string" and x.shape == [5] and all(len(s) == 5 for s in x.numpy())
    assert y.shape == [5, 3] and y.dtype.name == "float32"
    texts_only = keras.utils.text_dataset_from_directory(folder, labels=None, batch_size=4, verbose=False)
    assert texts_only.element_spec.dtype.name == "string"
    with pytest.raises(ValueError, match='label_mode="binary"`, there must be exactly 2 class_names'):
        keras.utils.text_dataset_from_directory(folder, label_mode="binary", verbose=False)


def test_validation_split_partitions_the_files(folder):
    train, val = keras.utils.text_dataset_from_directory(folder, batch_size=None, validation_split=0.25, subset="both",
                                                         seed=3, verbose=False)
    a = {t for t, _ in train.as_numpy_iterator()}
    b = {t for t, _ in val.as_numpy_iterator()}
    assert len(a) == 9 and len(b) == 3 and not a & b
    again = keras.utils.text_dataset_from_directory(folder, batch_size=None, validation_split=0.25, subset="validation",
                                                    seed=3, verbose=False)
    assert {t for t, _ in again.as_numpy_iterator()} == b  # the same files (the subset alone is reshuffled)
    with pytest.raises(ValueError, match="you must provide a `seed` argument"):
        keras.utils.text_dataset_from_directory(folder, validation_split=0.2, subset="training")


def test_argument_errors(folder, tmp_path):
    with pytest.raises(ValueError, match="`labels` argument should be a list/tuple"):
        keras.utils.text_dataset_from_directory(folder, labels="bogus")
    with pytest.raises(NotImplementedError, match="format='grain' is not supported"):
        keras.utils.text_dataset_from_directory(folder, format="grain")
    with pytest.raises(ValueError, match="No text files found"):
        (tmp_path / "empty").mkdir()
        keras.utils.text_dataset_from_directory(tmp_path / "empty", labels=None, verbose=False)
    with pytest.raises(ValueError, match="class_names"):
        keras.utils.text_dataset_from_directory(folder, class_names=["nope"])
    explicit = keras.utils.text_dataset_from_directory(folder, labels=list(np.arange(12) % 2), batch_size=None,
                                                       shuffle=False, verbose=False)
    assert explicit.class_names == ["0", "1"]
