"""A built-in layer called eagerly (with no tape, or under one recording tape) is one op
(xlaflow/layers/recorded_call.py), with the op-by-op call's values and gradients;
calls that could behave differently as one op are made the ordinary way."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.keras import layers

RNG = np.random.default_rng(5)
X = RNG.normal(size=(6, 5)).astype(np.float32)


def _names(fn):
    with tf.GradientTape() as tape:
        out = fn()
    return [rec.op.name for rec in tape._records], tape, out


def test_a_sequential_call_is_one_op_with_the_reference_values_and_gradients():
    model = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(5,)), layers.Dense(2)])
    w1, b1, w2, b2 = [v.numpy() for v in model.trainable_variables]
    names, tape, out = _names(lambda: tf.reduce_sum(model(X.astype(np.float64)) ** 2))  # float64 host data is cast
    assert names[0] == "LayerCall:Sequential" and len(names) == 3  # the call, the square, the sum
    grads = tape.gradient(out, model.trainable_variables)

    def ref(w1, b1, w2, b2):
        return jnp.sum((jax.nn.relu(X @ w1 + b1) @ w2 + b2) ** 2)

    np.testing.assert_allclose(float(out), float(ref(w1, b1, w2, b2)), rtol=1e-5)
    for g, w in zip(grads, jax.grad(ref, argnums=(0, 1, 2, 3))(w1, b1, w2, b2)):
        np.testing.assert_allclose(g.numpy(), np.asarray(w), rtol=1e-5, atol=1e-6)


def test_a_watched_input_gets_its_gradient_through_the_one_op():
    layer = layers.Dense(3, activation="tanh")
    layer(X)
    x = tf.constant(X)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(layer(x))
    assert tape._records[0].op.name == "LayerCall:Dense"
    k, b = layer.kernel.numpy(), layer.bias.numpy()
    want = jax.grad(lambda x: jnp.sum(jnp.tanh(x @ k + b)))(X)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), np.asarray(want), rtol=1e-5, atol=1e-6)


def test_calls_that_write_state_add_losses_or_run_user_code_stay_op_by_op():
    dropout = keras.Sequential([layers.Dense(4, input_shape=(5,)), layers.Dropout(0.5)])
    assert "LayerCall:Sequential" not in _names(lambda: dropout(X, training=True))[0]  # writes the RNG state
    assert _names(lambda: dropout(X, training=False))[0] == ["LayerCall:Sequential"]  # inference: pure

    norm = layers.BatchNormalization()
    norm(X)
    before = norm.moving_mean.numpy().copy()
    assert "LayerCall:BatchNormalization" not in _names(lambda: norm(X, training=True))[0]
    assert not np.allclose(norm.moving_mean.numpy(), before)  # the statistics were updated

    regularized = layers.Dense(2, activity_regularizer="l2")
    regularized(X)
    regularized._losses.clear()
    names, _, _ = _names(lambda: regularized(X))
    assert "LayerCall:Dense" not in names and len(regularized.losses) == 1
    assert not isinstance(regularized.losses[0]._read(), jax.core.Tracer)

    class Custom(layers.Layer):
        def call(self, x):
            return x * 2.0

    custom = Custom()
    custom(X)
    assert "LayerCall:Custom" not in _names(lambda: custom(X))[0]
    lam = layers.Lambda(lambda x: x + 1.0)
    lam(X)
    assert not any(n.startswith("LayerCall") for n in _names(lambda: lam(X))[0])


def test_masks_keep_the_ordinary_call():
    model = keras.Sequential([layers.Embedding(10, 3, mask_zero=True), layers.LSTM(2)])
    ids = np.array([[1, 2, 0], [3, 0, 0]], np.int32)
    model(ids)
    with tf.GradientTape() as tape:
        out = model(ids)
    assert not any(rec.op.name == "LayerCall:Sequential" for rec in tape._records)
    np.testing.assert_allclose(out.numpy(), model(ids).numpy(), rtol=1e-6)


def test_a_structure_change_traces_the_call_again():
    model = keras.Sequential([layers.Dense(4, input_shape=(5,))])
    with tf.GradientTape():
        first = model(X).numpy()
    model.add(layers.Dense(1))
    with tf.GradientTape() as tape:
        out = model(X)
    assert tuple(out.shape) == (6, 1) and tape._records[0].op.name == "LayerCall:Sequential"
    np.testing.assert_allclose(out.numpy(), first @ model.layers[1].kernel.numpy() + model.layers[1].bias.numpy(), rtol=1e-5)


def test_nested_tapes_record_op_by_op_and_second_order_still_works():
    layer = layers.Dense(1, activation="tanh")
    layer(X)
    x = tf.constant(X)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(layer(x))
        g = inner.gradient(y, x)
        gg = tf.reduce_sum(g * g)
    k, b = layer.kernel.numpy(), layer.bias.numpy()
    f = lambda x: jnp.sum(jax.grad(lambda x: jnp.sum(jnp.tanh(x @ k + b)))(x) ** 2)  # noqa: E731
    np.testing.assert_allclose(outer.gradient(gg, x).numpy(), np.asarray(jax.grad(f)(X)), rtol=1e-4, atol=1e-6)


def test_a_call_with_value_checking_ops_keeps_its_eager_checks():
    class Pick(layers.Dense):  # counts as built-in below: what matters is the gather
        def call(self, x):
            rows = tf.cast(tf.reduce_sum(x * 0.0, axis=1), tf.int32) + 7  # computed: only known when run
            return tf.gather(super().call(x), rows)  # row 7 of 6 does not exist

    Pick.__module__ = "xlaflow.layers.test_only"
    layer = Pick(3)
    layer.build((None, 5))
    with tf.GradientTape() as tape:
        try:
            layer(X)
        except tf.errors.InvalidArgumentError as e:  # the eager index check, as without a tape
            assert "7" in str(e)
        else:
            raise AssertionError("the out-of-range index was not reported")
    assert not any(rec.op.name.startswith("LayerCall") for rec in tape._records)


def _compiled_calls(monkeypatch):
    """A list that gets the label of every compiled op run from now on."""
    from xlaflow.ops import dispatch

    labels: list = []
    real = dispatch.Op.compiled

    def spy(self, statics):
        labels.append(self.name)
        return real(self, statics)

    monkeypatch.setattr(dispatch.Op, "compiled", spy)
    return labels


def test_an_eager_call_without_a_tape_is_one_compiled_op(monkeypatch):
    model = keras.Sequential([layers.Dense(4, activation="relu", input_shape=(5,)), layers.Dense(2, activation="softmax")])
    model(X)
    labels = _compiled_calls(monkeypatch)
    out = model(X)
    assert labels == ["LayerCall:Sequential"]
    w1, b1, w2, b2 = [v.numpy() for v in model.weights]
    np.testing.assert_allclose(out.numpy(), np.asarray(jax.nn.softmax(jax.nn.relu(X @ w1 + b1) @ w2 + b2)), rtol=1e-5)
    # weights are read at each call: new values take effect without a retrace
    model.set_weights([w1 * 0.5, b1, w2, b2 + 1.0])
    np.testing.assert_allclose(model(jnp.asarray(X)).numpy(),
                               np.asarray(jax.nn.softmax(jax.nn.relu(X @ (w1 * 0.5) + b1) @ w2 + b2 + 1.0)), rtol=1e-5)
    # a structure change retraces
    model.add(layers.Dense(1))
    assert model(X).shape == (6, 1)


def test_eager_calls_that_write_state_or_check_input_stay_op_by_op(monkeypatch):
    dropout = keras.Sequential([layers.Dense(4, input_shape=(5,)), layers.Dropout(0.5)])
    dropout(X)
    first, second = dropout(X, training=True).numpy(), dropout(X, training=True).numpy()
    assert not np.array_equal(first, second)  # a fresh dropout mask each call: the RNG state moved
    norm = layers.BatchNormalization()
    norm(X)
    before = norm.moving_mean.numpy().copy()
    norm(X, training=True)
    assert not np.allclose(norm.moving_mean.numpy(), before)
    regularized = layers.Dense(2, activity_regularizer="l2")
    regularized(X)
    assert len(regularized.losses) == 1 and float(regularized.losses[0]) > 0
    dense = layers.Dense(3, input_shape=(5,))
    dense(X)
    with pytest.raises(ValueError, match="5"):
        dense(np.ones((2, 7), np.float32))  # the ordinary call's input-spec error, not a trace failure
    labels = _compiled_calls(monkeypatch)
    dropout(X, training=True)
    assert "LayerCall:Sequential" not in labels
