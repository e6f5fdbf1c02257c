"""``tf.train`` (v1): minimize/compute_gradients/apply_gradients behaviour, global step,
``exponential_decay``, ``Saver``; and ``variable_scope`` / ``get_variable``."""

from __future__ import annotations

import os

import numpy as np
import pytest

import xlaflow as tf


def _problem():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.Variable(np.array([[1.0], [-1.0]], np.float32), name="w")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    return x, w, loss


XV = np.array([[1.0, 2.0], [0.5, -1.0]], np.float32)


def test_minimize_with_global_step_and_decay():
    g = tf.Graph()
    with g.as_default():
        x, w, loss = _problem()
        step = tf.train.get_or_create_global_step()
        assert tf.train.get_or_create_global_step() is step and tf.train.get_global_step() is step
        lr = tf.train.exponential_decay(0.1, step, decay_steps=2, decay_rate=0.5, staircase=True)
        smooth = tf.train.exponential_decay(0.1, step, 2, 0.5)
        train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)
    w0 = w.numpy().copy()
    with tf.Session(graph=g) as sess:
        lrs = []
        for _ in range(4):
            lrs.append(sess.run(lr))
            gw = 2 * XV.T @ (XV @ w.numpy() - 1.0) / 2
            expected = w.numpy() - lrs[-1] * gw
            sess.run(train, {x: XV})
            np.testing.assert_allclose(w.numpy(), expected, rtol=1e-5)
        assert int(sess.run(step)) == 4
        assert sess.run(smooth) == pytest.approx(0.1 * 0.5 ** 2)
    np.testing.assert_allclose(lrs, [0.1, 0.1, 0.05, 0.05], rtol=1e-6)
    assert not np.array_equal(w.numpy(), w0)


def test_optimizer_errors_and_slots():
    g = tf.Graph()
    with g.as_default():
        x, w, loss = _problem()
        other = tf.Variable(1.0)
        opt = tf.train.AdamOptimizer(0.1)
        with pytest.raises(ValueError, match="no gradients provided for any variable"):
            opt.minimize(loss, var_list=[other])
        with pytest.raises(ValueError, match="no gradients provided for any variable"):
            opt.apply_gradients([(None, other)])
        with pytest.raises(TypeError, match=r"\(gradient, variable\) pairs"):
            opt.apply_gradients([w])
        with pytest.raises(TypeError, match="must be a Variable"):
            opt.apply_gradients([(loss, loss)])
        pairs = opt.compute_gradients(loss)
        assert [v for _, v in pairs] == [w, other] and pairs[1][0] is None
        train = opt.apply_gradients(pairs)
        assert opt.get_slot_names() == ["m", "v"] and opt.get_slot(w, "m").shape == w.shape
        assert all(not v.trainable for v in opt.variables())
    with pytest.raises(TypeError, match="must be a graph .*GradientTape"):
        opt.minimize(tf.reduce_sum(w))
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0)
    with tf.Session(graph=g) as sess:
        before = sess.run(loss, {x: XV})
        for _ in range(5):
            sess.run(train, {x: XV})
        assert sess.run(loss, {x: XV}) < before


def test_saver_round_trip(tmp_path):
    g = tf.Graph()
    with g.as_default():
        a = tf.Variable(np.arange(3, dtype=np.float32), name="a")
        b = tf.Variable(7, name="b")
        saver = tf.train.Saver()
    with tf.Session(graph=g) as sess:
        path = saver.save(sess, str(tmp_path / "ckpt" / "model"), global_step=3)
        assert path.endswith("model-3") and os.path.exists(path + ".h5")
        assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == ["checkpoint", "model-3.h5"]  # no temporary
        assert tf.train.latest_checkpoint(str(tmp_path / "ckpt")) == path
        a.assign([9.0, 9.0, 9.0])
        b.assign(0)
        saver.restore(sess, path)
    np.testing.assert_array_equal(a.numpy(), [0.0, 1.0, 2.0])
    assert int(b.numpy()) == 7
    with pytest.raises(tf.errors.NotFoundError, match="no usable checkpoint"):
        saver.restore(None, str(tmp_path / "missing"))
    size = os.path.getsize(path + ".h5")
    with open(path + ".h5", "r+b") as f:  # damage it (truncate): restore refuses and assigns nothing
        f.truncate(size // 2)
    a.assign([5.0, 5.0, 5.0])
    with pytest.raises(tf.errors.NotFoundError):
        saver.restore(None, path)
    np.testing.assert_array_equal(a.numpy(), [5.0, 5.0, 5.0])


def test_variable_scope_and_get_variable():
    with tf.Graph().as_default():
        with tf.variable_scope("layer1"):
            w = tf.get_variable("w", [3, 2])
            b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
            with pytest.raises(ValueError, match="Variable layer1/w already exists, disallowed"):
                tf.get_variable("w", [3, 2])
        with tf.variable_scope("layer1", reuse=True):
            assert tf.get_variable("w") is w
            with pytest.raises(ValueError, match="Variable layer1/nope does not exist"):
                tf.get_variable("nope", [1])
        with tf.variable_scope("layer1", reuse=tf.AUTO_REUSE):
            assert tf.get_variable("w", [3, 2]) is w
            c = tf.get_variable("c", [1], initializer=tf.constant_initializer(4.0))
        with tf.variable_scope("init", initializer=tf.ones_initializer()):
            o = tf.get_variable("o", [2])
        assert w.name == "layer1/w:0" and tf.trainable_variables() == [w, b, c, o]
    limit = np.sqrt(6.0 / 5.0)  # glorot uniform, TF1's default
    assert np.all(np.abs(w.numpy()) <= limit) and w.numpy().std() > 0
    np.testing.assert_array_equal(b.numpy(), np.zeros(2))
    np.testing.assert_array_equal(c.numpy(), [4.0])
    np.testing.assert_array_equal(o.numpy(), [1.0, 1.0])


def test_keras_layer_in_a_graph_trained_by_a_session():
    from xlaflow import keras

    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.placeholder(tf.float32, [None, 1])
        layer = keras.layers.Dense(1)
        out = layer(x)
        loss = tf.reduce_mean(tf.square(out - y))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=layer.trainable_variables)
    assert out.shape.as_list() == [None, 1]
    X = np.random.RandomState(0).rand(8, 3).astype(np.float32)
    Y = X.sum(1, keepdims=True)
    kernel = layer.kernel.numpy().copy()
    with tf.Session(graph=g) as sess:
        first = sess.run(loss, {x: X, y: Y})
        for _ in range(30):
            _, last = sess.run([train, loss], {x: X, y: Y})
    assert last < 0.2 * first and not np.array_equal(layer.kernel.numpy(), kernel)
    eager = float(np.mean((layer(X).numpy() - Y) ** 2))  # the eager model sees the trained weights
    assert eager < first
