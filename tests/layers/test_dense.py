"""Dense and the Layer base: weights, building, input checks, config, compiled use."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.layers import Dense, Layer


def test_forward_matches_numpy_and_weights_are_named():
    layer = Dense(3, activation="relu", name="probe_dense")
    x = np.random.default_rng(0).normal(size=(4, 5))  # float64: cast to the layer's float32
    y = layer(x)
    k, b = layer.get_weights()
    assert k.shape == (5, 3) and b.shape == (3,) and y.dtype == tf.float32
    np.testing.assert_allclose(y.numpy(), np.maximum(x.astype(np.float32) @ k + b, 0), rtol=1e-5, atol=1e-6)
    assert [w.name for w in layer.weights] == ["probe_dense/kernel:0", "probe_dense/bias:0"]
    assert layer.count_params() == 18


def test_glorot_uniform_default_and_zero_bias():
    layer = Dense(200)
    layer.build((None, 300))
    k, b = layer.get_weights()
    limit = np.sqrt(6 / (300 + 200))
    assert np.abs(k).max() <= limit and np.abs(k).max() > 0.9 * limit
    assert not b.any()


def test_rank_3_inputs_contract_the_last_axis():
    layer = Dense(2, use_bias=False)
    x = np.ones((2, 3, 4), np.float32)
    out = layer(x)
    assert out.shape == (2, 3, 2)
    np.testing.assert_allclose(out.numpy(), np.einsum("abi,ij->abj", x, layer.kernel.numpy()), rtol=1e-6)


def test_wrong_input_and_bad_arguments_are_clear_errors():
    layer = Dense(2, name="strict")
    layer(np.ones((1, 4), np.float32))
    with pytest.raises(ValueError, match='Input 0 of layer "strict" is incompatible with the layer: expected axis -1 of input shape to have value 4, but received input with shape \\(1, 5\\)'):
        layer(np.ones((1, 5), np.float32))
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layer(np.ones(4, np.float32))
    with pytest.raises(ValueError, match="Dense: argument `units` must be a positive int. Received: units=0"):
        Dense(0)
    with pytest.raises(TypeError, match="Dense: unexpected keyword arguments \\['unitz'\\]"):
        Dense(2, unitz=3)
    with pytest.raises(ValueError, match=r"Layer strict: set_weights expects a list of 2 arrays"):
        layer.set_weights([np.ones((4, 2))])
    with pytest.raises(ValueError, match=r"weight 0 \(strict/kernel:0\) must have shape \(4, 2\). Received: shape \(2, 4\)"):
        layer.set_weights([np.ones((2, 4)), np.ones(2)])


def test_regularizer_losses_and_trainable_flag():
    layer = Dense(2, kernel_regularizer=tf.keras.regularizers.L2(0.5) if hasattr(tf, "keras") else "l2")
    layer(np.ones((1, 3), np.float32))
    (penalty,) = layer.losses
    reg = 0.5 if hasattr(tf, "keras") else 0.01
    np.testing.assert_allclose(float(penalty), reg * np.sum(layer.kernel.numpy() ** 2), rtol=1e-6)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_config_round_trip():
    layer = Dense(4, activation="tanh", use_bias=False, name="cfg")
    clone = Dense.from_config({**layer.get_config(), "name": "cfg_clone"})
    assert clone.units == 4 and clone.use_bias is False and clone.get_config()["activation"] == "tanh"


def test_layer_inside_a_compiled_function_builds_on_first_call():
    layer = Dense(2)

    @tf.function
    def apply(x):
        return layer(x)

    x = np.ones((3, 4), np.float32)
    out = apply(x)
    np.testing.assert_allclose(out.numpy(), x @ layer.kernel.numpy() + layer.bias.numpy(), rtol=1e-6)
    assert apply.experimental_get_tracing_count() == 1


def test_custom_layer_tracks_sublayers_and_training_flag():
    class Block(Layer):
        def __init__(self):
            super().__init__()
            self.inner = Dense(2)
            self.seen = []

        def call(self, x, training=None):
            self.seen.append(training)
            return self.inner(x)

    block = Block()
    block(np.ones((1, 3), np.float32), training=True)
    block(np.ones((1, 3), np.float32))
    assert block.seen == [True, None]
    assert len(block.trainable_weights) == 2
