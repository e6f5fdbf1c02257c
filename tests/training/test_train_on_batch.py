"""``train_on_batch``/``test_on_batch``/``predict_on_batch`` against hand-written JAX.

The reference for one step is written out in JAX: the seed-000 MLP's forward pass,
Keras' categorical cross-entropy and Keras' Adam update
(``alpha = lr*sqrt(1-b2^t)/(1-b1^t); w -= alpha*m/(sqrt(v)+eps)``).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.engine import compile_count


def mlp(d=12, k=5, lr=0.01, metrics=("accuracy",)):
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(d,)),
                              keras.layers.Dense(k, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="categorical_crossentropy", metrics=list(metrics))
    return model


def data(n, d=12, k=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]
    return x, y


def ref_loss(ws, x, y):
    w1, b1, w2, b2 = ws
    p = jax.nn.softmax(jax.nn.relu(x @ w1 + b1) @ w2 + b2)
    p = jnp.clip(p / p.sum(-1, keepdims=True), 1e-7, 1 - 1e-7)
    return -jnp.mean(jnp.sum(y * jnp.log(p), -1))


def ref_adam_step(ws, m, v, t, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    t = t + 1
    alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    out = []
    for i, g in enumerate(grads):
        m[i] = m[i] + (g - m[i]) * (1 - b1)
        v[i] = v[i] + (g * g - v[i]) * (1 - b2)
        out.append(ws[i] - alpha * m[i] / (jnp.sqrt(v[i]) + eps))
    return out, m, v, t


def test_loss_is_this_batch_and_update_matches_keras_adam():
    x, y = data(32)
    model = mlp(metrics=())
    ws = [jnp.asarray(w) for w in model.get_weights()]
    m = [jnp.zeros_like(w) for w in ws]
    v = [jnp.zeros_like(w) for w in ws]
    t = 0
    for step in range(3):
        xb, yb = x[step * 8:(step + 1) * 8 + 8], y[step * 8:(step + 1) * 8 + 8]
        loss = model.train_on_batch(xb, yb)
        expected, grads = jax.value_and_grad(ref_loss)(ws, xb, yb)
        assert isinstance(loss, float)
        np.testing.assert_allclose(loss, float(expected), rtol=1e-5)
        ws, m, v, t = ref_adam_step(ws, m, v, t, grads)
        for got, want in zip(model.get_weights(), ws):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 3


def test_return_formats_and_metric_reset():
    x, y = data(16)
    model = mlp()
    loss, acc = model.train_on_batch(x, y)
    logs = model.train_on_batch(x, y, return_dict=True)
    assert list(logs) == ["loss", "accuracy"] and all(isinstance(v, float) for v in logs.values())
    ws = model.get_weights()
    acc_ref = np.mean(np.argmax(model.predict_on_batch(x), -1) == np.argmax(y, -1))
    loss_t, acc_t = model.test_on_batch(x, y)
    np.testing.assert_allclose(acc_t, acc_ref, rtol=1e-6)
    np.testing.assert_allclose(loss_t, float(ref_loss([jnp.asarray(w) for w in ws], x, y)), rtol=1e-5)
    # reset_metrics=False accumulates over calls (weighted by batch size)
    a = model.test_on_batch(x[:8], y[:8], return_dict=True)
    b = model.test_on_batch(x[8:], y[8:], return_dict=True, reset_metrics=False)
    np.testing.assert_allclose(b["loss"], loss_t, rtol=1e-5)
    assert a["loss"] != b["loss"]


@pytest.mark.parametrize("n", [1, 5, 13, 31])
def test_padded_batches_give_the_unpadded_loss(n):
    x, y = data(n, seed=n)
    model = mlp(metrics=())
    ws = [jnp.asarray(w) for w in model.get_weights()]
    loss = model.test_on_batch(x, y)
    np.testing.assert_allclose(loss, float(ref_loss(ws, x, y)), rtol=1e-6, atol=1e-7)
    loss = model.train_on_batch(x, y)
    np.testing.assert_allclose(loss, float(ref_loss(ws, x, y)), rtol=1e-6, atol=1e-7)
    grads = jax.grad(ref_loss)(ws, x, y)
    new, *_ = ref_adam_step(ws, [0 * w for w in ws], [0 * w for w in ws], 0, grads)
    for got, want in zip(model.get_weights(), new):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert model.predict_on_batch(x).shape == (n, 5)


def test_compiles_are_bounded():
    x, y = data(300)
    model = mlp()
    model.train_on_batch(x[:32], y[:32])
    before = compile_count()
    for _ in range(50):
        model.train_on_batch(x[:32], y[:32])
    assert compile_count() == before
    for n in np.random.default_rng(0).permutation(np.arange(1, 65)):
        model.train_on_batch(x[:n], y[:n])
    assert compile_count() - before <= 6  # buckets 1, 2, 4, 8, 16, 64 beyond 32


def test_inside_function_runs_inline_and_returns_tensors():
    x, y = data(16)
    model = mlp()
    out = {}

    @tf.function
    def step(xb, yb):
        out["logs"] = model.train_on_batch(xb, yb)
        return out["logs"]

    before = model.get_weights()
    result = step(x, y)
    assert isinstance(result[0], tf.Tensor)
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    step(x, y)
    assert step.experimental_get_tracing_count() == 1
    assert int(model.optimizer.iterations.numpy()) == 2


def test_bad_input_errors():
    x, y = data(8)
    model = keras.Sequential([keras.layers.Dense(5, activation="softmax", input_shape=(12,))])
    with pytest.raises(RuntimeError, match="compile"):
        model.train_on_batch(x, y)
    model.compile(optimizer="adam", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match="same number of samples.*x has 8, y has 7"):
        model.train_on_batch(x, y[:7])
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy.*to_categorical"):
        model.train_on_batch(x, np.arange(8) % 5)
    with pytest.raises(ValueError, match="`loss`.*'not_a_loss'"):
        model.compile(optimizer="adam", loss="not_a_loss")
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(optimizer="adam", loss="mse", steps_per_execution=0)


def test_run_eagerly_matches_compiled():
    x, y = data(20)
    a, b = mlp(), mlp()
    b.set_weights(a.get_weights())
    b.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"],
              run_eagerly=True)
    for _ in range(3):
        la = a.train_on_batch(x, y)
        lb = b.train_on_batch(x, y)
        np.testing.assert_allclose(la, lb, rtol=1e-5)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
