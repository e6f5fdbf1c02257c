"""``fit`` on a small CNN against a hand-written ``jax.jit`` step per batch.

Model: the demo's CNN (Conv2D(16, 3, same, relu) on 8x8x1 inputs, MaxPooling2D(2),
Dense(64, relu), Dense(10, softmax)), SGD(0.1), categorical cross-entropy, batch 32,
synthetic data, one epoch per timing, interleaved rounds, medians.

Two rows: ``fit`` as it chooses to run (on the CPU backend a model with convolutions
trains one step per dispatch), and ``fit`` forced to scan 32 steps per dispatch
(``steps_per_execution=32``), which shows why: XLA:CPU computes convolution gradients
inside a loop much more slowly than in a program of one step.
"""

from __future__ import annotations

import os
import time

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow import keras

QUICK = bool(os.environ.get("QUICK"))
N = 1024 if QUICK else 4096
ROUNDS = 3 if QUICK else 7


def _model(spe: object) -> keras.Model:
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.layers.Conv2D(16, 3, activation="relu", padding="same", input_shape=(8, 8, 1)),
        keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="categorical_crossentropy", steps_per_execution=spe)
    return model


def _reference(weights: list):
    def loss_fn(ps, x, y):
        h = jax.lax.conv_general_dilated(x, ps[0], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jax.nn.relu(h + ps[1])
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
        h = jax.nn.relu(h.reshape(h.shape[0], -1) @ ps[2] + ps[3])
        p = jnp.clip(jax.nn.softmax(h @ ps[4] + ps[5]), 1e-7, 1 - 1e-7)
        return -jnp.mean(jnp.sum(y * jnp.log(p), -1))

    @jax.jit
    def step(ps, x, y):
        loss, g = jax.value_and_grad(loss_fn)(ps, x, y)
        return [p - 0.1 * d for p, d in zip(ps, g)], loss

    return [jnp.asarray(w) for w in weights], step


def run() -> list[dict]:
    rng = np.random.default_rng(0)
    x = rng.random((N, 8, 8, 1), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, N)]
    steps = N // 32
    auto, scanned = _model("auto"), _model(32)
    params, step = _reference(auto.get_weights())
    xb, yb = jax.device_put(x.reshape(steps, 32, 8, 8, 1)), jax.device_put(y.reshape(steps, 32, 10))
    batches = [(xb[i], yb[i]) for i in range(steps)]
    state = {"p": params}

    def ref() -> None:
        for a, b in batches:
            state["p"], loss = step(state["p"], a, b)
        float(loss)

    def fit(model: keras.Model):
        return lambda: model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)

    runs = {"ref": ref, "auto": fit(auto), "scanned": fit(scanned)}
    times: dict = {k: [] for k in runs}
    for f in runs.values():
        f()  # warm-up (compiles)
    for _ in range(ROUNDS):
        for k, f in runs.items():
            t = time.perf_counter(); f(); times[k].append((time.perf_counter() - t) / steps)
    ratio = {k: float(np.median(np.asarray(times[k]) / np.asarray(times["ref"]))) for k in ("auto", "scanned")}
    ref_us = f"{np.median(times['ref']) * 1e6:.0f} us (jax.jit step per batch)"
    return [
        {"figure": "fit step, small CNN (batch 32, default dispatch)", "value": f"{np.median(times['auto']) * 1e6:.0f} us",
         "reference": ref_us, "ratio": f"{ratio['auto']:.2f}x", "target": "(no target; issue 5's fit <= 1.3x is the MLP)"},
        {"figure": "same fit, steps_per_execution=32 (lax.scan)", "value": f"{np.median(times['scanned']) * 1e6:.0f} us",
         "reference": ref_us, "ratio": f"{ratio['scanned']:.2f}x", "target": "(why CNNs default to one step on CPU)"},
    ]
