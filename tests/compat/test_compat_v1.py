"""``xlaflow.compat.v1`` and the TF1 names at the top level: a TF1 script written
against ``tensorflow.compat.v1`` runs with only its import changed."""

from __future__ import annotations

import numpy as np

import xlaflow
import xlaflow.compat.v1 as tf1


def test_v1_namespace_has_tf1_and_falls_through():
    for name in ("placeholder", "Session", "InteractiveSession", "global_variables_initializer", "trainable_variables",
                 "gradients", "get_variable", "variable_scope", "placeholder_with_default", "get_default_graph",
                 "reset_default_graph", "Graph", "group", "control_dependencies", "no_op", "assign", "GraphKeys",
                 "random_normal", "truncated_normal", "random_uniform", "zeros_initializer", "AUTO_REUSE"):
        assert getattr(tf1, name) is getattr(xlaflow, name), name
    assert tf1.train is xlaflow.train and tf1.train.AdamOptimizer is xlaflow.train.AdamOptimizer
    assert tf1.matmul is xlaflow.matmul and tf1.nn is xlaflow.nn and tf1.Variable is xlaflow.Variable
    assert xlaflow.compat.v2 is xlaflow
    # TF2 names stay what they were
    assert xlaflow.identity.__module__ == "xlaflow.ops.array_ops"
    assert xlaflow.clip_by_global_norm.__module__ == "xlaflow.ops.clip_ops"


def test_tf1_script_with_compat_import():
    tf = tf1
    tf.disable_eager_execution()
    tf.disable_v2_behavior()
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, shape=[None, 4], name="x")
        y = tf.placeholder(tf.float32, shape=[None, 1], name="y")
        with tf.variable_scope("dense"):
            w = tf.get_variable("kernel", [4, 1], initializer=tf.random_normal_initializer(stddev=0.1, seed=1))
            b = tf.get_variable("bias", [1], initializer=tf.zeros_initializer())
        pred = tf.matmul(x, w) + b
        loss = tf.reduce_mean(tf.square(pred - y)) + 1e-3 * tf.nn.l2_loss(w)  # l2_loss(w) is a node here
        step = tf.train.get_or_create_global_step()
        train = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=step)
        init = tf.global_variables_initializer()
    rng = np.random.RandomState(0)
    X = rng.randn(64, 4).astype(np.float32)
    Y = X @ np.array([[1.0], [-2.0], [0.5], [0.0]], np.float32) + 0.3
    with tf.Session(graph=g) as sess:
        sess.run(init)
        first = sess.run(loss, {x: X, y: Y})
        for _ in range(60):
            _, last = sess.run([train, loss], feed_dict={x: X, y: Y})
        assert sess.run(step) == 60
    assert last < 0.1 * first
