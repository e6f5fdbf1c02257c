"""A stateful RNN trained by ``train_on_batch`` + ``reset_states()`` equals a manually carried state.

The reference is a GradientTape loop over a non-stateful LSTM with
``return_state=True`` that passes the last states of one chunk as the initial
states of the next (not differentiated through), and zeros after a reset.
"""

from __future__ import annotations

import numpy as np

import xlaflow as tf
from xlaflow import keras


def test_stateful_train_on_batch_matches_manual_state():
    rng = np.random.default_rng(0)
    seqs = rng.normal(size=(3, 4, 12, 2)).astype(np.float32)  # 3 sequences of 4 rows, 12 steps, in chunks of 4
    targets = rng.normal(size=(3, 3, 4, 1)).astype(np.float32)

    stateful = keras.Sequential([keras.layers.LSTM(5, stateful=True, batch_size=4, input_shape=(4, 2)),
                                 keras.layers.Dense(1)])
    stateful.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    lstm = keras.layers.LSTM(5, return_state=True)
    dense = keras.layers.Dense(1)
    lstm(seqs[0, :, :4]), dense(np.zeros((4, 5), np.float32))
    lstm.set_weights(stateful.layers[0].get_weights())
    dense.set_weights(stateful.layers[1].get_weights())
    opt = keras.optimizers.SGD(0.1)
    loss_fn = keras.losses.MeanSquaredError()
    variables = lstm.trainable_variables + dense.trainable_variables

    for s in range(3):
        h = c = tf.zeros([4, 5])
        for k in range(3):
            chunk = seqs[s, :, 4 * k:4 * (k + 1)]
            got = stateful.train_on_batch(chunk, targets[s, k])
            with tf.GradientTape() as tape:
                out, h_new, c_new = lstm(chunk, initial_state=[h, c])
                loss = loss_fn(targets[s, k], dense(out))
            opt.apply_gradients(zip(tape.gradient(loss, variables), variables))
            h, c = tf.stop_gradient(h_new), tf.stop_gradient(c_new)
            np.testing.assert_allclose(got, float(loss), rtol=1e-5)
        stateful.layers[0].reset_states()
    for a, b in zip(stateful.get_weights(), lstm.get_weights() + dense.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
