"""Embedding: Keras golden, default initializer range, errors, config, compiled use."""

from __future__ import annotations

import numpy as np
import pytest
from _core_layers_golden import case_names, check_case

import xlaflow as tf
from xlaflow.layers import Embedding


@pytest.mark.parametrize("name", case_names("Embedding"))
def test_matches_keras(name):
    check_case(name)


def test_uniform_default_and_weight_name():
    layer = Embedding(100, 50, name="emb")
    out = layer(np.array([[1, 2, 3]], np.int32))
    table = layer.embeddings.numpy()
    assert out.shape == (1, 3, 50) and out.dtype == tf.float32
    assert np.abs(table).max() <= 0.05 and np.abs(table).max() > 0.04
    assert [w.name for w in layer.weights] == ["emb/embeddings:0"]


def test_float_ids_are_cast_to_int():
    layer = Embedding(4, 2)
    np.testing.assert_allclose(layer(np.array([3.0, 1.0], np.float32)).numpy(), layer.embeddings.numpy()[[3, 1]])


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="Embedding: argument `input_dim` must be a positive int. Received: input_dim=0"):
        Embedding(0, 3)
    with pytest.raises(ValueError, match="Embedding: argument `output_dim` must be a positive int"):
        Embedding(3, -1)


def test_config_round_trip():
    layer = Embedding(7, 3, mask_zero=True, name="e")
    config = layer.get_config()
    assert config["mask_zero"] is True and config["embeddings_initializer"]["class_name"] == "RandomUniform"
    clone = Embedding.from_config({**config, "name": "e_clone"})
    assert clone.get_config() == {**config, "name": "e_clone"}


def test_gradient_reaches_the_table():
    layer = Embedding(5, 2)
    ids = np.array([1, 1, 3], np.int32)
    layer(ids)

    @tf.function
    def grad(ids):
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(layer(ids))
        return tape.gradient(y, layer.embeddings)

    g = tf.convert_to_tensor(grad(ids)).numpy()
    np.testing.assert_allclose(g, [[0, 0], [2, 2], [0, 0], [1, 1], [0, 0]])
