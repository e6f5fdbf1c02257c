"""Conv2DTranspose: Keras golden outputs and shapes, errors, config, compiled use."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.layers import Conv2DTranspose

GOLDEN = np.load(Path(__file__).parents[1] / "golden" / "keras_conv_layers.npz")
META = json.loads(str(GOLDEN["__meta__"]))["cases"]
CASES = sorted(c for c, m in META.items() if m["class"] == "Conv2DTranspose")


@pytest.mark.parametrize("case", CASES)
def test_matches_keras_eagerly_and_compiled(case):
    meta = META[case]
    layer = Conv2DTranspose(**meta["kwargs"])
    x, want = GOLDEN[f"{case}/x"], GOLDEN[f"{case}/y"]
    layer.build(x.shape)
    layer.set_weights([GOLDEN[f"{case}/w{i}"] for i in range(meta["n_weights"])])
    for training in (False, True):
        np.testing.assert_allclose(layer(x, training=training).numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tf.function(lambda t: layer(t))(x).numpy(), want, rtol=1e-5, atol=1e-6)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == meta["output_shape"]
    assert sorted(k for k in layer.get_config() if k != "name") == meta["config_keys"]


def test_kernel_layout_is_filters_then_inputs():
    layer = Conv2DTranspose(5, 3, name="probe_deconv")
    layer.build((None, 4, 4, 2))
    assert layer.kernel.shape.as_list() == [3, 3, 5, 2] and layer.bias.shape.as_list() == [5]
    assert [w.name for w in layer.weights] == ["probe_deconv/kernel:0", "probe_deconv/bias:0"]


def test_wrong_inputs_and_arguments_are_clear_errors():
    layer = Conv2DTranspose(2, 3, name="strict_deconv")
    layer(np.ones((1, 4, 4, 3), np.float32))
    with pytest.raises(ValueError, match='layer "strict_deconv" .*expected axis -1 of input shape to have value 3'):
        layer(np.ones((1, 4, 4, 2), np.float32))
    with pytest.raises(ValueError, match='layer "strict_deconv" .*expected ndim=4, found ndim=3'):
        layer(np.ones((4, 4, 3), np.float32))
    with pytest.raises(ValueError, match='Conv2DTranspose "d2": the inputs must have rank 4'):
        Conv2DTranspose(2, 3, name="d2")(np.ones((4, 4, 3), np.float32))
    with pytest.raises(ValueError, match=r"Conv2DTranspose: each `output_padding` must be smaller than its stride. Received: output_padding=\(1, 1\), strides=\(1, 1\)"):
        Conv2DTranspose(2, 3, output_padding=1)
    with pytest.raises(TypeError, match=r"Conv2DTranspose: unexpected keyword arguments \['groups'\]"):
        Conv2DTranspose(2, 3, groups=2)


def test_config_round_trip():
    layer = Conv2DTranspose(3, (2, 3), strides=2, padding="same", output_padding=(1, 0), activation="relu", name="cfg_deconv")
    config = layer.get_config()
    assert config["output_padding"] == (1, 0) and "groups" not in config
    clone = Conv2DTranspose.from_config({**config, "name": "cfg_deconv_clone"})
    assert clone.get_config() == {**config, "name": "cfg_deconv_clone"}
