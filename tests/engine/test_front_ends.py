"""What the one engine gives every front end: one Python run per trace, hyperparameters
that take effect, shared programs across models, retrace warnings everywhere."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.engine import compile_count
from xlaflow.engine.cache import XlaflowRetracingWarning


def test_function_body_runs_once_per_trace():
    calls = []
    v = tf.Variable(1.0)

    @tf.function
    def step(x):
        calls.append("traced")
        v.assign_add(tf.reduce_sum(x))
        return v * 2.0

    step(tf.constant([1.0, 2.0]))
    step(tf.constant([3.0, 4.0]))
    assert calls == ["traced"] and float(v.numpy()) == 11.0


def test_function_body_runs_once_when_it_builds_its_variables():
    calls = []

    class Scale(tf.Module if hasattr(tf, "Module") else object):
        def __init__(self):
            self.w = None

        @tf.function
        def __call__(self, x):
            calls.append("traced")
            if self.w is None:
                self.w = tf.Variable(tf.ones([2]) * 3.0)
            return tf.reduce_sum(self.w * x)

    m = Scale()
    assert float(m(tf.constant([1.0, 2.0]))) == 9.0
    assert float(m(tf.constant([1.0, 1.0]))) == 6.0
    assert calls == ["traced"]


def test_a_changed_clipnorm_takes_effect_eagerly():
    w = tf.Variable(np.zeros(2, np.float32))
    opt = keras.optimizers.SGD(learning_rate=1.0)
    opt.apply_gradients([(tf.constant([30.0, 40.0]), w)])  # norm 50, no clipping yet
    np.testing.assert_allclose(w.numpy(), [-30.0, -40.0])
    opt.clipnorm = 0.001
    opt.apply_gradients([(tf.constant([30.0, 40.0]), w)])
    np.testing.assert_allclose(w.numpy(), [-30.0006, -40.0008], rtol=1e-6)


def test_a_changed_clipnorm_takes_effect_in_fit():
    x = np.ones((4, 2), np.float32)
    y = np.full((4, 1), 100.0, np.float32)
    model = keras.Sequential([keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros", input_shape=(2,))])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), loss="mse")
    model.train_on_batch(x, y)
    moved = np.abs(model.get_weights()[0]).max()
    assert moved > 100  # unclipped: a large step
    model.optimizer.clipnorm = 1e-3
    before = model.get_weights()[0].copy()
    model.train_on_batch(x, y)
    step = np.linalg.norm(model.get_weights()[0] - before)
    np.testing.assert_allclose(step, 1e-3, rtol=2e-2)  # (float32 weights near 400: the difference is coarse)


def _mlp():
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(8,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_second_model_of_the_same_architecture_compiles_nothing():
    x = np.random.default_rng(0).normal(size=(32, 8)).astype(np.float32)
    y = np.arange(32) % 3

    def use(model):
        model.fit(x, y, batch_size=8, epochs=1, verbose=0)
        model.train_on_batch(x[:8], y[:8])
        model.evaluate(x, y, verbose=0)
        return model.predict(x, verbose=0)

    use(_mlp())
    before = compile_count()
    use(_mlp())  # a new model: new Variables, the same programs
    assert compile_count() == before


def test_session_run_warns_when_feed_shapes_keep_changing():
    v1 = tf.compat.v1
    g = v1.Graph()
    with g.as_default():
        p = v1.placeholder(tf.float32, [None], name="batch")
        total = tf.reduce_sum(p * 2.0)
    with v1.Session(graph=g) as sess:
        for n in range(1, 6):
            sess.run(total, {p: np.ones(n, np.float32)})
        with pytest.warns(XlaflowRetracingWarning, match=r"`batch:0` \(shape=\(5,\) -> shape=\(6,\)\)"):
            sess.run(total, {p: np.ones(6, np.float32)})


def test_tape_loop_warns_when_batch_sizes_keep_changing():
    w = tf.Variable(np.ones((3, 2), np.float32))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for n in range(1, 8):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.matmul(np.ones((n, 3), np.float32), w))
            w.assign_sub(0.1 * tape.gradient(loss, w))
    messages = [str(c.message) for c in caught if issubclass(c.category, XlaflowRetracingWarning)]
    assert messages and "GradientTape" in messages[0] and "shape=(5, 3) -> shape=(6, 3)" in messages[0]
