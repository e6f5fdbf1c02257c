"""Pending gradients: computed on first read, or fused with the optimizer step that
consumes them (xlaflow/autodiff/pending.py). Checked against hand-written JAX."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.autodiff.pending import PendingGradient
from xlaflow.engine import compile_count

RNG = np.random.default_rng(11)
X = RNG.normal(size=(3, 8, 5)).astype(np.float32)
Y = RNG.normal(size=(3, 8, 1)).astype(np.float32)


def _model():
    model = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(5,)), keras.layers.Dense(1)])
    return model, [v.numpy() for v in model.trainable_variables]


def _reference(init, steps):
    """The same loop in hand-written JAX, with Keras' Adam formula."""
    params = [jnp.asarray(p) for p in init]
    m = [jnp.zeros_like(p) for p in params]
    v = [jnp.zeros_like(p) for p in params]

    def loss_fn(ps, x, y):
        w1, b1, w2, b2 = ps
        return jnp.mean(jnp.mean((y - (jnp.tanh(x @ w1 + b1) @ w2 + b2)) ** 2, axis=-1))

    losses, grads = [], []
    for i in range(steps):
        loss, g = jax.value_and_grad(loss_fn)(params, X[i], Y[i])
        t = i + 1
        lr_t = 1e-2 * np.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        m = [a + (b - a) * 0.1 for a, b in zip(m, g)]
        v = [a + (b * b - a) * 0.001 for a, b in zip(v, g)]
        params = [p - lr_t * a / (jnp.sqrt(b) + 1e-7) for p, a, b in zip(params, m, v)]
        losses.append(float(loss))
        grads.append(g)
    return params, losses, grads


def _step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.mean_squared_error(y, model(x)))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss, grads


def test_fused_loop_equals_the_jax_reference_and_fills_losses_and_gradients():
    model, init = _model()
    optimizer = keras.optimizers.Adam(1e-2)
    want_params, want_losses, want_grads = _reference(init, 3)
    for i in range(3):
        loss, grads = _step(model, optimizer, X[i], Y[i])
        assert all(isinstance(g, PendingGradient) and not g.pending for g in grads)  # filled by the fused step
        np.testing.assert_allclose(float(loss), want_losses[i], rtol=1e-5)
        for g, w in zip(grads, want_grads[i]):
            np.testing.assert_allclose(g.numpy(), np.asarray(w), rtol=1e-4, atol=1e-6)
    for v, w in zip(model.trainable_variables, want_params):
        np.testing.assert_allclose(v.numpy(), np.asarray(w), rtol=1e-4, atol=1e-6)
    assert int(optimizer.iterations.numpy()) == 3


def test_one_compile_for_the_fused_step_across_steps():
    model, _ = _model()
    optimizer = keras.optimizers.Adam(1e-2)
    _step(model, optimizer, X[0], Y[0])
    before = compile_count()
    for i in range(1, 3):
        _step(model, optimizer, X[i], Y[i])
    assert compile_count() == before


def test_reading_a_gradient_first_runs_it_the_ordinary_way_with_the_same_result():
    fused, init = _model()
    plain, _ = _model()
    for v, w in zip(plain.trainable_variables, init):
        v.assign(w)
    opt_a, opt_b = keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2)
    for i in range(3):
        _step(fused, opt_a, X[i], Y[i])
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.mean_squared_error(Y[i], plain(X[i])))
        grads = tape.gradient(loss, plain.trainable_variables)
        clipped, norm = tf.clip_by_global_norm(grads, 1e6)  # reads them: the gradient program runs now
        assert float(norm) > 0 and not grads[0].pending
        opt_b.apply_gradients(zip(clipped, plain.trainable_variables))
    for a, b in zip(fused.trainable_variables, plain.trainable_variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)


def test_gradient_clipping_and_weight_decay_fuse_with_the_same_values():
    model_a, init = _model()
    model_b, _ = _model()
    for v, w in zip(model_b.trainable_variables, init):
        v.assign(w)
    kwargs = dict(learning_rate=1e-2, clipnorm=0.05, weight_decay=0.1)
    opt_a, opt_b = keras.optimizers.AdamW(**kwargs), keras.optimizers.AdamW(**kwargs)
    for i in range(3):
        _step(model_a, opt_a, X[i], Y[i])
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.mean_squared_error(Y[i], model_b(X[i])))
        grads = [g.numpy() for g in tape.gradient(loss, model_b.trainable_variables)]  # concrete: not fused
        opt_b.apply_gradients(zip(grads, model_b.trainable_variables))
    for a, b in zip(model_a.trainable_variables, model_b.trainable_variables):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-5, atol=1e-7)


def test_a_subset_of_gradients_and_two_calls_of_a_persistent_tape():
    w = tf.Variable(np.ones((3,), np.float32))
    b = tf.Variable(np.zeros((), np.float32))
    opt = keras.optimizers.SGD(0.5)
    opt.build([w, b])
    with tf.GradientTape(persistent=True) as tape:
        loss = tf.reduce_sum(w * w) + b
    gw = tape.gradient(loss, w)
    gb = tape.gradient(loss, [b])[0]
    opt.apply_gradients([(gw, w)])  # fused with the first run only
    np.testing.assert_allclose(w.numpy(), 1 - 0.5 * 2 * np.ones(3), rtol=1e-6)
    assert gb.pending
    opt.apply_gradients([(gb, b)])
    np.testing.assert_allclose(b.numpy(), -0.5, rtol=1e-6)
    np.testing.assert_allclose(float(loss), 3.0, rtol=1e-6)


def test_mixed_pending_and_concrete_gradients_take_the_ordinary_path():
    w = tf.Variable(np.ones((2,), np.float32))
    v = tf.Variable(np.ones((2,), np.float32))
    opt = keras.optimizers.SGD(0.1)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(3.0 * w)
    g = tape.gradient(loss, w)
    opt.apply_gradients([(g, w), (tf.constant([1.0, 2.0]), v)])
    np.testing.assert_allclose(w.numpy(), [0.7, 0.7], rtol=1e-6)
    np.testing.assert_allclose(v.numpy(), [0.9, 0.8], rtol=1e-6)


def test_a_pending_gradient_of_the_wrong_shape_is_a_clear_error():
    w = tf.Variable(np.ones((2,), np.float32))
    v = tf.Variable(np.ones((3,), np.float32))
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(w)
    g = tape.gradient(loss, w)
    with pytest.raises(ValueError, match="gradient of shape"):
        keras.optimizers.SGD(0.1).apply_gradients([(g, v)])


def test_only_outputs_someone_holds_come_out_of_the_gradient_program():
    model, _ = _model()
    k0, b0, k1, b1 = [v.numpy() for v in model.trainable_variables]
    with tf.GradientTape() as tape:
        hidden = model.layers[0](X[0])
        loss = tf.reduce_mean(keras.losses.mean_squared_error(Y[0], model.layers[1](hidden)))
    grads = tape.gradient(loss, model.trainable_variables)
    names = [rec.op.name for rec in tape._records]
    assert names == ["LayerCall:Dense", "LayerCall:Dense", "KerasMeanSquaredError", "Mean"]
    assert {pos for _, pos, _ in grads[0]._run.extras} == {0, 3}  # what the test holds: hidden, loss
    keras.optimizers.SGD(0.1).apply_gradients(zip(grads, model.trainable_variables))
    want_hidden = np.tanh(X[0] @ k0 + b0)
    np.testing.assert_allclose(hidden.numpy(), want_hidden, rtol=1e-5)
    unheld = tape._records[1].outputs[0]
    assert unheld.pending  # not computed by the fused step; a forward program computes it on demand,
    np.testing.assert_allclose(unheld.numpy(), want_hidden @ k1 + b1, rtol=1e-5)  # from the recorded values


def test_a_held_optimizer_slot_value_survives_the_fused_step():
    model, _ = _model()
    optimizer = keras.optimizers.Adam(1e-2)
    _step(model, optimizer, X[0], Y[0])
    held = [v.value() for v in optimizer.variables[1:]]  # Tensors sharing the slots' buffers
    before = [t.numpy().copy() for t in held]
    _step(model, optimizer, X[1], Y[1])  # the fused step reuses only buffers nothing else holds
    for t, b in zip(held, before):
        np.testing.assert_array_equal(t.numpy(), b)
    assert any(not np.array_equal(v.numpy(), b) for v, b in zip(optimizer.variables[1:], before))


def _gan_steps(read_first: bool) -> tuple:
    """The DCGAN-tutorial step: two tapes recording at once, two optimizers."""
    keras.utils.set_random_seed(1)
    gen = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)), keras.layers.Dense(3)])
    disc = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(3,)), keras.layers.Dense(1)])
    gen_opt, disc_opt = keras.optimizers.Adam(1e-2), keras.optimizers.Adam(1e-2)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    rng = np.random.default_rng(0)
    for _ in range(3):
        noise, real = rng.normal(size=(16, 4)).astype(np.float32), rng.normal(size=(16, 3)).astype(np.float32)
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            fake_out = disc(gen(noise, training=True), training=True)
            real_out = disc(real, training=True)
            gen_loss = bce(tf.ones_like(fake_out), fake_out)
            disc_loss = bce(tf.ones_like(real_out), real_out) + bce(tf.zeros_like(fake_out), fake_out)
        gen_grads = gen_tape.gradient(gen_loss, gen.trainable_variables)
        disc_grads = disc_tape.gradient(disc_loss, disc.trainable_variables)
        if read_first:  # concrete arrays: the ordinary (unfused) path
            gen_grads, disc_grads = [g.numpy() for g in gen_grads], [g.numpy() for g in disc_grads]
        gen_opt.apply_gradients(zip(gen_grads, gen.trainable_variables))
        disc_opt.apply_gradients(zip(disc_grads, disc.trainable_variables))
    return [v.numpy() for v in gen.weights + disc.weights], float(gen_loss), float(disc_loss)


def test_two_tapes_and_two_optimizers_fuse_each_run_with_the_ordinary_values():
    fused, plain = _gan_steps(read_first=False), _gan_steps(read_first=True)
    for a, b in zip(fused[0], plain[0]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert fused[1:] == pytest.approx(plain[1:], rel=1e-6)
