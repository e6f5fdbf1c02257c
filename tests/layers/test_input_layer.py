"""InputLayer: Keras 3 arguments, Sequential building from it, summary counts of a
normalization stack against Keras, errors, config."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import Sequential, layers
from _norm_attention_golden import summary


def test_shape_batch_shape_and_dtype():
    layer = layers.InputLayer(shape=(20,), batch_size=8, name="inp")
    assert layer.batch_shape == (8, 20) and layer.dtype == tf.float32 and layer.built
    assert layers.InputLayer(batch_shape=(None, 3, 4), dtype="int32").batch_shape == (None, 3, 4)
    out = layers.InputLayer(shape=(2,), dtype="float32")(np.array([[1, 2]], np.int32))
    assert out.dtype == tf.float32
    with pytest.warns(UserWarning, match="`input_shape` is deprecated"):
        assert layers.InputLayer(input_shape=(3,)).batch_shape == (None, 3)
    assert layers.InputLayer(batch_input_shape=(4, 3)).batch_shape == (4, 3)


def test_config_round_trip():
    layer = layers.InputLayer(shape=(3, 2), dtype="float32", name="inp_cfg")
    config = layer.get_config()
    assert config == {"batch_shape": (None, 3, 2), "dtype": "float32", "sparse": False, "ragged": False,
                      "name": "inp_cfg", "optional": False}
    clone = layers.InputLayer.from_config({**config, "name": "inp_cfg_clone"})
    assert clone.batch_shape == (None, 3, 2) and clone.name == "inp_cfg_clone"


def test_sequential_builds_from_an_input_layer_and_hides_it():
    model = Sequential([layers.InputLayer(shape=(20,)), layers.Dense(1)])
    assert model.built and len(model.layers) == 1 and isinstance(model.layers[0], layers.Dense)
    assert model.layers[0].kernel.shape.as_list() == [20, 1]
    assert model(np.ones((3, 20), np.float32)).shape == (3, 1)
    with pytest.raises(ValueError, match='Input 0 of layer "input_strict" is incompatible'):
        Sequential([layers.InputLayer(shape=(4,), name="input_strict"), layers.Dense(1)])(np.ones((3, 5), np.float32))


def test_summary_parameter_counts_match_keras():
    info = summary()
    model = Sequential([
        layers.InputLayer(shape=(5, 8)), layers.Normalization(), layers.TimeDistributed(layers.Dense(16)),
        layers.BatchNormalization(), layers.LayerNormalization(), layers.Dense(4),
    ])
    assert [[type(l).__name__, l.count_params()] for l in model.layers] == info["sequential_layers"]
    assert model.count_params() == info["sequential_total"]
    assert int(sum(np.prod(w.shape.as_list()) for w in model.trainable_weights)) == info["sequential_trainable"]
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert f"Total params: {info['sequential_total']:,}" in text
    assert f"Trainable params: {info['sequential_trainable']:,}" in text
    assert "InputLayer" not in text
    assert model(np.ones((2, 5, 8), np.float32)).shape == (2, 5, 4)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="InputLayer: you must pass a `shape` argument"):
        layers.InputLayer()
    with pytest.raises(ValueError, match="cannot pass both `shape` and `batch_shape`"):
        layers.InputLayer(shape=(2,), batch_shape=(None, 2))
    with pytest.raises(ValueError, match="cannot pass both `batch_size` and `batch_shape`"):
        layers.InputLayer(batch_size=2, batch_shape=(None, 2))
    with pytest.raises(ValueError, match="`sparse=True` is not supported"):
        layers.InputLayer(shape=(2,), sparse=True)
    with pytest.raises(ValueError, match="argument `shape` must hold non-negative ints"):
        layers.InputLayer(shape=(2, "a"))
