"""MaxPooling1D/2D and AveragePooling1D/2D: Keras golden outputs, shapes, errors, config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import layers
from xlaflow.layers import AveragePooling1D, AveragePooling2D, MaxPooling1D, MaxPooling2D

GOLDEN = np.load(Path(__file__).parents[1] / "golden" / "keras_conv_layers.npz")
META = json.loads(str(GOLDEN["__meta__"]))["cases"]
CLASSES = ("MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D")
CASES = sorted(c for c, m in META.items() if m["class"] in CLASSES)


@pytest.mark.parametrize("case", CASES)
def test_matches_keras_eagerly_and_compiled(case):
    meta = META[case]
    layer = getattr(layers, meta["class"])(**meta["kwargs"])
    x, want = GOLDEN[f"{case}/x"], GOLDEN[f"{case}/y"]
    for training in (False, True):
        np.testing.assert_allclose(layer(x, training=training).numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tf.function(lambda t: layer(t))(x).numpy(), want, rtol=1e-5, atol=1e-6)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == meta["output_shape"]
    assert sorted(k for k in layer.get_config() if k != "name") == meta["config_keys"]
    assert layer.weights == []


def test_defaults_follow_keras():
    assert MaxPooling2D().pool_size == (2, 2) and MaxPooling2D().strides == (2, 2)
    assert MaxPooling1D().pool_size == (2,)
    assert AveragePooling2D(3, strides=1).strides == (1, 1)
    with pytest.raises(TypeError):
        AveragePooling1D()  # pool_size is required, as in Keras


def test_wrong_inputs_and_arguments_are_clear_errors():
    layer = MaxPooling2D(name="strict_pool")
    with pytest.raises(ValueError, match='layer "strict_pool" .*expected ndim=4, found ndim=3'):
        layer(np.ones((4, 4, 3), np.float32))
    with pytest.raises(ValueError, match='layer "avg1" .*expected ndim=3, found ndim=4'):
        AveragePooling1D(2, name="avg1")(np.ones((1, 4, 4, 3), np.float32))
    with pytest.raises(ValueError, match=r"MaxPooling1D: argument `padding` must be one of \['valid', 'same'\]. Received: padding='full'"):
        MaxPooling1D(padding="full")
    with pytest.raises(ValueError, match=r"AveragePooling2D: argument `pool_size` must be .*Received: pool_size=0"):
        AveragePooling2D(0)
    with pytest.raises(ValueError, match="MaxPooling2D: argument `data_format` must be 'channels_last' or 'channels_first'. Received: data_format='NHWC'"):
        MaxPooling2D(data_format="NHWC")


def test_config_round_trip():
    layer = AveragePooling2D((3, 2), strides=(1, 2), padding="same", name="cfg_pool")
    config = layer.get_config()
    assert config["pool_size"] == (3, 2) and config["strides"] == (1, 2) and config["padding"] == "same"
    clone = AveragePooling2D.from_config({**config, "name": "cfg_pool_clone"})
    assert clone.get_config() == {**config, "name": "cfg_pool_clone"}


def test_gradient_of_max_pooling_routes_to_the_maximum():
    x = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(MaxPooling2D()(x))
    grad = tape.gradient(y, x).numpy()[0, :, :, 0]
    assert grad.sum() == 4 and grad[1, 1] == grad[1, 3] == grad[3, 1] == grad[3, 3] == 1
