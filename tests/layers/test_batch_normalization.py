"""BatchNormalization: Keras goldens (inference, training, moving statistics), padded
batches under the training core's row mask, compiled and taped use, errors, config."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow._core import rows
from xlaflow.keras.layers import BatchNormalization
from _norm_attention_golden import case, case_names, close, weights


def golden_layer(name: str):
    kwargs, arrays = case(name)
    layer = BatchNormalization(**kwargs)
    layer.build(arrays["x"].shape)
    layer.set_weights(weights(arrays))
    return layer, arrays


@pytest.mark.parametrize("name", case_names("BatchNormalization"))
def test_matches_keras_in_inference_and_training(name):
    layer, a = golden_layer(name)
    close(layer(a["x"], training=False), a["out_inference"])
    close(layer(a["x"]), a["out_inference"])  # training defaults to inference
    close(layer(a["x"], training=True), a["out_training"])
    close(layer.moving_mean, a["moving_mean"])
    close(layer.moving_variance, a["moving_variance"])


def test_weights_are_in_keras_order_and_moving_statistics_are_not_trainable():
    layer = BatchNormalization(name="bn_order")
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["bn_order/gamma:0", "bn_order/beta:0", "bn_order/moving_mean:0",
                                               "bn_order/moving_variance:0"]
    assert len(layer.trainable_weights) == 2 and layer.count_params() == 12


def test_compiled_training_updates_moving_statistics_like_eager():
    eager, a = golden_layer("bn_4d")
    compiled, _ = golden_layer("bn_4d")
    step = tf.function(lambda x: compiled(x, training=True))
    for _ in range(2):
        expected = eager(a["x"], training=True)
        close(step(a["x"]), expected.numpy())
    close(compiled.moving_mean, eager.moving_mean.numpy())
    close(compiled.moving_variance, eager.moving_variance.numpy())
    assert step.experimental_get_tracing_count() == 1


def test_padded_rows_are_ignored_under_the_row_mask_eagerly_and_compiled():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 3)).astype(np.float32) * 2 + 1
    padded = np.concatenate([x, rng.normal(size=(3, 3)).astype(np.float32) * 50])
    mask = np.array([1, 1, 1, 1, 1, 0, 0, 0], np.float32)
    reference = BatchNormalization(momentum=0.9)
    expected = reference(x, training=True).numpy()

    eager = BatchNormalization(momentum=0.9)
    with rows.row_mask(mask):
        out = eager(padded, training=True)
    close(out[:5], expected)
    close(eager.moving_mean, reference.moving_mean.numpy())
    close(eager.moving_variance, reference.moving_variance.numpy())

    compiled = BatchNormalization(momentum=0.9)

    @tf.function
    def step(inputs, row_mask):
        with rows.row_mask(row_mask):
            return compiled(inputs, training=True)

    close(step(padded, mask)[:5], expected)
    close(compiled.moving_mean, reference.moving_mean.numpy())
    close(compiled.moving_variance, reference.moving_variance.numpy())


def test_row_mask_of_the_wrong_length_is_a_clear_error():
    layer = BatchNormalization(name="bn_rows")
    with rows.row_mask(np.ones(3, np.float32)), pytest.raises(ValueError, match='BatchNormalization "bn_rows": the active row mask'):
        layer(np.ones((4, 2), np.float32), training=True)


def test_keras_mask_weights_the_statistics():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 4, 3)).astype(np.float32)
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1]], bool)
    layer = BatchNormalization(momentum=0.0, epsilon=0.0)
    layer(x, training=True, mask=tf.constant(mask))
    w = mask[..., None].astype(np.float32)
    mean = (w * x).sum((0, 1)) / (w.sum((0, 1)) + 1e-7)
    var = (w * (x - mean) ** 2).sum((0, 1)) / (w.sum((0, 1)) + 1e-7)
    close(layer.moving_mean, mean)
    close(layer.moving_variance, var)


def test_not_trainable_runs_in_inference_mode():
    layer, a = golden_layer("bn_2d")
    layer.trainable = False
    close(layer(a["x"], training=True), a["out_inference"])
    close(layer.moving_mean, a["w2"])
    assert layer.trainable_weights == []


def reference_bn(x, gamma, beta, eps=1e-3):
    mean = jnp.mean(x, 0)
    var = jnp.var(x, 0)
    return (x - mean) / jnp.sqrt(var + eps) * gamma + beta


def test_gradients_under_gradient_tape_match_jax():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(6, 4)).astype(np.float32)
    g = rng.normal(size=(6, 4)).astype(np.float32)
    layer = BatchNormalization(gamma_initializer="random_normal", beta_initializer="random_normal")
    layer.build(x.shape)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        loss = tf.reduce_sum(layer(xt, training=True) * g)
    dx, dgamma, dbeta = tape.gradient(loss, [xt, layer.gamma, layer.beta])
    gamma, beta = layer.gamma.numpy(), layer.beta.numpy()
    ref = jax.grad(lambda x, gm, bt: jnp.sum(reference_bn(x, gm, bt) * g), argnums=(0, 1, 2))(x, gamma, beta)
    for got, want in zip((dx, dgamma, dbeta), ref):
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=1e-4, atol=1e-5)


def test_wrong_inputs_and_arguments_are_clear_errors():
    layer = BatchNormalization(name="bn_strict")
    layer(np.ones((2, 3), np.float32))
    with pytest.raises(ValueError, match='Input 0 of layer "bn_strict" is incompatible with the layer: expected axis -1 of input shape to have value 3'):
        layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match='"bn_strict" is incompatible with the layer: expected ndim=2, found ndim=3'):
        layer(np.ones((2, 5, 3), np.float32))
    with pytest.raises(ValueError, match='BatchNormalization "bn_axis": argument `axis` is out of bounds'):
        BatchNormalization(axis=3, name="bn_axis")(np.ones((2, 3), np.float32))
    with pytest.raises(TypeError, match="BatchNormalization: argument `axis` must be an int"):
        BatchNormalization(axis=[1])
    with pytest.raises(NotImplementedError, match="renorm"):
        BatchNormalization(renorm=True)


def test_config_round_trip():
    layer = BatchNormalization(axis=1, momentum=0.9, epsilon=1e-2, center=False, gamma_regularizer="l2",
                               synchronized=True, name="bn_cfg")
    config = layer.get_config()
    assert config["axis"] == 1 and config["momentum"] == 0.9 and config["synchronized"] is True
    assert config["moving_variance_initializer"]["class_name"] == "Ones"
    clone = BatchNormalization.from_config({**config, "name": "bn_cfg_clone"})
    assert clone.get_config() == {**config, "name": "bn_cfg_clone"}
    clone.build((None, 4, 2))
    assert [tuple(w.shape.as_list()) for w in clone.weights] == [(4,), (4,), (4,)]
    assert len(clone.losses) == 1
