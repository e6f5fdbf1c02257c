"""MultiHeadAttention: Keras goldens (self/cross attention, masks, causal mask,
scores, output_shape, attention_axes, no bias), weight layout, dropout, compiled and
taped use, errors, config."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras.layers import MultiHeadAttention
from _norm_attention_golden import case, case_names, close, summary, weights


def golden(name: str):
    kwargs, a = case(name)
    options = kwargs.pop("__options__")
    layer = MultiHeadAttention(**kwargs, kernel_initializer="zeros")  # set_weights replaces them (no random compiles)
    inputs = {k[3:]: a[k] for k in a if k.startswith("in_")}
    shapes = [inputs["query"].shape, inputs["value"].shape, inputs.get("key", inputs["value"]).shape]
    layer.build(*shapes)
    layer.set_weights(weights(a))
    return layer, inputs, options, a


def check(result, options, a):
    if options.get("return_attention_scores"):
        out, scores = result
        close(scores, a["scores"])
    else:
        out = result
    close(out, a["out"])


@pytest.mark.parametrize("name", case_names("MultiHeadAttention"))
def test_matches_keras(name):
    layer, inputs, options, a = golden(name)
    check(layer(**inputs, **options), options, a)


def test_fully_masked_query_rows_follow_both_keras_paths():
    _, _, _, fused = golden("mha_mask")
    _, _, _, explicit = golden("mha_mask_scores")
    # Keras' fused path attends uniformly on a fully masked row, its einsum path gives zeros.
    assert not np.allclose(fused["out"][0, 1], explicit["out"][0, 1])
    assert not explicit["scores"][0, :, 1].any()


@pytest.mark.parametrize("name", ["mha_mask_scores", "mha_causal"])
def test_compiled_and_taped_calls_match(name):
    layer, inputs, options, a = golden(name)
    mask = inputs.pop("attention_mask", None)

    @tf.function
    def apply(query, value):
        return layer(query, value, attention_mask=mask, **options)

    check(apply(inputs["query"], inputs["value"]), options, a)
    query = tf.constant(inputs["query"])
    with tf.GradientTape() as tape:
        tape.watch(query)
        result = layer(query, inputs["value"], attention_mask=mask, **options)
        out = result[0] if isinstance(result, tuple) else result
        loss = tf.reduce_sum(out * out)
    check(result, options, a)
    grads = tape.gradient(loss, [query] + layer.trainable_weights)
    assert len(grads) == 9 and all(g is not None for g in grads)
    # finite-difference check of one query entry
    eps = 1e-2
    plus, minus = inputs["query"].copy(), inputs["query"].copy()
    plus[0, 1, 2] += eps
    minus[0, 1, 2] -= eps

    def value(q):
        r = layer(q, inputs["value"], attention_mask=mask, **options)
        r = r[0] if isinstance(r, tuple) else r
        return float(np.sum(r.numpy().astype(np.float64) ** 2))

    np.testing.assert_allclose(grads[0].numpy()[0, 1, 2], (value(plus) - value(minus)) / (2 * eps), rtol=2e-2, atol=1e-3)


def test_weight_layout_matches_keras():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=5, kernel_initializer="ones",
                               name="mha_layout")
    layer.build((None, 4, 6), (None, 7, 3), (None, 7, 2))
    info = summary()
    assert [w.shape.as_list() for w in layer.weights] == info["mha_weight_shapes"]
    assert layer.count_params() == info["mha_count"]
    assert [w.name for w in layer.weights][:2] == ["mha_layout/query/kernel:0", "mha_layout/query/bias:0"]
    out = layer(np.ones((2, 4, 6), np.float32), np.ones((2, 7, 3), np.float32), np.ones((2, 7, 2), np.float32))
    assert out.shape == (2, 4, 5)
    assert layer.compute_output_shape((None, 4, 6), (None, 7, 3), (None, 7, 2)) == (None, 4, 5)


def test_dropout_only_in_training_and_value_masks_from_inputs():
    layer, inputs, _, a = golden("mha_dropout_inference")
    close(layer(inputs["query"], inputs["value"], training=False), a["out"])
    trained = layer(inputs["query"], inputs["value"], training=True).numpy()
    assert not np.allclose(trained, a["out"])
    _, b = case("mha_mask")
    base, _, _, _ = golden("mha_mask")
    value_mask = np.array([[1, 1, 0, 1, 1], [1, 0, 1, 1, 1]], bool)
    value = tf.constant(b["in_value"])
    value._keras_mask = tf.constant(value_mask)
    got = base(b["in_query"], value).numpy()
    expected = base(b["in_query"], b["in_value"], attention_mask=np.broadcast_to(value_mask[:, None, :], (2, 4, 5))).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_wrong_inputs_and_arguments_are_clear_errors():
    layer = MultiHeadAttention(num_heads=2, key_dim=3, kernel_initializer="zeros", name="mha_strict")
    layer(np.ones((1, 4, 6), np.float32), np.ones((1, 5, 6), np.float32))
    with pytest.raises(ValueError, match="Input 'query' of layer \"mha_strict\" is incompatible with the layer: expected last dimension 6"):
        layer(np.ones((1, 4, 7), np.float32), np.ones((1, 5, 6), np.float32))
    with pytest.raises(ValueError, match='MultiHeadAttention "mha_strict": `query` must have rank >= 3'):
        layer(np.ones((4, 6), np.float32), np.ones((5, 6), np.float32))
    with pytest.raises(ValueError, match="all dimensions of `value` and `key`, except the last one, must be equal"):
        layer(np.ones((1, 4, 6), np.float32), np.ones((1, 5, 6), np.float32), np.ones((1, 3, 6), np.float32))
    with pytest.raises(TypeError, match="missing the required argument `value`"):
        layer(np.ones((1, 4, 6), np.float32))
    with pytest.raises(ValueError, match="MultiHeadAttention: argument `num_heads` must be a positive int. Received: num_heads=0"):
        MultiHeadAttention(num_heads=0, key_dim=2)
    with pytest.raises(ValueError, match="argument `dropout` must be a float in \\[0, 1\\)"):
        MultiHeadAttention(num_heads=1, key_dim=2, dropout=1.5)


def test_config_round_trip():
    layer = MultiHeadAttention(num_heads=3, key_dim=4, value_dim=2, dropout=0.1, output_shape=[7], attention_axes=1,
                               kernel_initializer="ones", kernel_regularizer="l2", seed=3, name="mha_cfg")
    config = layer.get_config()
    assert config["output_shape"] == (7,) and config["attention_axes"] == (1,) and config["value_dim"] == 2
    clone = MultiHeadAttention.from_config({**config, "name": "mha_cfg_clone"})
    assert clone.get_config() == {**config, "name": "mha_cfg_clone"}
    clone(np.ones((1, 2, 5), np.float32), np.ones((1, 3, 5), np.float32))
    assert len(clone.losses) == 4  # a kernel penalty per projection
