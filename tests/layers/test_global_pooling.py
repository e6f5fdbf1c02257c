"""GlobalAveragePooling1D/2D and GlobalMaxPooling1D/2D: Keras golden outputs, errors, config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import layers
from xlaflow.layers import GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D

GOLDEN = np.load(Path(__file__).parents[1] / "golden" / "keras_conv_layers.npz")
META = json.loads(str(GOLDEN["__meta__"]))["cases"]
CASES = sorted(c for c, m in META.items() if m["class"].startswith("Global"))


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


def test_wrong_inputs_and_arguments_are_clear_errors():
    with pytest.raises(ValueError, match='layer "gap" .*expected ndim=4, found ndim=3'):
        GlobalAveragePooling2D(name="gap")(np.ones((2, 4, 3), np.float32))
    with pytest.raises(ValueError, match='layer "gmp" .*expected ndim=3, found ndim=2'):
        GlobalMaxPooling1D(name="gmp")(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="GlobalMaxPooling2D: argument `data_format` must be 'channels_last' or 'channels_first'"):
        GlobalMaxPooling2D(data_format="nchw")


def test_config_round_trip():
    layer = GlobalAveragePooling1D(data_format="channels_first", keepdims=True, name="cfg_gap")
    config = layer.get_config()
    assert config["keepdims"] is True and config["data_format"] == "channels_first"
    clone = GlobalAveragePooling1D.from_config({**config, "name": "cfg_gap_clone"})
    assert clone.get_config() == {**config, "name": "cfg_gap_clone"}
    out = clone(np.ones((2, 3, 5), np.float32))
    assert out.shape == (2, 3, 1)


def test_masked_average_over_valid_steps_only():
    x = np.arange(12, dtype=np.float32).reshape(2, 3, 2)
    mask = np.array([[True, True, False], [True, False, False]])
    out = GlobalAveragePooling1D()(x, mask=mask).numpy()
    np.testing.assert_allclose(out, [[1, 2], [6, 7]], rtol=1e-6)
    kept = GlobalAveragePooling1D(data_format="channels_first", keepdims=True)(x.transpose(0, 2, 1), mask=mask)
    np.testing.assert_allclose(kept.numpy()[:, :, 0], out, rtol=1e-6)
