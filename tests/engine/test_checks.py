"""Error flags: TF's run-time errors from compiled steps, with nothing committed."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras


def _model():
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(4,))])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def _snapshot(model):
    return [w.numpy().copy() for w in model.weights] + [int(model.optimizer.iterations.numpy())]


def _same(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b))


X = np.ones((4, 4), np.float32)


def test_train_on_batch_rolls_back_a_step_with_a_bad_label():
    model = _model()
    model.train_on_batch(X, np.array([0, 1, 2, 2]))
    before = _snapshot(model)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 3 which is outside the valid range of \[0, 3\)"):
        model.train_on_batch(X, np.array([0, 1, 3, 2]))
    assert _same(_snapshot(model), before)
    model.train_on_batch(X, np.array([0, 1, 2, 2]))  # and training goes on
    assert not _same(_snapshot(model), before)


def test_fit_with_several_steps_per_dispatch_keeps_the_steps_before_the_bad_one():
    model = _model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", steps_per_execution=4)
    x = np.random.default_rng(0).normal(size=(16, 4)).astype(np.float32)
    good = np.array([0, 1, 2, 0] * 4)
    reference = _model()
    reference.set_weights(model.get_weights())
    reference.fit(x[:8], good[:8], batch_size=4, shuffle=False, verbose=0)  # the two steps before the bad one
    bad = good.copy()
    bad[9] = -1
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of -1"):
        model.fit(x, bad, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 2


def test_evaluate_and_predict_raise_tf_errors():
    model = _model()
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 5"):
        model.evaluate(X, np.array([0, 1, 5, 2]), verbose=0)
    emb = keras.Sequential([keras.layers.Embedding(10, 3, input_shape=(4,))])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0,2\] = 12 is not in \[0, 10\)"):
        emb.predict(np.array([[1, 2, 12, 3]]), verbose=0)


def test_a_function_and_a_session_raise_gather_errors():
    @tf.function
    def pick(i):
        return tf.gather(tf.range(10), i)

    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0,1\] = 12 is not in \[0, 10\)"):
        pick(tf.constant([[1, 12], [0, 1]]))
    np.testing.assert_array_equal(pick(tf.constant([[1, 2], [0, 1]])).numpy(), [[1, 2], [0, 1]])
    v1 = tf.compat.v1
    g = v1.Graph()
    with g.as_default():
        idx = v1.placeholder(tf.int32, [None])
        out = tf.gather(tf.range(10), idx)
    with v1.Session(graph=g) as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = -3 is not in \[0, 10\)"):
            sess.run(out, {idx: [1, -3]})


def test_sparse_softmax_cross_entropy_inside_a_function():
    @tf.function
    def loss(labels, logits):
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)

    logits = tf.zeros([2, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 3"):
        loss(tf.constant([0, 3]), logits)
    np.testing.assert_allclose(loss(tf.constant([0, 2]), logits).numpy(), [np.log(3.0)] * 2, rtol=1e-6)
