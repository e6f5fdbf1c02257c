"""``Session.run``: fetch structures, feeds, the compile cache, default sessions and
every error a TF1 user meets (each a clear message, never a hang)."""

from __future__ import annotations

import collections

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import errors


@pytest.fixture
def model():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
        h = tf.matmul(x, w, name="h")
        s = tf.reduce_sum(h, name="s")
    return g, x, w, h, s


X = np.array([[1.0, 0.0, 2.0], [0.5, 1.0, -1.0]])  # float64 on purpose: fed to float32


def test_fetch_structures(model):
    g, x, w, h, s = model
    P = collections.namedtuple("P", "a b")
    expected_h = X.astype(np.float32) @ np.arange(6, dtype=np.float32).reshape(3, 2)
    with tf.Session(graph=g) as sess:
        out = sess.run({"h": h, "p": P(s, [w, (h.op, "s:0")])}, feed_dict={x: X})
        single = sess.run(s, {x: X})
        pair = sess.run((h, s), {x: X})
    np.testing.assert_allclose(out["h"], expected_h, rtol=1e-6)
    assert isinstance(out["p"], P) and out["p"].b[1][0] is None  # an operation fetches None
    assert out["p"].a == pytest.approx(expected_h.sum()) and out["p"].b[1][1] == pytest.approx(expected_h.sum())
    np.testing.assert_array_equal(out["p"].b[0], np.arange(6).reshape(3, 2))
    assert isinstance(single, np.float32) and isinstance(pair, tuple) and len(pair) == 2


def test_feeds_by_name_intermediate_and_default(model):
    g, x, w, h, s = model
    with g.as_default():
        d = tf.placeholder_with_default(np.float32(1.5), [], name="d")
        scaled = s * d
    with tf.Session(graph=g) as sess:
        assert sess.run("h:0", {"x:0": X}).shape == (2, 2)
        assert sess.run(s, {h: np.ones((4, 2))}) == 8.0  # feeding an intermediate tensor cuts the graph
        base = sess.run(s, {x: X})
        assert sess.run(scaled, {x: X}) == pytest.approx(1.5 * base)
        assert sess.run(scaled, {x: X, d: 2.0}) == pytest.approx(2 * base)


def test_one_compile_per_fetch_structure_and_feed_shape(model):
    g, x, w, h, s = model
    with tf.Session(graph=g) as sess:
        for _ in range(5):
            sess.run([h, s], feed_dict={x: X})
        assert sess.compile_count() == 1
        sess.run([h, s], feed_dict={x: np.ones((7, 3))})  # a new batch size: one more program
        sess.run([h, s], feed_dict={x: np.ones((7, 3))})
        assert sess.compile_count() == 2


def test_default_session_eval_and_run(model):
    g, x, w, h, s = model
    with g.as_default():
        inc = tf.assign_add(w, tf.ones([3, 2]))
    with pytest.raises(ValueError, match="no default session"):
        s.eval(feed_dict={x: X})
    with tf.Session(graph=g) as sess:
        assert tf.get_default_session() is sess
        assert s.eval(feed_dict={x: X}) == pytest.approx(sess.run(s, {x: X}))
        inc.op.run()
    assert float(tf.reduce_sum(w)) == 21.0
    isess = tf.InteractiveSession(graph=g)
    try:
        assert h.eval({x: X}).shape == (2, 2)
    finally:
        isess.close()
    assert tf.get_default_session() is None


def test_unfed_placeholder_is_named(model):
    g, x, w, h, s = model
    with tf.Session(graph=g) as sess:
        with pytest.raises(errors.InvalidArgumentError, match=r"You must feed a value for placeholder tensor 'x' with dtype float32 and shape \[\?,3\]"):
            sess.run(s)
        assert sess.run(w).shape == (3, 2)  # fetching a Variable needs no feed


def test_feed_errors(model):
    g, x, w, h, s = model
    other = tf.Graph()
    with other.as_default():
        z = tf.placeholder(tf.float32, [3])
        far = z * 2.0
    with tf.Session(graph=g) as sess:
        with pytest.raises(ValueError, match=r"Cannot feed value of shape \(2, 4\) for Tensor 'x:0', which has shape '\(\?, 3\)'"):
            sess.run(s, {x: np.ones((2, 4))})
        with pytest.raises(TypeError, match="feed_dict keys must be placeholders"):
            sess.run(s, {1: X})
        with pytest.raises(KeyError, match="nope:0"):
            sess.run(s, {"nope:0": X})
        with pytest.raises(ValueError, match="not an element of this session's graph"):
            sess.run(s, {z: np.ones(3)})
        with pytest.raises(TypeError, match="feed value must be concrete"):
            sess.run(s, {x: h})
        with pytest.raises(ValueError, match="cannot be converted to float32"):
            sess.run(s, {x: [["a", "b", "c"]]})
        with pytest.raises(ValueError, match="not an element of this session's graph"):
            sess.run(far, {z: np.ones(3)})


def test_fetch_errors_and_closed_session(model):
    g, x, w, h, s = model
    eager = tf.reduce_sum(w)
    sess = tf.Session(graph=g)
    with pytest.raises(TypeError, match="eager Tensor.*stale.*as_default"):
        sess.run(eager)
    with pytest.raises(TypeError, match="invalid type"):
        sess.run([s, 3.0], {x: X})
    sess.close()
    with pytest.raises(RuntimeError, match="closed Session"):
        sess.run(s, {x: X})


def test_reads_see_updates_they_depend_on():
    w = tf.Variable(1.0)
    g = tf.Graph()
    with g.as_default():
        before = w * 10.0
        inc = tf.assign_add(w, 1.0)
        with tf.control_dependencies([inc]):
            after = w * 10.0
    with tf.Session(graph=g) as sess:
        b, i, a = sess.run([before, inc, after])
    assert (b, i, a) == (10.0, 2.0, 20.0)
    assert float(w) == 2.0  # the update landed in the Variable


def test_make_callable_and_evaluate_inside_another_trace(model):
    import jax

    from xlaflow.graph.interpreter import evaluate

    g, x, w, h, s = model
    with tf.Session(graph=g) as sess:
        f = sess.make_callable([h, s], feed_list=[x])
        got_h, got_s = f(X)
        assert got_h.shape == (2, 2) and got_s == pytest.approx(sess.run(s, {x: X}))
        with pytest.raises(TypeError, match="takes 1 feed values"):
            f()
    jitted = jax.jit(lambda xv: evaluate([s], {x: xv})[0])  # a front end embedding the graph
    assert float(jitted(X.astype(np.float32))) == pytest.approx(got_s)
