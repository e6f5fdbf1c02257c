"""Sequential: building from input_shape, summary parameter counts, calls, errors."""

from __future__ import annotations

import numpy as np
import pytest

from xlaflow.layers import Dense
from xlaflow.models import Sequential


def test_seed_model_builds_from_input_shape_and_counts_parameters():
    model = Sequential([Dense(10, activation="relu", input_shape=(100,)), Dense(1)])
    assert model.built and model.count_params() == 1021
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 10)" in text and "(None, 1)" in text and "1,010" in text
    assert "Total params: 1,021 (3.99 KB)" in text and "Trainable params: 1,021" in text
    assert len(model.trainable_variables) == 4


def test_seed_000_model_counts():
    model = Sequential([Dense(10, activation="relu", input_shape=(784,)), Dense(10, activation="softmax")])
    assert [layer.count_params() for layer in model.layers] == [7850, 110]
    lines = []
    model.summary(print_fn=lines.append)
    assert "Total params: 7,960" in "\n".join(lines)


def test_seed_002_model_counts():
    model = Sequential([Dense(10, activation="relu", input_shape=(20,)), Dense(1, activation="sigmoid")])
    lines = []
    model.summary(print_fn=lines.append)
    assert [layer.count_params() for layer in model.layers] == [210, 11] and "Total params: 221" in "\n".join(lines)


def test_call_matches_layer_by_layer_and_builds_lazily():
    model = Sequential()
    model.add(Dense(3, activation="relu"))
    model.add(Dense(2))
    assert not model.built
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    out = model(x)
    first, second = model.layers
    np.testing.assert_allclose(out.numpy(), second(first(x)).numpy(), rtol=1e-6)
    lines = []
    model.summary(print_fn=lines.append)
    assert any("(None, 2)" in line for line in lines)


def test_errors():
    model = Sequential([Dense(2, name="a", input_shape=(3,))])
    with pytest.raises(TypeError, match="Sequential.add: argument `layer` must be a keras Layer"):
        model.add("dense")
    with pytest.raises(ValueError, match="'a' is already used"):
        model.add(Dense(2, name="a"))
    with pytest.raises(ValueError, match="no layer named 'b'"):
        model.get_layer("b")
    assert model.get_layer("a") is model.layers[0]
