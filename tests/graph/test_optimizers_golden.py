"""The v1 optimizers (with and without clip_by_global_norm, with a None gradient)
match real TensorFlow ``tf.compat.v1`` graphs step by step.

Golden values: ``tests/golden/tf1_optimizers.npz`` from ``tools/golden/make_tf1_golden.py``
(see its docstring for the cases and how to regenerate).
"""

from __future__ import annotations

import pathlib

import numpy as np
import pytest

import xlaflow as tf

GOLDEN = np.load(pathlib.Path(__file__).resolve().parents[1] / "golden" / "tf1_optimizers.npz")
STEPS = 20
CASES = {
    "gd": lambda: tf.train.GradientDescentOptimizer(0.05),
    "momentum": lambda: tf.train.MomentumOptimizer(0.02, 0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.02, 0.9, use_nesterov=True),
    "adam": lambda: tf.train.AdamOptimizer(0.05),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01),
    "rmsprop_momentum": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.9),
    "rmsprop_centered": lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
    "rmsprop_centered_momentum": lambda: tf.train.RMSPropOptimizer(0.005, decay=0.8, momentum=0.5, centered=True),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
}


def train(make, clip: bool) -> dict:
    g = GOLDEN
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 6])
        y = tf.placeholder(tf.float32, [None, 4])
        w = tf.Variable(g["w0"])
        b = tf.Variable(g["b0"])
        u = tf.Variable(g["u0"])
        logits = tf.matmul(x, w) + b
        loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logits))
        opt = make()
        pairs = opt.compute_gradients(loss, var_list=[w, b, u])
        assert pairs[2][0] is None and pairs[2][1] is u
        fetch = {"loss": loss}
        if clip:
            grads, norm = tf.clip_by_global_norm([gr for gr, _ in pairs], 5.0)
            assert grads[2] is None
            fetch["norm"] = norm
            train_op = opt.apply_gradients(zip(grads, [v for _, v in pairs]))
        else:
            train_op = opt.apply_gradients(pairs)
    out = {k: [] for k in (*fetch, "w", "b")}
    with tf.Session(graph=graph) as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(STEPS):
            _, got = sess.run([train_op, fetch], feed_dict={x: g["x"], y: g["y"]})
            for k, v in got.items():
                out[k].append(v)
            out["w"].append(w.numpy())  # the run's updates are in the Variables
            out["b"].append(b.numpy())
        out["u"] = u.numpy()
    return out


@pytest.mark.parametrize("clip", [False, True], ids=["plain", "clip"])
@pytest.mark.parametrize("case", list(CASES))
def test_matches_tf1(case, clip):
    got = train(CASES[case], clip)
    prefix = f"{case}/{'clip' if clip else 'plain'}"
    for key in ("loss", "w", "b", "u") + (("norm",) if clip else ()):
        np.testing.assert_allclose(np.asarray(got[key]), GOLDEN[f"{prefix}/{key}"], rtol=1e-5, atol=1e-6, err_msg=f"{prefix}/{key}")
    np.testing.assert_array_equal(got["u"], GOLDEN["u0"])  # the None gradient left u alone
