"""Recurrent layers beyond the Keras goldens: gradients against a hand-written JAX
LSTM, one recorded op per call, compiled use, stateful Variables, masks, dropout,
defaults, errors and configs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import layers

rng = np.random.default_rng(7)
X = rng.normal(size=(2, 5, 3)).astype(np.float32)


def reference_lstm(x, kernel, recurrent_kernel, bias, mask=None):
    """Keras' LSTM written out step by step (return_sequences=True)."""
    units = recurrent_kernel.shape[0]
    h = c = jnp.zeros((x.shape[0], units))
    outs = []
    for t in range(x.shape[1]):
        z = x[:, t] @ kernel + h @ recurrent_kernel + bias
        i, f, g, o = (z[:, k * units:(k + 1) * units] for k in range(4))
        c_new = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h_new = jax.nn.sigmoid(o) * jnp.tanh(c_new)
        if mask is not None:
            keep = mask[:, t:t + 1]
            h_new, c_new = jnp.where(keep, h_new, h), jnp.where(keep, c_new, c)
        h, c = h_new, c_new
        outs.append(h)
    return jnp.stack(outs, 1)


@pytest.mark.parametrize("masked", [False, True])
def test_lstm_gradients_match_a_hand_written_jax_lstm(masked):
    layer = layers.LSTM(4, return_sequences=True)
    layer.build(X.shape)
    weights = [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool) if masked else None
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x, mask=mask) ** 2)
    grads = tape.gradient(loss, [x, *layer.trainable_variables])

    def ref_loss(x, k, r, b):
        return jnp.sum(reference_lstm(x, k, r, b, None if mask is None else jnp.asarray(mask)) ** 2)

    expected = jax.jit(jax.grad(ref_loss, argnums=(0, 1, 2, 3)))(X, *weights)
    np.testing.assert_allclose(float(loss), float(jax.jit(ref_loss)(X, *weights)), rtol=1e-5)
    for g, e in zip(grads, expected):
        np.testing.assert_allclose(g.numpy(), np.asarray(e), rtol=1e-4, atol=1e-5)


def test_a_built_in_layer_call_is_one_recorded_op():
    layer = layers.GRU(4)
    layer(X)
    with tf.GradientTape() as tape:
        layer(X)
    names = [rec.op.name for rec in tape._records]
    assert names == ["LayerCall:GRU"]  # the whole call (layers/recorded_call.py)


def test_gradients_inside_a_compiled_function():
    layer = layers.SimpleRNN(4, return_sequences=True)
    layer(X)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(layer(x))
        return tape.gradient(loss, layer.trainable_variables)

    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X))
    eager = tape.gradient(loss, layer.trainable_variables)
    for g, e in zip(step(X), eager):
        np.testing.assert_allclose(tf.convert_to_tensor(g).numpy(), e.numpy(), rtol=1e-5, atol=1e-6)


def test_stateful_states_persist_across_compiled_calls_and_reset():
    layer = layers.LSTM(4, stateful=True, return_state=True)
    eager = layers.LSTM(4, stateful=True, return_state=True)
    layer.build(X.shape)
    eager.build(X.shape)
    eager.set_weights(layer.get_weights())
    assert len(layer.weights) == 3 and layer.count_params() == eager.count_params()

    @tf.function
    def run(x):
        return layer(x)

    for _ in range(2):
        got, want = run(X), eager(X)
        for g, w in zip(got, want):
            np.testing.assert_allclose(tf.convert_to_tensor(g).numpy(), w.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.states[0].numpy(), eager.states[0].numpy(), rtol=1e-5, atol=1e-6)
    assert not layer.states[0].trainable and np.abs(layer.states[1].numpy()).sum() > 0
    layer.reset_states()
    assert np.all(layer.states[0].numpy() == 0) and np.all(layer.states[1].numpy() == 0)
    fresh = layers.LSTM(4, return_state=True)
    fresh.build(X.shape)
    fresh.set_weights(layer.get_weights())
    np.testing.assert_allclose(tf.convert_to_tensor(run(X)[0]).numpy(), fresh(X)[0].numpy(), rtol=1e-5, atol=1e-6)


def test_stateful_batch_size_must_match():
    layer = layers.GRU(4, stateful=True)
    layer(X)
    with pytest.raises(ValueError, match="stateful.*Expected batch size: 2. Received: 3"):
        layer(np.zeros((3, 5, 3), np.float32))


def test_stateful_layer_survives_train_on_batch():
    model = tf.keras.Sequential([layers.LSTM(4, stateful=True, input_shape=(5, 3), batch_size=2), layers.Dense(1)])
    model.build((2, 5, 3))
    model.compile(optimizer="sgd", loss="mse")
    y = np.ones((2, 1), np.float32)
    model.train_on_batch(X, y)
    first = model.layers[0].states[0].numpy().copy()
    assert np.abs(first).sum() > 0
    model.train_on_batch(X, y)
    assert not np.allclose(model.layers[0].states[0].numpy(), first)
    model.layers[0].reset_states()
    assert np.all(model.layers[0].states[0].numpy() == 0)


def test_masks_flow_from_embedding_and_masking():
    emb = layers.Embedding(5, 3, mask_zero=True)
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 1]], np.int32)
    out = emb(ids)
    np.testing.assert_array_equal(out._keras_mask.numpy(), ids != 0)
    seq = layers.LSTM(4, return_sequences=True)(out)
    np.testing.assert_array_equal(seq._keras_mask.numpy(), ids != 0)
    assert getattr(layers.LSTM(4)(out), "_keras_mask", None) is None
    masked = layers.Masking(mask_value=-1.0)(np.where(ids[..., None] == 0, -1.0, 1.0).astype(np.float32))
    np.testing.assert_array_equal(masked._keras_mask.numpy(), ids != 0)
    assert np.all(masked.numpy()[ids == 0] == 0)


def test_dropout_only_while_training():
    layer = layers.LSTM(4, dropout=0.5, recurrent_dropout=0.3, return_sequences=True, seed=1)
    a, b = layer(X), layer(X)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(layer(X, training=True).numpy(), a.numpy())
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer(X, training=True))
    assert all(g is not None for g in tape.gradient(loss, layer.trainable_variables))


def test_keras_default_initializers():
    layer = layers.LSTM(4)
    layer.build(X.shape)
    kernel, recurrent, bias = layer.get_weights()
    assert np.abs(kernel).max() <= np.sqrt(6 / (3 + 16))
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(4), atol=1e-5)
    np.testing.assert_array_equal(bias, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    gru = layers.GRU(4)
    gru.build(X.shape)
    assert gru.cell.bias.shape == (2, 12) and np.all(gru.get_weights()[2] == 0)
    assert layers.GRU(4, reset_after=False).cell._bias_shape() == (12,)


def test_regularizers_and_activity_regularizer_add_losses():
    layer = layers.GRU(4, kernel_regularizer="l2", recurrent_regularizer="l1", activity_regularizer="l2")
    layer(X)
    assert len(layer.losses) == 3
    np.testing.assert_allclose(float(layer.losses[0]), 0.01 * np.sum(layer.cell.kernel.numpy() ** 2), rtol=1e-5)


def test_cells_step_like_one_timestep_of_their_layer():
    for cls, cell_cls, n in ((layers.LSTM, layers.LSTMCell, 2), (layers.GRU, layers.GRUCell, 1),
                             (layers.SimpleRNN, layers.SimpleRNNCell, 1)):
        layer = cls(4, return_state=True)
        out = layer(X[:, :1])
        cell = cell_cls(4)
        cell.build((2, 3))
        cell.set_weights(layer.get_weights())
        h, states = cell(X[:, 0], [tf.zeros((2, 4))] * n)
        np.testing.assert_allclose(h.numpy(), out[0].numpy(), rtol=1e-6, atol=1e-7)
        for s, o in zip(states, out[1:]):
            np.testing.assert_allclose(s.numpy(), o.numpy(), rtol=1e-6, atol=1e-7)


def test_activation_strings_and_callables():
    a = layers.SimpleRNN(4, activation="relu")
    a(X)
    b = layers.SimpleRNN(4, activation=tf.keras.activations.relu)
    b.build(X.shape)
    b.set_weights(a.get_weights())
    np.testing.assert_allclose(a(X).numpy(), b(X).numpy())
    assert np.all(a(X).numpy() >= 0)
    with pytest.raises(ValueError):
        layers.LSTM(3, activation="no_such_activation")


@pytest.mark.parametrize("make", [lambda: layers.LSTM(3), lambda: layers.GRU(3), lambda: layers.SimpleRNN(3),
                                  lambda: layers.RNN(layers.LSTMCell(3))])
def test_wrong_rank_names_the_layer(make):
    layer = make()
    with pytest.raises(ValueError, match=f'layer "{layer.name}" is incompatible with the layer: expected ndim=3, found ndim=2'):
        layer(np.zeros((2, 3), np.float32))


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="LSTMCell: .*`units`.*Received: units=0"):
        layers.LSTM(0)
    with pytest.raises(ValueError, match="Bidirectional: invalid merge mode.*Received: merge_mode='max'"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="different `go_backwards`"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="RNN: the RNN cell should have a `state_size`"):
        layers.RNN(layers.Dense(2))
    with pytest.raises(ValueError, match="`initial_state` must hold 2 tensor"):
        layers.LSTM(2)(X, initial_state=[np.zeros((2, 2), np.float32)])


@pytest.mark.parametrize("make", [
    lambda: layers.LSTM(3, return_sequences=True, go_backwards=True, unit_forget_bias=False, dropout=0.25, name="l"),
    lambda: layers.GRU(3, reset_after=False, activation="relu", stateful=True, kernel_regularizer="l2", name="g"),
    lambda: layers.SimpleRNN(3, return_state=True, activation=None, recurrent_constraint="non_neg", name="s"),
    lambda: layers.RNN(layers.GRUCell(2, reset_after=False), return_sequences=True, zero_output_for_mask=True, name="r"),
    lambda: layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode="sum", name="b"),
    lambda: layers.Bidirectional(layers.LSTM(2), backward_layer=layers.GRU(2, go_backwards=True), merge_mode=None, name="b2"),
    lambda: layers.LSTMCell(3, recurrent_activation="hard_sigmoid", name="c"),
    lambda: layers.Masking(mask_value=-1.0, name="m"),
])
def test_config_round_trip(make):
    layer = make()
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config


def test_config_keys_match_keras():
    config = layers.LSTM(3).get_config()
    expected = {"name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                "zero_output_for_mask", "units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
                "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
                "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint",
                "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed"}
    assert set(config) == expected
    assert set(layers.GRU(3).get_config()) == expected - {"unit_forget_bias"} | {"reset_after"}
    assert set(layers.Bidirectional(layers.GRU(2)).get_config()) == {"name", "trainable", "dtype", "merge_mode", "layer",
                                                                     "backward_layer"}


def test_summary_shapes_and_counts():
    model = tf.keras.Sequential([layers.Embedding(10, 3, mask_zero=True, input_shape=(5,)),
                                 layers.Bidirectional(layers.LSTM(4, return_sequences=True)), layers.GRU(4)])
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "(None, 5, 8)" in text and "(None, 4)" in text
    assert model.count_params() == 30 + 2 * (4 * 4 * (3 + 4 + 1)) + 3 * 4 * (8 + 4 + 2)


def test_wrong_feature_size_after_build_names_the_layer():
    layer = layers.GRU(4, name="gru_features")
    layer(X)
    with pytest.raises(ValueError, match='layer "gru_features" is incompatible.*expected axis -1 of input shape to have value 3'):
        layer(np.zeros((2, 5, 6), np.float32))


def test_sequential_masking_model_matches_the_keras_golden():
    from _recurrent_golden import build_case

    built, arrays, _ = build_case("LSTM_masked_rs1_gb0")
    model = tf.keras.Sequential([layers.Masking(input_shape=(5, 3)), layers.LSTM(4, return_sequences=True)])
    model.set_weights(built[-1].get_weights())
    out = model(arrays["x"])
    np.testing.assert_allclose(out.numpy(), arrays["out0"], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(out._keras_mask.numpy(), np.any(arrays["x"] != 0, axis=-1))


def test_stateful_batch_size_argument_round_trips():
    layer = layers.GRU(4, stateful=True, batch_size=2, input_shape=(5, 3))
    config = layer.get_config()
    assert config["batch_input_shape"] == (2, 5, 3)
    clone = layers.GRU.from_config(config)
    clone.build((None, 5, 3))
    assert clone.states[0].shape == (2, 4)


def test_symbolic_placeholder_graph():
    x = tf.compat.v1.placeholder(tf.float32, (None, 5, 3))
    layer = layers.LSTM(4, return_state=True)
    out, h, c = layer(x)
    assert out.shape.as_list() == [None, 4]
    with tf.compat.v1.Session() as sess:
        got = sess.run(out, {x: X})
    np.testing.assert_allclose(got, layer(X)[0].numpy(), rtol=1e-6, atol=1e-7)


def test_mask_passes_through_dropout_dense_and_activation():
    ids = np.array([[1, 2, 0, 0], [3, 0, 4, 1]], np.int32)
    x = layers.Embedding(5, 3, mask_zero=True)(ids)
    for layer in (layers.Dropout(0.5), layers.Dense(3), layers.Activation("relu")):
        x = layer(x, training=True)
        np.testing.assert_array_equal(x._keras_mask.numpy(), ids != 0)


def test_integer_and_float_masks_equal_bool_masks():
    layer = layers.LSTM(4)
    mask = np.array([[1, 1, 0, 1, 0], [0, 1, 1, 1, 1]])
    want = layer(X, mask=mask.astype(bool)).numpy()
    np.testing.assert_array_equal(layer(X, mask=mask).numpy(), want)
    np.testing.assert_array_equal(layer(X, mask=tf.constant(mask.astype(np.float32))).numpy(), want)
