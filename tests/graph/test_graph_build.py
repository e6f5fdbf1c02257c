"""Building graphs: placeholders, op nodes with None dimensions, names and scopes,
the node-building rule for Variables, and the errors of symbolic tensors."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import errors
from xlaflow.graph import build, node


def test_placeholder_facts():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 784], name="x")
        y = tf.placeholder(tf.int32)
    assert x.name == "x:0" and x.op.name == "x" and x.op.type == "Placeholder"
    assert x.shape.as_list() == [None, 784] and x.get_shape().as_list() == [None, 784]
    assert x.dtype == tf.float32 and x.graph is g
    assert y.shape.rank is None
    assert str(x) == 'Tensor("x:0", shape=(None, 784), dtype=float32)'
    assert g.get_tensor_by_name("x:0") is x and g.get_operation_by_name("x") is x.op
    with pytest.raises(KeyError, match="nope:0"):
        g.get_tensor_by_name("nope:0")


def test_none_dimensions_propagate():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 28, 28])
        assert tf.reshape(x, [-1, 784]).shape.as_list() == [None, 784]
        assert tf.reduce_sum(x, axis=0).shape.as_list() == [28, 28]
        assert tf.reduce_mean(x).shape.as_list() == []
        assert x[:, 0].shape.as_list() == [None, 28]
        w = tf.Variable(np.ones((784, 3), np.float32))
        h = tf.matmul(tf.reshape(x, [-1, 784]), w)
        assert h.shape.as_list() == [None, 3]
        assert tf.concat([x, x], axis=0).shape.as_list() == [None, 28, 28]
        assert tf.shape(x).shape.as_list() == [3]
        v = tf.placeholder(tf.float32, [None])
        assert (v + tf.constant([1.0, 2.0])).shape.as_list() == [2]  # None meets a known dim
        u = tf.placeholder(tf.float32)  # unknown rank
        assert (u * 2.0).shape.rank is None and (u * 2.0).dtype == tf.float32


def test_build_errors_name_the_problem_not_the_stand_in():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 784])
        with pytest.raises(errors.InvalidArgumentError, match=r"matmul: .*None, 784.*\(700, 3\)") as e:
            tf.matmul(x, tf.Variable(np.ones((700, 3), np.float32)))
        assert "7919" not in str(e.value)
        with pytest.raises(errors.InvalidArgumentError, match="same dtype"):
            x + tf.constant([1, 2], tf.int32)


def test_names_and_scopes():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2])
        a = tf.identity(x, name="out")
        b = tf.identity(x, name="out")
        with tf.name_scope("layer"):
            c = x * 2.0
            d = tf.identity(c, name="y")
        with tf.name_scope("layer"):
            e = tf.identity(x, name="y")
    assert (a.name, b.name) == ("out:0", "out_1:0")
    assert d.name == "layer/y:0" and c.name.startswith("layer/")
    assert e.name == "layer_1/y:0"
    assert g.get_tensor_by_name("layer/y:0") is d


def test_variables_alone_are_eager_outside_an_explicit_graph_and_nodes_inside():
    w = tf.Variable([3.0, 4.0])
    eager = tf.reduce_sum(w * w)
    assert isinstance(eager, tf.Tensor) and float(eager) == 25.0
    g = tf.Graph()
    with g.as_default():
        sym = tf.reduce_sum(w * w)
        const = tf.reduce_sum(tf.constant([1.0, 2.0]))  # constants only: folded at once
    assert isinstance(sym, node.SymbolicTensor) and sym.graph is g
    assert isinstance(const, tf.Tensor) and float(const) == 3.0
    with tf.Session(graph=g) as sess:
        assert sess.run(sym) == 25.0
        w.assign([1.0, 1.0])  # eager changes are seen by the next run
        assert sess.run(sym) == 2.0
    assert isinstance(tf.reduce_sum(w), tf.Tensor)  # eager again after the block


def test_symbolic_tensors_have_no_value():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3])
        grads = tf.gradients(tf.reduce_sum(x * x), [x])
    with pytest.raises(TypeError, match="as a Python bool is not allowed.*tf.cond|as a Python bool is not allowed.*Session.run"):
        bool(x)
    with pytest.raises(TypeError, match="Python bool"):
        if x > 0:
            pass
    with pytest.raises(TypeError, match=r"not iterable.*compute_gradients"):
        list(zip(*grads))
    with pytest.raises(TypeError, match="Cannot convert a symbolic tensor.*Session.run"):
        np.asarray(x)
    with pytest.raises(TypeError, match="len"):
        len(x)
    assert {x: 1}[x] == 1 and x == x and x != grads[0]  # hashable, identity equality


def test_graphs_do_not_mix():
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [2])
    with tf.Graph().as_default():
        b = tf.placeholder(tf.float32, [2])
        with pytest.raises(ValueError, match="same graph"):
            a + b


def test_default_graph_and_reset():
    g0 = tf.get_default_graph()
    g = tf.Graph()
    with g.as_default():
        assert tf.get_default_graph() is g
        with pytest.raises(AssertionError, match="nested"):
            tf.reset_default_graph()
    assert tf.get_default_graph() is g0
    tf.reset_default_graph()
    assert tf.get_default_graph() is not g0


def test_call_node_is_a_generic_node():
    import jax.numpy as jnp

    g = tf.Graph()
    w = tf.Variable(np.float32(2.0))
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 2])
        out = build.call_node(lambda a, s: {"y": jnp.tanh(a) * s, "n": jnp.sum(a)}, x, w, type_name="MyLayer")
    assert out["y"].shape.as_list() == [None, 2] and out["n"].shape.as_list() == []
    assert out["y"].op.type == "MyLayer" and out["y"].op.kind == node.CALL
    xv = np.array([[0.5, -1.0]], np.float32)
    with tf.Session(graph=g) as sess:
        got = sess.run(out, {x: xv})
    np.testing.assert_allclose(got["y"], np.tanh(xv) * 2.0, rtol=1e-6)
    assert got["n"] == pytest.approx(-0.5)


def test_keras_functions_work_on_placeholders():
    from xlaflow import keras

    with tf.Graph().as_default():
        y = tf.placeholder(tf.float32, [None, 3])
        p = tf.placeholder(tf.float32, [None, 3])
        loss = keras.losses.categorical_crossentropy(y, keras.activations.softmax(p))
        assert loss.shape.as_list() == [None]
        yv = np.eye(3, dtype=np.float32)[[0, 2]]
        pv = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 1.0]], np.float32)
        with tf.Session() as sess:
            got = sess.run(loss, {y: yv, p: pv})
    expected = -np.log(np.exp(pv) / np.exp(pv).sum(-1, keepdims=True))[[0, 1], [0, 2]]
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_static_arguments_computed_by_the_graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 4, 2])
        flat = tf.reshape(x, [tf.shape(x)[0], -1])
        mask = tf.cast(tf.random.uniform(tf.shape(x)) < 0.5, tf.float32)  # TF1 dropout style
        zeros = tf.zeros(tf.shape(x))
        k = tf.placeholder(tf.float32, [3, 2])
        flipped = tf.reshape(k, tf.shape(k)[::-1])
    assert flat.shape.as_list() == [None, 8] and mask.shape.as_list() == [None, 4, 2]
    assert zeros.shape.as_list() == [None, 4, 2] and flipped.shape.as_list() == [2, 3]
    xv = np.arange(40, dtype=np.float32).reshape(5, 4, 2)
    with tf.Session(graph=g) as sess:
        f, m1, z = sess.run([flat, mask, zeros], {x: xv})
        m2 = sess.run(mask, {x: xv})
        assert sess.run(flipped, {k: np.ones((3, 2))}).shape == (2, 3)
    np.testing.assert_array_equal(f, xv.reshape(5, 8))
    assert m1.shape == (5, 4, 2) and not np.array_equal(m1, m2)  # a fresh mask per run
    np.testing.assert_array_equal(z, np.zeros((5, 4, 2)))


def test_compiled_functions_compute_inside_a_graph_block():
    w = tf.Variable(2.0)

    @tf.function
    def f(x):
        return w * x

    with tf.Graph().as_default():
        out = f(tf.constant(3.0))  # traced code is never turned into graph nodes
        assert isinstance(out, tf.Tensor) and float(out) == 6.0
        assert isinstance(w * 3.0, tf.graph.SymbolicTensor)


def test_graphs_hold_their_variables_weakly():
    import gc

    g = tf.Graph()
    with g.as_default():
        keep = tf.Variable(1.0)
        for _ in range(1100):  # temporary variables: dead references are pruned
            tf.Variable(0.0)
    gc.collect()
    assert g.variables() == [keep] and len(g._variables) < 1100
