"""An IMDB-style sentiment classifier trained from a folder of small generated text
files: ``text_dataset_from_directory`` -> ``TextVectorization`` (adapted on the
training texts) -> ``Embedding`` -> pooling or ``LSTM`` -> a sigmoid. Tiny data, a
real pipeline: raw strings into the model, and integer sequences made in the pipeline."""

from __future__ import annotations

import numpy as np
import pytest

from xlaflow import keras

POSITIVE = ["great", "wonderful", "moving", "brilliant", "funny", "superb"]
NEGATIVE = ["awful", "boring", "dull", "clumsy", "tedious", "poor"]
FILLER = ["the", "film", "plot", "actors", "and", "was", "a", "story", "it", "really"]


@pytest.fixture(scope="module")
def reviews(tmp_path_factory):
    root = tmp_path_factory.mktemp("reviews")
    rng = np.random.default_rng(7)
    for label, words in (("pos", POSITIVE), ("neg", NEGATIVE)):
        (root / label).mkdir()
        for i in range(40):
            text = " ".join(rng.choice(FILLER + words * 2, size=rng.integers(8, 16)))
            (root / label / f"{i}.txt").write_text(text.capitalize() + ".\n")
    (root / "pos" / "notes.md").write_text("not a review")  # only .txt files count
    return str(root)


def _datasets(folder):
    return keras.utils.text_dataset_from_directory(folder, batch_size=8, validation_split=0.25, subset="both", seed=5,
                                                   verbose=False)


def test_raw_strings_into_the_model(reviews):
    keras.utils.set_random_seed(0)
    train, val = _datasets(reviews)
    assert train.class_names == ["neg", "pos"]
    vectorize = keras.layers.TextVectorization(max_tokens=100, output_sequence_length=16)
    vectorize.adapt(train.map(lambda text, label: text))
    model = keras.Sequential([vectorize, keras.layers.Embedding(100, 16), keras.layers.GlobalAveragePooling1D(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=6, verbose=0)
    assert history.history["val_accuracy"][-1] >= 0.9
    scores = model.predict(np.array(["a wonderful and moving story", "boring, dull and tedious"]), verbose=0)
    assert scores[0, 0] > 0.5 > scores[1, 0]


def test_integer_sequences_from_the_pipeline_into_an_lstm(reviews):
    keras.utils.set_random_seed(0)
    train, val = _datasets(reviews)
    vectorize = keras.layers.TextVectorization(max_tokens=100, output_sequence_length=16)
    vectorize.adapt(train.map(lambda text, label: text))
    to_ids = lambda text, label: (vectorize(text), label)  # noqa: E731
    model = keras.Sequential([keras.layers.Embedding(100, 16, mask_zero=True), keras.layers.LSTM(8),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(train.map(to_ids), epochs=3, verbose=0)  # (one compiled program: LSTMs compile slowly on CPU)
    assert history.history["accuracy"][-1] >= 0.9
