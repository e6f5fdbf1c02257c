"""The four training styles of the demo, on one small CNN, from the same start.

Each function trains a fresh copy of :func:`build_model` (weights set to the same
initial values) for ``epochs`` epochs over the same batches in the same order and
returns a :class:`Result`. ``fit`` runs first, with its validation split, progress
bar, EarlyStopping and TensorBoard; the other styles then train for as many epochs
as ``fit`` did, so that all final weights can be compared:

* ``fit`` — ``model.fit``;
* ``train_on_batch`` — a Python loop of ``model.train_on_batch``;
* ``GradientTape`` — the hand-written loop, eagerly and inside ``@tf.function``;
* ``Session`` — the same CNN as a TF1 graph (placeholders, ``tf.nn`` ops,
  ``tf.train.GradientDescentOptimizer``) run by ``Session.run(train_op, feed_dict)``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import xlaflow as tf
from xlaflow import keras
from xlaflow.engine import compile_count

LEARNING_RATE = 0.1  # plain SGD: TF1's GradientDescentOptimizer has exactly Keras' update


@dataclass
class Result:
    style: str
    val_acc: list = field(default_factory=list)  # per epoch
    test_acc: float = 0.0
    us_per_step: float = 0.0
    compiles: int = 0
    weights: list = field(default_factory=list)


def build_model() -> keras.Model:
    model = keras.Sequential([
        keras.layers.Conv2D(16, 3, activation="relu", padding="same", input_shape=(8, 8, 1)),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    return model


def _compiled(init: list) -> keras.Model:
    model = build_model()
    model.set_weights(init)
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _accuracy(probs: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.argmax(probs, -1) == np.argmax(y, -1)))


def _batches(n: int, batch_size: int) -> list:
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def fit_style(data: Any, init: list, epochs: int, batch_size: int, log_dir: str) -> tuple[Result, int]:
    model = _compiled(init)
    x = np.concatenate([data.x_train, data.x_val])
    y = np.concatenate([data.y_train, data.y_val])
    epoch_times: list = []

    class Timer(keras.callbacks.Callback):  # the training part of each epoch (validation excluded)
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_test_begin(self, logs=None):
            epoch_times.append(time.perf_counter() - self.t0)

    before = compile_count()
    hist = model.fit(x, y, batch_size=batch_size, epochs=epochs, validation_split=0.2, shuffle=False, verbose=1,
                     callbacks=[Timer(), keras.callbacks.EarlyStopping(monitor="val_loss", patience=3),
                                keras.callbacks.TensorBoard(log_dir=log_dir)])
    steps = len(_batches(len(data.x_train), batch_size))
    per_step = np.median(epoch_times[1:] if len(epoch_times) > 1 else epoch_times) / steps
    result = Result("fit", list(hist.history["val_accuracy"]), _accuracy(model.predict(data.x_test, verbose=0), data.y_test),
                    per_step * 1e6, compile_count() - before, model.get_weights())
    return result, len(hist.history["loss"])


def _loop(style: str, data: Any, epochs: int, batch_size: int, step: Any, predict: Any, weights: Any) -> Result:
    result = Result(style)
    times = []
    before = compile_count()
    for _ in range(epochs):
        for s in _batches(len(data.x_train), batch_size):
            t0 = time.perf_counter()
            float(step(data.x_train[s], data.y_train[s]))  # waits for the step
            times.append(time.perf_counter() - t0)
        result.val_acc.append(_accuracy(predict(data.x_val), data.y_val))
    result.test_acc = _accuracy(predict(data.x_test), data.y_test)
    result.us_per_step = float(np.median(times[1:])) * 1e6
    result.compiles = compile_count() - before
    result.weights = weights()
    return result


def train_on_batch_style(data: Any, init: list, epochs: int, batch_size: int) -> Result:
    model = _compiled(init)
    step = lambda x, y: model.train_on_batch(x, y)[0]  # noqa: E731
    return _loop("train_on_batch", data, epochs, batch_size, step, lambda x: model.predict(x, verbose=0),
                 model.get_weights)


def tape_style(data: Any, init: list, epochs: int, batch_size: int, compiled: bool) -> Result:
    model = build_model()
    model.set_weights(init)
    optimizer = keras.optimizers.SGD(LEARNING_RATE)
    loss_fn = keras.losses.CategoricalCrossentropy()

    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    name = "GradientTape + @tf.function" if compiled else "GradientTape, eager"
    return _loop(name, data, epochs, batch_size, tf.function(step) if compiled else step,
                 lambda x: model(x).numpy(), model.get_weights)


def session_style(data: Any, init: list, epochs: int, batch_size: int) -> Result:
    v1 = tf.compat.v1
    graph = v1.Graph()
    with graph.as_default():
        x = v1.placeholder(tf.float32, [None, 8, 8, 1], name="x")
        y = v1.placeholder(tf.float32, [None, 10], name="y")
        k1, b1, k2, b2, k3, b3 = (tf.Variable(w) for w in init)
        h = tf.nn.relu(tf.nn.conv2d(x, k1, strides=1, padding="SAME") + b1)
        h = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="VALID")
        h = tf.reshape(h, [-1, 4 * 4 * 16])
        h = tf.nn.relu(tf.matmul(h, k2) + b2)
        probs = tf.nn.softmax(tf.matmul(h, k3) + b3)
        # Keras' categorical cross-entropy on probabilities: renormalize, clip, log
        clipped = tf.clip_by_value(probs / tf.reduce_sum(probs, axis=1, keepdims=True), 1e-7, 1 - 1e-7)
        loss = tf.reduce_mean(-tf.reduce_sum(y * tf.math.log(clipped), axis=1))
        train_op = v1.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)
        sess = v1.Session(graph=graph)
        sess.run(v1.global_variables_initializer())

    def step(xb, yb):
        return sess.run([train_op, loss], feed_dict={x: xb, y: yb})[1]

    result = _loop("Session.run (TF1 graph)", data, epochs, batch_size, step,
                   lambda xs: sess.run(probs, feed_dict={x: xs}), lambda: sess.run([k1, b1, k2, b2, k3, b3]))
    sess.close()
    return result
