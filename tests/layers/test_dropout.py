"""Dropout: identity outside training; statistics and scaling of the training draw."""

from __future__ import annotations

import numpy as np
import pytest
from _core_layers_golden import case_names, check_case

import xlaflow as tf
from xlaflow.layers import Dropout


@pytest.mark.parametrize("name", case_names("Dropout"))
def test_inference_matches_keras(name):
    check_case(name)


@pytest.mark.parametrize("training", [None, False, 0])
def test_identity_when_not_training(training):
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    np.testing.assert_array_equal(Dropout(0.5)(x, training=training).numpy(), x)


def test_training_drops_the_rate_and_scales_the_rest():
    x = np.ones((200, 500), np.float32)
    y = Dropout(0.3, seed=7)(x, training=True).numpy()
    kept = y != 0
    assert abs(1 - kept.mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert abs(y.mean() - 1) < 0.02


def test_noise_shape_shares_decisions_and_none_takes_the_input_size():
    x = np.ones((64, 10), np.float32)
    y = Dropout(0.5, noise_shape=(None, 1))(x, training=True).numpy()
    assert all(len(set(row)) == 1 for row in y)  # whole rows kept or dropped
    assert 0 < (y[:, 0] == 0).sum() < 64


def test_training_inside_a_compiled_function_and_the_call_context():
    layer = Dropout(0.5)

    @tf.function
    def apply(x):
        return layer(x, training=True)

    y = apply(np.ones((50, 40), np.float32)).numpy()
    assert set(np.unique(y)) <= {0.0, 2.0} and 0.4 < (y == 0).mean() < 0.6


def test_config_round_trip_and_bad_rate():
    layer = Dropout(0.25, noise_shape=(None, 1), seed=3, name="drop")
    config = layer.get_config()
    assert {k: config[k] for k in ("rate", "seed", "noise_shape")} == {"rate": 0.25, "seed": 3, "noise_shape": (None, 1)}
    clone = Dropout.from_config({**config, "name": "drop_clone"})
    assert clone.rate == 0.25 and clone.noise_shape == (None, 1) and clone.seed == 3
    with pytest.raises(ValueError, match=r"Dropout: invalid value received for argument `rate`.*Received: rate=1.5"):
        Dropout(1.5)
