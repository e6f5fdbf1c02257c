"""TimeDistributed: Keras goldens (Dense, Conv1D), shared weights, row mask repeated
over time for BatchNormalization, compiled use, errors, config."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow._core import rows
from xlaflow.keras import layers
from _norm_attention_golden import case, case_names, close, weights


@pytest.mark.parametrize("name", case_names("TimeDistributed"))
def test_matches_keras(name):
    kwargs, a = case(name)
    layer = layers.TimeDistributed(getattr(layers, kwargs["inner"])(**kwargs["inner_kwargs"]))
    layer.build(a["x"].shape)
    layer.set_weights(weights(a))
    close(layer(a["x"]), a["out"])
    close(tf.function(lambda x: layer(x))(a["x"]), a["out"])


def test_weights_are_shared_and_shapes_are_reported():
    inner = layers.Dense(3)
    td = layers.TimeDistributed(inner)
    x = np.random.default_rng(0).normal(size=(2, 4, 5)).astype(np.float32)
    out = td(x)
    assert out.shape == (2, 4, 3) and td.weights == inner.weights and td.count_params() == 18
    close(out, np.einsum("bti,ij->btj", x, inner.kernel.numpy()) + inner.bias.numpy())
    assert td.compute_output_shape((None, 4, 5)) == (None, 4, 3)


def test_batch_normalization_inside_sees_the_row_mask_over_all_steps():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(3, 2, 4)).astype(np.float32)
    padded = np.concatenate([x, 100 * np.ones((2, 2, 4), np.float32)])
    reference = layers.TimeDistributed(layers.BatchNormalization())
    expected = reference(x, training=True)
    td = layers.TimeDistributed(layers.BatchNormalization())
    with rows.row_mask(np.array([1, 1, 1, 0, 0], np.float32)):
        out = td(padded, training=True)
    close(out[:3], expected.numpy())
    close(td.layer.moving_mean, reference.layer.moving_mean.numpy())


def test_wrong_inputs_and_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="TimeDistributed: argument `layer` must be a keras Layer instance"):
        layers.TimeDistributed(lambda x: x)
    td = layers.TimeDistributed(layers.Dense(2), name="td_strict")
    with pytest.raises(ValueError, match='TimeDistributed "td_strict": the input must have at least 3 dimensions'):
        td(np.ones((2, 3), np.float32))
    td(np.ones((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 4"):
        td(np.ones((2, 3, 5), np.float32))


def test_config_round_trip():
    td = layers.TimeDistributed(layers.Dense(3, activation="relu", name="inner_cfg"), name="td_cfg")
    config = td.get_config()
    assert config["layer"]["class_name"] == "Dense" and config["layer"]["config"]["units"] == 3
    clone = layers.TimeDistributed.from_config({**config, "name": "td_cfg_clone"})
    assert isinstance(clone.layer, layers.Dense) and clone.layer.get_config()["activation"] == "relu"
    assert clone(np.ones((1, 2, 4), np.float32)).shape == (1, 2, 3)
    with pytest.raises(ValueError, match="unknown layer class 'Mystery'"):
        layers.TimeDistributed.from_config({**config, "layer": {"class_name": "Mystery", "config": {}}})
