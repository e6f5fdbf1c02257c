"""Recurrent layers against real Keras 3 outputs (``tests/golden/keras_recurrent.npz``):
SimpleRNN / LSTM / GRU option combinations, masks, initial and stateful states,
Bidirectional merge modes, RNN with built-in and custom cells; plus parameter counts."""

from __future__ import annotations

import numpy as np
import pytest
from _recurrent_golden import build_layer, case_names, load, run_case

import xlaflow as tf


@pytest.mark.parametrize("name", case_names())
def test_matches_keras(name):
    got, expected = run_case(name)
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g.shape == e.shape, f"{name} output {i}: shape {g.shape} != Keras {e.shape}"
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6, err_msg=f"{name} output {i}")


@pytest.mark.parametrize("name", ["LSTM_masked_rs1_gb0", "GRU_stateful", "Bidirectional_LSTM_masked", "RNN_custom_cell_masked",
                                  "SimpleRNN_initial_state", "Bidirectional_LSTM_stateful", "GRU_ra_false_explicit_mask"])
def test_matches_keras_inside_function(name):
    def runner(fn, *args):
        return tf.function(fn)(*args)

    got, expected = run_case(name, runner)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(load()[0]["param_counts"]))
def test_parameter_counts_match_keras(name):
    entry = load()[0]["param_counts"][name]
    model = tf.keras.Sequential([build_layer(entry["layer"])])
    model.build((None, *entry["input_shape"]))
    lines = []
    model.summary(print_fn=lines.append)
    assert model.count_params() == entry["params"]
    assert f"Total params: {entry['params']:,}" in "\n".join(lines)
