"""The GAN pattern: ``trainable`` is captured at ``compile``, exactly as in Keras.

The discriminator is compiled while trainable, then frozen and compiled into the
combined model. The combined model's ``train_on_batch`` must leave the
discriminator's weights bit-identical while training the generator, and the
discriminator's own ``train_on_batch`` must still train it — with no recompiles
after the first round.
"""

from __future__ import annotations

import numpy as np

from xlaflow import keras
from xlaflow.engine import compile_count


def test_gan_trainable_semantics():
    rng = np.random.default_rng(0)
    disc = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                             keras.layers.Dense(1, activation="sigmoid")])
    disc.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    disc.trainable = False
    gen = keras.Sequential([keras.layers.Dense(4, input_shape=(3,))])
    combined = keras.Sequential([gen, disc])
    combined.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")
    assert len(combined.trainable_weights) == 2  # the generator's kernel and bias

    counts = []
    for step in range(4):
        z = rng.normal(size=(16, 3)).astype(np.float32)
        fake = gen.predict_on_batch(z)
        real = rng.normal(loc=2.0, size=(16, 4)).astype(np.float32)
        d_before = [w.copy() for w in disc.get_weights()]
        disc.train_on_batch(np.concatenate([real, fake]), np.concatenate([np.ones((16, 1)), np.zeros((16, 1))]))
        d_after = disc.get_weights()
        assert any(not np.array_equal(a, b) for a, b in zip(d_before, d_after)), "discriminator must train"
        g_before = [w.copy() for w in gen.get_weights()]
        combined.train_on_batch(z, np.ones((16, 1), np.float32))
        for a, b in zip(d_after, disc.get_weights()):
            np.testing.assert_array_equal(a, b)  # bit-identical
        assert any(not np.array_equal(a, b) for a, b in zip(g_before, gen.get_weights())), "generator must train"
        counts.append(compile_count())
    assert counts[-1] == counts[0], "no recompiles after the first round"
