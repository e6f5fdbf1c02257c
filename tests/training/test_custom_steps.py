"""Custom ``train_step``/``test_step`` and ``compute_loss`` overrides inside ``fit``,
against TensorFlow 2.21 / Keras 3 (goldens by tools/golden/make_custom_step_golden.py)."""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras

from custom_step_scenarios import SCENARIOS

GOLDEN = np.load(pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_custom_steps.npz")


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_matches_keras(name):
    ours = SCENARIOS[name](keras, tf)
    want = {k.split("/", 1)[1]: GOLDEN[k] for k in GOLDEN.files if k.startswith(name + "/")}
    assert sorted(ours) == sorted(want)
    for key, value in want.items():
        np.testing.assert_allclose(ours[key], value, rtol=2e-4, atol=2e-5, err_msg=f"{name}: {key}")
