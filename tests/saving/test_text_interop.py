"""``.keras`` files with text layers move between Keras 3 and xlaflow both ways.

tests/golden/keras_files/{text_int,text_tfidf,string_lookup}.keras were written by
real Keras (tools/golden/make_text_keras_files.py) with its predictions on raw query
strings; xlaflow loads them (vocabulary assets, tf_idf weights) and must predict the
same from raw strings. tests/golden/xlaflow_files/ holds the files xlaflow wrote
(tools/golden/make_xlaflow_text_files.py) and Keras' verdict on them.
"""

from __future__ import annotations

import json
import pathlib
import zipfile

import numpy as np
import pytest

from xlaflow import keras

from _text_interop_data import NAMES, build, queries

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden"
KERAS_REF = json.loads((GOLDEN / "keras_files" / "text_reference.json").read_text(encoding="utf-8"))
VERDICT = json.loads((GOLDEN / "xlaflow_files" / "text_keras_verdict.json").read_text(encoding="utf-8"))


def _vocabulary(model) -> list:
    return next(layer for layer in model.layers if hasattr(layer, "get_vocabulary")).get_vocabulary()


@pytest.mark.parametrize("name", NAMES)
def test_xlaflow_loads_keras_files_and_predicts_on_raw_strings(name):
    model = keras.models.load_model(GOLDEN / "keras_files" / f"{name}.keras")
    assert _vocabulary(model) == KERAS_REF[name]["vocabulary"]
    got = model.predict(np.array(queries(name)), verbose=0)
    np.testing.assert_allclose(got, KERAS_REF[name]["predictions"], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_keras_loads_xlaflow_files(name):
    """Keras' predictions from xlaflow's files equal xlaflow's from the same files."""
    model = keras.models.load_model(GOLDEN / "xlaflow_files" / f"{name}.keras")
    assert _vocabulary(model) == VERDICT[name]["vocabulary"]
    np.testing.assert_allclose(model.predict(np.array(queries(name)), verbose=0), VERDICT[name]["predictions"],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_xlaflow_writes_keras_layout(name, tmp_path):
    """The archive members xlaflow writes today are the ones Keras wrote (config, weights, assets)."""
    keras.utils.set_random_seed(1)
    path = tmp_path / f"{name}.keras"
    build(keras, name).save(path)
    ours = sorted(zipfile.ZipFile(path).namelist())
    theirs = sorted(zipfile.ZipFile(GOLDEN / "keras_files" / f"{name}.keras").namelist())
    assert ours == theirs
    again = keras.models.load_model(path)
    assert _vocabulary(again) == _vocabulary(keras.models.load_model(GOLDEN / "xlaflow_files" / f"{name}.keras"))


def test_vocabulary_file_outside_the_archive_is_refused_in_safe_mode(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("a\nb\n")
    layer = keras.layers.StringLookup(vocabulary=str(vocab))
    model = keras.Sequential([keras.Input(shape=(1,), dtype="string"), layer])
    config_path = tmp_path / "m.keras"
    model.save(config_path)  # the path is not in the config (the vocabulary is an asset)
    assert keras.models.load_model(config_path).layers[0].get_vocabulary() == ["[UNK]", "a", "b"]
