"""LayerNormalization: Keras goldens over several axis configurations, compiled and
taped use, errors, config."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras.layers import LayerNormalization
from _norm_attention_golden import case, case_names, close, weights


def golden_layer(name: str):
    kwargs, arrays = case(name)
    layer = LayerNormalization(**kwargs)
    layer.build(arrays["x"].shape)
    layer.set_weights(weights(arrays))
    return layer, arrays


@pytest.mark.parametrize("name", case_names("LayerNormalization"))
def test_matches_keras(name):
    layer, a = golden_layer(name)
    close(layer(a["x"]), a["out"])


def test_weight_shapes_follow_the_normalized_axes():
    layer = LayerNormalization(axis=[-1, 1])
    layer.build((None, 3, 4))
    assert layer.axis == [-1, 1] or layer.axis == sorted([-1, 1])
    assert [tuple(w.shape.as_list()) for w in layer.weights] == [(3, 4), (3, 4)]
    assert layer.count_params() == 24


def test_compiled_and_taped_values_match_eager_and_jax():
    layer, a = golden_layer("ln_axes_12")
    compiled = tf.function(lambda x: layer(x))
    close(compiled(a["x"]), a["out"])
    x = tf.constant(a["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = layer(x)
        loss = tf.reduce_sum(out * out * a["x"])
    close(out, a["out"])
    dx, dgamma = tape.gradient(loss, [x, layer.gamma])
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()

    def ref(x, g):
        mean = jnp.mean(x, (1, 2), keepdims=True)
        var = jnp.var(x, (1, 2), keepdims=True)
        y = (x - mean) / jnp.sqrt(var + 1e-3) * g + beta
        return jnp.sum(y * y * a["x"])

    want_dx, want_dgamma = jax.grad(ref, argnums=(0, 1))(a["x"], gamma)
    np.testing.assert_allclose(dx.numpy(), want_dx, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dgamma.numpy(), want_dgamma, rtol=1e-4, atol=1e-5)


def test_wrong_inputs_and_arguments_are_clear_errors():
    layer = LayerNormalization(name="ln_strict")
    layer(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match='Input 0 of layer "ln_strict" is incompatible with the layer: expected axis 1 of input shape to have value 3'):
        layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match='"ln_strict" is incompatible with the layer: expected ndim=2, found ndim=3'):
        layer(np.ones((2, 5, 3), np.float32))
    with pytest.raises(ValueError, match='LayerNormalization "ln_axis": axis 2 is out of bounds'):
        LayerNormalization(axis=2, name="ln_axis")(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match="LayerNormalization: argument `axis` must be an int"):
        LayerNormalization(axis="last")


def test_config_round_trip():
    layer = LayerNormalization(axis=[1, 2], epsilon=1e-5, scale=False, beta_regularizer="l1", name="ln_cfg")
    config = layer.get_config()
    assert config["axis"] == [1, 2] and config["epsilon"] == 1e-5 and config["rms_scaling"] is False
    clone = LayerNormalization.from_config({**config, "name": "ln_cfg_clone"})
    assert clone.get_config() == {**config, "name": "ln_cfg_clone"}
    clone.build((None, 2, 3))
    assert [tuple(w.shape.as_list()) for w in clone.weights] == [(2, 3)] and len(clone.losses) == 1
