"""Models whose first layer is a host (string) layer take raw strings in fit/evaluate/
predict/*_on_batch; strings given to other models are clear errors (issue 18, item 10)."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras

TEXTS = np.array(["good fun film", "bad dull plot", "fun good cast", "dull bad acting", "good good", "bad bad"] * 8)
LABELS = np.array([1, 0, 1, 0, 1, 0] * 8, np.float32)


def _model(tv, functional=False):
    layers = [keras.layers.Embedding(20, 8), keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(1, activation="sigmoid")]
    if functional:
        inp = keras.Input(shape=(1,), dtype="string")
        h = tv(inp)
        for layer in layers:
            h = layer(h)
        model = keras.Model(inp, h)
    else:
        model = keras.Sequential([tv] + layers)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    return model


@pytest.mark.parametrize("functional", [False, True])
@pytest.mark.parametrize("length", [4, None])  # fixed width: once over the array; None: per batch
def test_fit_evaluate_predict_on_raw_strings(functional, length):
    keras.utils.set_random_seed(0)
    tv = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=length)
    tv.adapt(TEXTS)
    model = _model(tv, functional)
    history = model.fit(TEXTS, LABELS, epochs=8, batch_size=8, verbose=0, validation_split=0.25)
    assert history.history["accuracy"][-1] == 1.0 and "val_loss" in history.history
    loss, acc = model.evaluate(TEXTS, LABELS, verbose=0)
    assert acc == 1.0
    pred = model.predict(np.array(["good fun", "bad dull"]), verbose=0)
    assert pred[0, 0] > 0.5 > pred[1, 0]
    np.testing.assert_allclose(model.predict_on_batch(np.array(["good fun", "bad dull"])), pred, rtol=1e-5)
    eager = model(tf.constant(["good fun", "bad dull"])).numpy()
    np.testing.assert_allclose(eager, pred, rtol=1e-5)
    assert np.isfinite(model.train_on_batch(TEXTS[:8], LABELS[:8])[0])


def test_datasets_and_generators_of_strings():
    keras.utils.set_random_seed(1)
    tv = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    tv.adapt(TEXTS)
    model = _model(tv)
    ds = tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).shuffle(48, seed=1).batch(8)
    model.fit(ds, epochs=6, verbose=0, validation_data=ds)
    assert model.evaluate(ds, verbose=0)[1] == 1.0
    gen = ((TEXTS[i:i + 8], LABELS[i:i + 8]) for i in range(0, 48, 8))
    model.fit(gen, epochs=1, verbose=0)
    assert model.predict(tf.data.Dataset.from_tensor_slices(TEXTS[:5]).batch(2), verbose=0).shape == (5, 1)


def test_saved_model_predicts_on_raw_strings(tmp_path):
    tv = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    tv.adapt(TEXTS)
    model = _model(tv)
    model.fit(TEXTS, LABELS, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    queries = np.array(["good fun", "bad dull", "unknown words"])
    np.testing.assert_allclose(loaded.predict(queries, verbose=0), model.predict(queries, verbose=0), rtol=1e-6)


def test_strings_to_a_numeric_model_are_clear_errors():
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    hint = "make a StringLookup or TextVectorization layer the model's first layer"
    with pytest.raises(ValueError, match=rf"Sequential.fit: argument `x` holds strings, .*{hint}.*Received: x=an array of dtype <U"):
        model.fit(TEXTS, LABELS, verbose=0)
    with pytest.raises(ValueError, match="Sequential.predict: argument `x` holds strings"):
        model.predict(["a", "b"], verbose=0)
    with pytest.raises(ValueError, match="Sequential.train_on_batch: argument `x` holds strings"):
        model.train_on_batch(tf.constant(["a"]), np.zeros(1))
    with pytest.raises(ValueError, match=r"Model: argument `x` holds strings"):  # found batch by batch
        model.fit(tf.data.Dataset.from_tensor_slices((TEXTS, LABELS)).batch(4), verbose=0)
    numeric = np.zeros((48, 3), np.float32)
    with pytest.raises(ValueError, match=r"argument `y` holds strings, .*map them with a StringLookup layer"):
        model.fit(numeric, TEXTS, verbose=0)


def test_head_takes_strings_only():
    tv = keras.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    tv.adapt(TEXTS)
    model = _model(tv)
    with pytest.raises(ValueError, match=r"argument `x` must hold strings: the model's first layer TextVectorization"):
        model.predict(np.zeros((2, 4), np.int32), verbose=0)
