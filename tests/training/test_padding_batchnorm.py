"""Padded rows never count: BatchNormalization statistics, loss and metrics on a ragged last batch.

``fit`` pads the last batch of an epoch (100 rows in batches of 32: the last has 4
rows padded to 32) and ``train_on_batch`` pads to a power of two. A GradientTape
loop on the unpadded batches is the reference: moving statistics and weights must
agree with it.
"""

from __future__ import annotations

import numpy as np

import xlaflow as tf
from xlaflow import keras


def bn_model():
    model = keras.Sequential([keras.layers.Dense(6, input_shape=(5,)), keras.layers.BatchNormalization(),
                              keras.layers.Activation("relu"), keras.layers.Dense(1)])
    return model


def test_fit_with_ragged_batch_matches_unpadded_tape_loop():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 5)).astype(np.float32) * 3 + 1
    y = rng.normal(size=(100, 1)).astype(np.float32)
    a, b, c = bn_model(), bn_model(), bn_model()
    b.set_weights(a.get_weights())
    c.set_weights(a.get_weights())
    a.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    a.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    b.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse")
    opt = keras.optimizers.SGD(0.05)
    loss_fn = keras.losses.MeanSquaredError()
    for _ in range(2):
        for i in range(0, 100, 32):
            b.train_on_batch(x[i:i + 32], y[i:i + 32])  # 4 rows -> padded to 4 (a power of two)
            with tf.GradientTape() as tape:
                loss = loss_fn(y[i:i + 32], c(x[i:i + 32], training=True))
            grads = tape.gradient(loss, c.trainable_variables)
            opt.apply_gradients(zip(grads, c.trainable_variables))
    for wa, wb, wc in zip(a.get_weights(), b.get_weights(), c.get_weights()):
        np.testing.assert_allclose(wa, wc, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(wb, wc, rtol=1e-5, atol=1e-5)
    bn = a.layers[1]
    assert not np.allclose(bn.moving_mean.numpy(), 0)  # statistics were updated


def test_train_on_batch_padding_keeps_bn_statistics():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 5)).astype(np.float32) + 2
    y = rng.normal(size=(5, 1)).astype(np.float32)
    a, c = bn_model(), bn_model()
    c.set_weights(a.get_weights())
    a.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse")
    a.train_on_batch(x, y)  # 5 rows padded to 8
    c(x, training=True)
    for wa, wc in zip(a.layers[1].get_weights(), c.layers[1].get_weights()):
        np.testing.assert_allclose(wa, wc, rtol=1e-6, atol=1e-6)
