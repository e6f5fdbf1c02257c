"""Deferred forward ops under a recording tape: same values, one program per step."""

from __future__ import annotations

import numpy as np

import xlaflow as tf
from xlaflow.autodiff import GradientTape
from xlaflow.autodiff.lazy import LazyTensor
from xlaflow.engine import compile_count

RNG = np.random.default_rng(3)
X = RNG.normal(size=(5, 4)).astype(np.float32)
W = RNG.normal(size=(4, 3)).astype(np.float32)


def forward(x, w):
    return tf.reduce_mean(tf.nn.softmax(tf.matmul(x, w) * 2.0), axis=0)


def test_ops_under_a_tape_are_deferred_and_equal_eager_values():
    w = tf.Variable(W)
    eager = forward(X, w).numpy()
    with GradientTape() as tape:
        y = forward(X, w)
    assert isinstance(y, LazyTensor) and y.pending
    assert y.shape == (3,) and y.dtype == tf.float32  # known without computing
    np.testing.assert_allclose(y.numpy(), eager, rtol=1e-6)  # forces the pending ops
    assert not y.pending


def test_gradient_fills_the_forward_values_in_the_same_program():
    w = tf.Variable(W)
    counts = []
    for _ in range(5):
        counts.append(compile_count())
        with GradientTape() as tape:
            loss = tf.reduce_sum(forward(RNG.normal(size=(5, 4)).astype(np.float32), w))
        grad = tape.gradient(loss, w)
        assert loss.pending and grad.pending  # nothing has run yet (see autodiff/pending.py)
        float(loss)
        assert not grad.pending  # the gradient program computed the loss too: no forward program
        assert all(o.pending for rec in tape._records[:-1] for o in rec.outputs)  # intermediates nobody holds
        w.assign_sub(0.1 * grad)
    assert counts[1] == counts[-1] == compile_count()  # after the first step nothing compiles


def test_ops_that_need_values_force_and_still_differentiate():
    w = tf.Variable(W)
    with GradientTape() as tape:
        h = tf.matmul(X, w)
        picked = tf.gather(h, [0, 2])  # gather checks its indices eagerly: h is computed
        loss = tf.reduce_sum(picked * picked)
    grad = tape.gradient(loss, w).numpy()
    hv = X @ W
    want = X[[0, 2]].T @ (2 * hv[[0, 2]])
    np.testing.assert_allclose(grad, want, rtol=1e-5)


def test_values_read_after_the_tape_closes_and_python_control_flow():
    w = tf.Variable(W)
    with GradientTape() as tape:
        s = tf.reduce_sum(tf.matmul(X, w))
        branch = s * 2.0 if float(s) > 0 else s * -1.0  # float() forces inside the tape
    np.testing.assert_allclose(float(branch), abs(float(np.sum(X @ W))) * (2.0 if np.sum(X @ W) > 0 else 1.0), rtol=1e-5)
    grad = tape.gradient(branch, w).numpy()
    np.testing.assert_allclose(grad, np.broadcast_to(X.sum(0)[:, None], W.shape) * (2.0 if np.sum(X @ W) > 0 else -1.0), rtol=1e-5)
