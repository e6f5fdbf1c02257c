"""Activation: Keras goldens, config round trip, compiled use."""

from __future__ import annotations

import numpy as np
import pytest
from _core_layers_golden import case_names, check_case

import xlaflow as tf
from xlaflow.layers import Activation


@pytest.mark.parametrize("name", case_names("Activation"))
def test_matches_keras(name):
    check_case(name)


def test_config_round_trip_and_errors():
    layer = Activation("tanh", name="act")
    config = layer.get_config()
    assert config["activation"] == "tanh" and config["name"] == "act"
    clone = Activation.from_config({**config, "name": "act_clone"})
    x = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(clone(x).numpy(), np.tanh(x), rtol=1e-6)
    with pytest.raises(TypeError, match="Activation: unexpected keyword arguments"):
        Activation("relu", activaton="x")


def test_gradient_flows():
    layer = Activation("relu")
    x = tf.constant(np.array([[-1.0, 2.0]], np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(layer(x))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [[0.0, 1.0]])
