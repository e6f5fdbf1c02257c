"""DepthwiseConv2D and SeparableConv2D: Keras golden outputs and shapes, errors, config."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import layers
from xlaflow.layers import DepthwiseConv2D, SeparableConv2D

GOLDEN = np.load(Path(__file__).parents[1] / "golden" / "keras_conv_layers.npz")
META = json.loads(str(GOLDEN["__meta__"]))["cases"]
CASES = sorted(c for c, m in META.items() if m["class"] in ("DepthwiseConv2D", "SeparableConv2D"))


@pytest.mark.parametrize("case", CASES)
def test_matches_keras_eagerly_and_compiled(case):
    meta = META[case]
    layer = getattr(layers, meta["class"])(**meta["kwargs"])
    x, want = GOLDEN[f"{case}/x"], GOLDEN[f"{case}/y"]
    layer.build(x.shape)
    layer.set_weights([GOLDEN[f"{case}/w{i}"] for i in range(meta["n_weights"])])
    for training in (False, True):
        np.testing.assert_allclose(layer(x, training=training).numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(tf.function(lambda t: layer(t))(x).numpy(), want, rtol=1e-5, atol=1e-6)
    assert list(layer.compute_output_shape((None,) + x.shape[1:])) == meta["output_shape"]
    assert sorted(k for k in layer.get_config() if k != "name") == meta["config_keys"]


def test_weight_shapes_and_names_follow_keras():
    dw = DepthwiseConv2D(3, depth_multiplier=2, name="probe_dw")
    dw.build((None, 5, 5, 4))
    assert [w.name for w in dw.weights] == ["probe_dw/kernel:0", "probe_dw/bias:0"]
    assert [w.shape.as_list() for w in dw.weights] == [[3, 3, 4, 2], [8]]
    sep = SeparableConv2D(6, 3, depth_multiplier=2, name="probe_sep")
    sep.build((None, 5, 5, 4))
    assert [w.name for w in sep.weights] == ["probe_sep/depthwise_kernel:0", "probe_sep/pointwise_kernel:0", "probe_sep/bias:0"]
    assert [w.shape.as_list() for w in sep.weights] == [[3, 3, 4, 2], [1, 1, 8, 6], [6]]


def test_gradient_reaches_both_kernels():
    sep = SeparableConv2D(2, 3, padding="same")
    x = tf.constant(np.random.default_rng(1).normal(size=(1, 4, 4, 3)).astype(np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(sep(x) ** 2)
    grads = tape.gradient(loss, sep.trainable_weights)
    assert len(grads) == 3 and all(np.abs(g.numpy()).sum() > 0 for g in grads)


def test_wrong_inputs_and_arguments_are_clear_errors():
    dw = DepthwiseConv2D(3, name="strict_dw")
    dw(np.ones((1, 5, 5, 3), np.float32))
    with pytest.raises(ValueError, match='layer "strict_dw" .*expected axis -1 of input shape to have value 3'):
        dw(np.ones((1, 5, 5, 2), np.float32))
    with pytest.raises(ValueError, match=r'SeparableConv2D "strict_sep": the inputs must have rank 4 .*Received: input_shape=\(1, 1, 5, 5, 2\)'):
        SeparableConv2D(2, 3, name="strict_sep")(np.ones((1, 1, 5, 5, 2), np.float32))
    with pytest.raises(ValueError, match="DepthwiseConv2D: argument `depth_multiplier` must be a positive int. Received: depth_multiplier=0"):
        DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="SeparableConv2D: argument `filters` must be a positive int. Received: filters=-1"):
        SeparableConv2D(-1, 3)
    with pytest.raises(ValueError, match=r"DepthwiseConv2D: argument `padding` must be one of \['valid', 'same'\]"):
        DepthwiseConv2D(3, padding="causal")


def test_config_round_trip():
    for layer in (DepthwiseConv2D((3, 2), strides=2, depth_multiplier=3, use_bias=False, name="cfg_dw"),
                  SeparableConv2D(4, 3, padding="same", pointwise_regularizer="l2", activation="relu", name="cfg_sep")):
        config = layer.get_config()
        clone = type(layer).from_config({**config, "name": config["name"] + "_clone"})
        assert clone.get_config() == {**config, "name": config["name"] + "_clone"}
