"""Conv1D and Conv2D: Keras golden outputs, shapes, errors, config, compiled use."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import layers
from xlaflow.layers import Conv1D, Conv2D

GOLDEN = np.load(Path(__file__).parents[1] / "golden" / "keras_conv_layers.npz")
META = json.loads(str(GOLDEN["__meta__"]))["cases"]
CASES = sorted(c for c, m in META.items() if m["class"] in ("Conv1D", "Conv2D"))


def build_case(case: str):
    meta = META[case]
    layer = getattr(layers, meta["class"])(**meta["kwargs"])
    x = GOLDEN[f"{case}/x"]
    layer.build(x.shape)
    layer.set_weights([GOLDEN[f"{case}/w{i}"] for i in range(meta["n_weights"])])
    return layer, x


@pytest.mark.parametrize("case", CASES)
def test_matches_keras(case):
    layer, x = build_case(case)
    want = GOLDEN[f"{case}/y"]
    for training in (False, True):
        np.testing.assert_allclose(layer(x, training=training).numpy(), want, rtol=1e-5, atol=1e-6)
    meta = META[case]
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == meta["output_shape"]
    config = layer.get_config()
    assert sorted(k for k in config if k != "name") == meta["config_keys"]


@pytest.mark.parametrize("case", CASES)
def test_compiled_function_gives_the_same_output(case):
    layer, x = build_case(case)
    out = tf.function(lambda t: layer(t))(x)
    np.testing.assert_allclose(out.numpy(), GOLDEN[f"{case}/y"], rtol=1e-5, atol=1e-6)


def test_kernel_layout_and_default_initializers():
    layer = Conv2D(8, (3, 2), name="probe_conv")
    layer.build((None, 10, 10, 4))
    kernel, bias = layer.get_weights()
    assert kernel.shape == (3, 2, 4, 8) and not bias.any()
    limit = np.sqrt(6 / (3 * 2 * 4 + 3 * 2 * 8))
    assert 0.8 * limit < np.abs(kernel).max() <= limit
    assert [w.name for w in layer.weights] == ["probe_conv/kernel:0", "probe_conv/bias:0"]
    grouped = Conv1D(6, 3, groups=3)
    grouped.build((None, 5, 9))
    assert grouped.kernel.shape.as_list() == [3, 3, 6]


def test_gradient_through_conv():
    layer = Conv2D(2, 3, padding="same")
    x = tf.constant(np.random.default_rng(0).normal(size=(1, 5, 5, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(x) ** 2)
    gk, gb = tape.gradient(loss, [layer.kernel, layer.bias])
    assert gk.shape == layer.kernel.shape and np.isfinite(gk.numpy()).all() and np.abs(gb.numpy()).sum() > 0


def test_wrong_inputs_and_arguments_are_clear_errors():
    layer = Conv2D(2, 3, name="strict_conv")
    layer(np.ones((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match='layer "strict_conv" .*expected axis -1 of input shape to have value 3'):
        layer(np.ones((1, 5, 5, 4), np.float32))
    with pytest.raises(ValueError, match='layer "strict_conv" .*expected min_ndim=4, found ndim=3'):
        layer(np.ones((5, 5, 3), np.float32))
    with pytest.raises(ValueError, match='Conv1D "c1": the channel dimension .* rank 3'):
        Conv1D(2, 3, name="c1")(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match="Conv2D: argument `filters` must be a positive int. Received: filters=0"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match=r"Conv2D: argument `kernel_size` must be .*Received: kernel_size=\(3, 3, 3\)"):
        Conv2D(2, (3, 3, 3))
    with pytest.raises(ValueError, match=r"Conv2D: argument `padding` must be one of \['valid', 'same'\]. Received: padding='causal'"):
        Conv2D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="Conv2D: `strides > 1` is not compatible with `dilation_rate > 1`"):
        Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"Conv2D \"g\": the number of input channels \(3\) must be divisible by groups=2"):
        Conv2D(4, 3, groups=2, name="g")(np.ones((1, 5, 5, 3), np.float32))
    with pytest.raises(TypeError, match=r"Conv1D: unexpected keyword arguments \['filter'\]"):
        Conv1D(2, 3, filter=2)


def test_config_round_trip():
    layer = Conv1D(4, 5, strides=2, padding="causal", dilation_rate=1, activation="relu", use_bias=False, name="cfg_conv")
    config = layer.get_config()
    assert config["kernel_size"] == (5,) and config["strides"] == (2,) and config["data_format"] == "channels_last"
    clone = Conv1D.from_config({**config, "name": "cfg_conv_clone"})
    assert clone.get_config() == {**config, "name": "cfg_conv_clone"}
    clone2 = Conv2D.from_config(Conv2D(3, 2, strides=(1, 2), kernel_regularizer="l2").get_config())
    assert clone2.strides == (1, 2) and clone2.kernel_regularizer is not None
