"""Seed 003 "Example 1" — the hand-written GradientTape loop — per step, against a
hand-written ``jax.jit`` + optax step of the same math (the limit of this stack).

The step is the seed's loop body verbatim (``import xlaflow as tf``, ``from xlaflow
import keras``): ``model(X_batch)`` in a tape, ``keras.losses.mean_squared_error``,
``tape.gradient``, ``optimizer.apply_gradients``. It is timed eagerly and inside
``@tf.function``, interleaved with the reference on the same batches; medians.
TensorFlow on this step: ~20x slower eagerly than in ``tf.function`` (issue 3).
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import xlaflow as tf
from xlaflow import keras
from xlaflow.keras.layers import Dense

STEPS = 1000
WARMUP = 30


def _seed_step():
    model = keras.Sequential([Dense(10, activation="relu", input_shape=(100,)), Dense(1)])
    optimizer = keras.optimizers.Adam(learning_rate=0.001)

    def step(X_batch, y_batch):
        with tf.GradientTape() as tape:
            predictions = model(X_batch)
            loss = keras.losses.mean_squared_error(y_batch, predictions)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    return step, [v.numpy() for v in model.trainable_variables]


def _reference(init):
    opt = optax.adam(1e-3, eps=1e-7)
    params = [jnp.asarray(p) for p in init]
    state = {"params": params, "opt": opt.init(params)}

    def loss_fn(ps, x, y):
        w1, b1, w2, b2 = ps
        p = jax.nn.relu(x @ w1 + b1) @ w2 + b2
        return jnp.sum(jnp.mean((y - p) ** 2, axis=-1)), jnp.mean((y - p) ** 2, axis=-1)

    @jax.jit
    def update(params, opt_state, x, y):
        (_, loss), grads = jax.value_and_grad(loss_fn, has_aux=True)(params, x.astype(jnp.float32), y.astype(jnp.float32))
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    def step(x, y):
        state["params"], state["opt"], loss = update(state["params"], state["opt"], x, y)
        return loss

    return step


def run() -> list[dict]:
    X = np.random.rand(1000, 100)
    y = np.random.rand(1000, 1)
    eager, init = _seed_step()
    compiled_body, _ = _seed_step()
    compiled = tf.function(compiled_body)
    steps = {"ref": _reference(init), "eager": eager, "compiled": compiled}
    times: dict = {k: [] for k in steps}
    for n in range(STEPS + WARMUP):
        i = (n * 32) % (len(X) - 32)
        xb, yb = X[i:i + 32], y[i:i + 32]
        for name, step in steps.items():
            t0 = time.perf_counter()
            np.asarray(step(xb, yb))
            times[name].append(time.perf_counter() - t0)
    med = {k: float(np.median(v[WARMUP:]) * 1e6) for k, v in times.items()}
    ref = med["ref"]
    return [
        {"figure": "seed 003 Example 1 loop, eager (us/step)", "value": f"{med['eager']:.0f}", "reference": f"{ref:.0f} (jax.jit+optax)",
         "ratio": f"{med['eager'] / ref:.2f}x", "target": "<= 3x (issue 3; TF ~20x)"},
        {"figure": "same step in @tf.function (us/step)", "value": f"{med['compiled']:.0f}", "reference": f"{ref:.0f} (jax.jit+optax)",
         "ratio": f"{med['compiled'] / ref:.2f}x", "target": "<= 1.25x (issue 3)"},
        {"figure": "@tf.function traces over the run", "value": str(compiled.experimental_get_tracing_count()), "reference": "1",
         "ratio": "", "target": "1 (issue 3)"},
    ]
