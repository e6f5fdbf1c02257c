"""An eager ``model(x)`` call with no tape — an RL agent acting, an inference loop —
against a hand-written ``jax.jit`` forward pass of the same math, both returning
NumPy (the limit of this stack).

Model: the seed-000 MLP (Dense(10, relu) on 784 inputs, Dense(10, softmax)), batch 32
of NumPy float32 rows, interleaved rounds, medians. Op by op, this call costs about
4x the jit forward; as one compiled op (``xlaflow/layers/recorded_call.py``) the
Python overhead is what is left.
"""

from __future__ import annotations

import os
import time

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow import keras

QUICK = bool(os.environ.get("QUICK"))
CALLS = 300 if QUICK else 2000
ROUNDS = 3 if QUICK else 9


def run() -> list[dict]:
    model = keras.Sequential([keras.layers.Dense(10, activation="relu", input_shape=(784,)),
                              keras.layers.Dense(10, activation="softmax")])
    x = np.random.default_rng(0).random((CALLS + 32, 784), dtype=np.float32)
    weights = [jnp.asarray(w) for w in model.get_weights()]

    @jax.jit
    def forward(ws, xb):
        return jax.nn.softmax(jax.nn.relu(xb @ ws[0] + ws[1]) @ ws[2] + ws[3])

    def ours() -> None:
        for i in range(CALLS):
            np.asarray(model(x[i:i + 32]))

    def ref() -> None:
        for i in range(CALLS):
            np.asarray(forward(weights, x[i:i + 32]))

    np.testing.assert_allclose(np.asarray(model(x[:32])), np.asarray(forward(weights, x[:32])), rtol=1e-5, atol=1e-6)
    ours(), ref()  # warm-up
    a, b = [], []
    for _ in range(ROUNDS):
        t = time.perf_counter(); ours(); a.append((time.perf_counter() - t) / CALLS)
        t = time.perf_counter(); ref(); b.append((time.perf_counter() - t) / CALLS)
    ratio = float(np.median(np.asarray(a) / np.asarray(b)))
    return [{"figure": "eager model(x) call, no tape (seed-000 MLP, batch 32)", "value": f"{np.median(a) * 1e6:.0f} us",
             "reference": f"{np.median(b) * 1e6:.0f} us (jax.jit forward)", "ratio": f"{ratio:.2f}x",
             "target": "(no target; op by op ~4x)"}]
