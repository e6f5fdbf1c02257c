"""``gradients``: values against jax.grad, None for unconnected inputs, grad_ys,
gradients with respect to tensors, StopGradient, and state ops / initializers."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf

XV = np.array([[1.0, -2.0, 0.5], [0.3, 0.1, -0.7]], np.float32)
W0 = np.array([[0.2, -0.1], [0.4, 0.3], [-0.5, 0.6]], np.float32)


def _ref_loss(w, b, x):
    return jnp.mean(jnp.tanh(x @ w + b) ** 2)


def test_gradients_match_jax():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.Variable(W0)
        b = tf.Variable(np.array([0.1, -0.2], np.float32))
        u = tf.Variable(1.0)  # not connected
        loss = tf.reduce_mean(tf.square(tf.tanh(tf.matmul(x, w) + b)))
        gw, gb, gu = tf.gradients(loss, [w, b, u])
        (gx,) = tf.gradients(loss, x)
    assert gu is None and gw.shape.as_list() == [3, 2] and gx.shape.as_list() == [None, 3]
    with tf.Session(graph=g) as sess:
        vw, vb, vx, lv = sess.run([gw, gb, gx, loss], {x: XV})
    ref = jax.grad(_ref_loss, argnums=(0, 1, 2))(W0, np.array([0.1, -0.2], np.float32), XV)
    for got, want in zip((vw, vb, vx), ref):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    assert lv == pytest.approx(float(_ref_loss(W0, np.array([0.1, -0.2], np.float32), XV)), rel=1e-6)
    with tf.Session(graph=g) as sess:
        sess.run([gw, loss], {x: XV})
        assert sess.compile_count() >= 1


def test_grad_ys_several_ys_and_stop_gradient():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [3])
        w = tf.Variable(np.array([1.0, 2.0, 3.0], np.float32))
        y1 = x * w
        y2 = tf.reduce_sum(w * w)
        (gw,) = tf.gradients([y1, y2], [w], grad_ys=[tf.constant([1.0, 0.0, 2.0]), None])
        blocked = tf.gradients(tf.stop_gradient(w * 2.0), [w])
        zero = tf.gradients(tf.stop_gradient(w * 2.0), [w], unconnected_gradients="zero")
    assert blocked == [None]
    with tf.Session(graph=g) as sess:
        got = sess.run(gw, {x: np.array([5.0, 6.0, 7.0])})
        np.testing.assert_allclose(sess.run(zero[0]), np.zeros(3))
    np.testing.assert_allclose(got, np.array([5.0, 0.0, 14.0]) + 2 * np.array([1.0, 2.0, 3.0]))


def test_gradients_errors():
    w = tf.Variable(1.0)
    with pytest.raises(TypeError, match="gradients: argument `ys` must hold symbolic.*GradientTape"):
        tf.gradients(w * 2.0, [w])
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        with pytest.raises(TypeError, match="argument `xs` must hold Variables or symbolic tensors"):
            tf.gradients(tf.reduce_sum(x), [np.ones(2)])
        i = tf.placeholder(tf.int32, [2])
        with pytest.raises(TypeError, match="must hold floating"):
            tf.gradients(tf.reduce_sum(x), [i])


def test_assign_ops_and_initializers():
    g = tf.Graph()
    with g.as_default():
        v = tf.Variable([1.0, 2.0])
        c = tf.Variable(0, trainable=False)
        set_v = tf.assign(v, [5.0, 6.0])
        add_v = tf.assign_add(v, tf.ones([2]))
        sub_v = tf.assign_sub(v, [1.0, 1.0])
        bump = tf.assign_add(c, 1)
        both = tf.group(add_v, bump)
        init = tf.global_variables_initializer()
        only_c = tf.variables_initializer([c])
        nothing = tf.no_op()
    assert {id(x) for x in tf.compat.v1.global_variables()} >= set()  # default graph untouched by g
    with g.as_default():
        assert tf.global_variables() == [v, c] and tf.trainable_variables() == [v]
    with tf.Session(graph=g) as sess:
        np.testing.assert_array_equal(sess.run(set_v), [5.0, 6.0])
        assert sess.run(both) is None and sess.run(nothing) is None
        np.testing.assert_array_equal(v.numpy(), [6.0, 7.0])  # visible to eager code
        np.testing.assert_array_equal(sess.run(sub_v), [5.0, 6.0])
        assert int(c.numpy()) == 1
        sess.run(only_c)
        assert int(c.numpy()) == 0 and v.numpy()[0] == 5.0
        sess.run(init)  # re-running the initializer resets every variable
        np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])
        np.testing.assert_array_equal(sess.run([init, v])[1], [1.0, 2.0])
    with pytest.raises(TypeError, match="argument `ref` must be a Variable"):
        tf.assign(np.ones(2), [1.0, 2.0])
    with pytest.raises(ValueError, match="must have shape"):
        tf.assign(v, [1.0, 2.0, 3.0])


def test_random_ops_in_a_graph_draw_per_run():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2])
        noisy = x + tf.random.normal([2], mean=x)  # a symbolic input: drawn at every run
    with tf.Session(graph=g) as sess:
        a = sess.run(noisy, {x: [0.0, 0.0]})
        b = sess.run(noisy, {x: [0.0, 0.0]})
        assert not np.array_equal(a, b)
        assert sess.compile_count() == 1  # the hidden random-key Variable is captured by the one trace
        sess.run(noisy, {x: [0.0, 0.0]})
        assert sess.compile_count() == 1


def test_variable_assign_methods_with_symbolic_values_build_nodes():
    w = tf.Variable(np.array([1.0, 2.0], np.float32))
    x = tf.placeholder(tf.float32, [2])
    (grad,) = tf.gradients(tf.reduce_sum(w * x), [w])
    update = w.assign(w - 0.5 * grad)  # TF1 manual SGD
    bump = w.assign_add(x)
    assert isinstance(update, tf.graph.SymbolicTensor) and float(w.numpy()[0]) == 1.0  # nothing ran yet
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(update, {x: [2.0, 4.0]}), [0.0, 0.0])
        np.testing.assert_allclose(sess.run(bump, {x: [1.0, 1.0]}), [1.0, 1.0])
    np.testing.assert_allclose(w.numpy(), [1.0, 1.0])
    w.assign([3.0, 3.0])  # eager values stay eager
    np.testing.assert_allclose(w.numpy(), [3.0, 3.0])


def test_variable_eval_initializer_and_clip_ops_in_graphs():
    w = tf.Variable(np.array([3.0, -4.0], np.float32))
    x = tf.placeholder(tf.float32, [2])
    by_value = tf.clip_by_value(x, -1.0, 1.0)
    by_norm = tf.clip_by_norm(x * w, 1.0)
    with tf.Session() as sess:
        w.assign([0.0, 0.0])
        assert np.array_equal(w.eval(), [0.0, 0.0])
        sess.run(w.initializer)
        np.testing.assert_array_equal(w.eval(session=sess), [3.0, -4.0])
        np.testing.assert_array_equal(sess.run(by_value, {x: [5.0, -0.5]}), [1.0, -0.5])
        np.testing.assert_allclose(sess.run(by_norm, {x: [1.0, 1.0]}), [0.6, -0.8], rtol=1e-6)


def test_cond_on_a_graph_tensor():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [])
        v = tf.Variable(0.0)
        y = tf.cond(x > 0, lambda: x * 2.0, lambda: -x)
        counted = tf.cond(x > 0, lambda: tf.assign_add(v, 1.0), lambda: tf.identity(v))
        (gy,) = tf.gradients(y, [x])
        with pytest.raises(tf.errors.InvalidArgumentError, match="same structure"):
            tf.cond(x > 0, lambda: (x, x), lambda: x)
    assert y.shape.as_list() == [] and y.op.type == "If"
    with tf.Session(graph=g) as sess:
        assert (sess.run(y, {x: 3.0}), sess.run(y, {x: -2.0})) == (6.0, 2.0)
        assert [sess.run(counted, {x: a}) for a in (3.0, -2.0, 1.0)] == [1.0, 1.0, 2.0]  # assigned only when chosen
        assert (sess.run(gy, {x: 3.0}), sess.run(gy, {x: -3.0})) == (2.0, -1.0)
    assert float(v.numpy()) == 2.0
