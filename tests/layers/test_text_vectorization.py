"""TextVectorization beyond the Keras goldens: adapt sources and their errors,
vocabulary files, callables, ragged output, config round trips, the functional API,
pipelines and the refusal inside compiled code."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras

TEXTS = ["the cat sat", "the dog ran", "a cat"]


def test_adapt_on_datasets_generators_and_steps():
    tv = keras.layers.TextVectorization()
    tv.adapt(tf.data.Dataset.from_tensor_slices(TEXTS).batch(2))
    assert tv.get_vocabulary() == ["", "[UNK]", "the", "cat", "sat", "ran", "dog", "a"]
    tv2 = keras.layers.TextVectorization()
    tv2.adapt((np.array(TEXTS[i:i + 1]) for i in range(3)), steps=2)  # a generator, two batches
    assert tv2.get_vocabulary() == ["", "[UNK]", "the", "sat", "ran", "dog", "cat"]
    tv3 = keras.layers.TextVectorization()
    tv3.adapt(np.array(TEXTS * 3), batch_size=2)
    assert tv3.get_vocabulary() == tv.get_vocabulary()


def test_adapt_errors():
    tv = keras.layers.TextVectorization()
    with pytest.raises(ValueError, match=r"adapt: the data held no values \(an empty dataset or array\?\)"):
        tv.adapt(tf.data.Dataset.from_tensor_slices(np.array([], dtype=str)).batch(2))
    with pytest.raises(TypeError, match=r"adapt takes the inputs only: pass dataset.map\(lambda x, y: x\)"):
        tv.adapt(tf.data.Dataset.from_tensor_slices((TEXTS, [0, 1, 0])).batch(2))
    with pytest.raises(ValueError, match="`steps` applies to datasets and iterables, not to arrays"):
        tv.adapt(TEXTS, steps=1)
    fixed = keras.layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(ValueError, match="after setting a static vocabulary"):
        fixed.adapt(TEXTS)


def test_vocabulary_file_and_its_errors(tmp_path):
    good = tmp_path / "vocab.txt"
    good.write_bytes("cat\r\ndog\nété\n".encode())
    tv = keras.layers.TextVectorization(vocabulary=str(good))
    assert tv.get_vocabulary() == ["", "[UNK]", "cat", "dog", "été"]
    assert tv(["dog été bird"]).numpy().tolist() == [[3, 4, 1]]
    dup = tmp_path / "dup.txt"
    dup.write_text("a\nb\na\n")
    with pytest.raises(ValueError, match=r"vocabulary file .*dup.txt' holds repeated terms \(each must appear once\). Repeated: \[b'a'\]"):
        keras.layers.StringLookup(vocabulary=str(dup))
    with pytest.raises(ValueError, match="does not exist"):
        keras.layers.StringLookup(vocabulary=str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError, match="repeated term"):
        keras.layers.TextVectorization(vocabulary=["a", "b", "a"])


def test_callables_and_ragged_output():
    def keep_vowels(x):
        return tf.strings.regex_replace(tf.strings.lower(x), "[^aeiou ]", "")

    tv = keras.layers.TextVectorization(standardize=keep_vowels, split=lambda x: tf.strings.split(x, sep=" "), ragged=True)
    tv.adapt(["Hello World", "Ooh"])
    out = tv(["eo o", "x"])
    assert tv.get_vocabulary() == ["", "[UNK]", "oo", "o", "eo"]  # ties: higher token first
    assert isinstance(out, tf.RaggedTensor) and out.to_list() == [[4, 3], [0]]  # "x" -> "" -> the mask token


def test_config_round_trip_and_compute_output_shape():
    tv = keras.layers.TextVectorization(max_tokens=10, output_mode="multi_hot", ngrams=2)
    tv.adapt(TEXTS)
    config = tv.get_config()
    assert config["vocabulary_size"] == tv.vocabulary_size() and config["ngrams"] == 2
    clone = keras.layers.TextVectorization.from_config(config)
    assert clone.compute_output_shape((None,)) == (None, 10)
    seq = keras.layers.TextVectorization(output_sequence_length=7)
    assert seq.compute_output_shape((None,)) == (None, 7)


def test_functional_input_and_pipeline_map():
    tv = keras.layers.TextVectorization(output_sequence_length=4)
    tv.adapt(TEXTS)
    inp = keras.Input(shape=(1,), dtype="string")
    out = tv(inp)
    assert out.shape.as_list() == [None, 4] and out.dtype in (tf.int32, tf.int64)
    ds = tf.data.Dataset.from_tensor_slices((TEXTS, [1, 0, 1])).batch(2).map(lambda x, y: (tv(x), y))
    first = next(iter(ds))
    assert tv.get_vocabulary() == ["", "[UNK]", "the", "cat", "sat", "ran", "dog", "a"]
    assert first[0].numpy().tolist() == [[2, 3, 4, 0], [2, 6, 5, 0]]


def test_refused_inside_compiled_code_and_bad_inputs():
    tv = keras.layers.TextVectorization(vocabulary=["a"])
    with pytest.raises(TypeError, match="String processing must happen in the input pipeline"):
        tf.function(lambda x: tv(x))(tf.constant(["a"]))
    with pytest.raises(TypeError, match="runs on the host and cannot be called inside compiled code"):
        tv._traced_call(None)
    with pytest.raises(ValueError, match="the input rank must be 1 or the last shape dimension must be 1"):
        tv(np.array([["a", "b"]]))
    with pytest.raises(NotImplementedError, match="sparse=True"):
        keras.layers.TextVectorization(sparse=True)
    with pytest.raises(ValueError, match="must be 'utf-8'"):
        keras.layers.StringLookup(encoding="latin-1")


def test_invalid_utf8_and_character_split():
    tv = keras.layers.TextVectorization(split="character", standardize=None)
    tv.adapt([b"ab\xff", "é"])
    assert set(tv.get_vocabulary()) == {"", "[UNK]", "a", "b", "\ufffd", "é"}  # TF's errors="replace"
