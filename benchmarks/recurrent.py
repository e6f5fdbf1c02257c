"""Per-step time of an LSTM gradient step, against a hand-written ``jax.jit`` reference.

Keras' ``LSTM(64)`` on batches ``(32, 50, 16)``: loss ``mean(LSTM(x)**2)`` and its
gradients with respect to the three weights, computed (a) eagerly under
``GradientTape`` -- one recorded ``LSTMScan`` op, replayed with ``jax.vjp`` -- and
(b) inside ``@xlaflow.function``, against (c) ``jax.jit(jax.value_and_grad)`` of the
same LSTM written with ``jax.lax.scan`` (the limit of this stack). Medians over
``STEPS`` interleaved steps after warm-up.

Run: ``PYTHONPATH=. .venv/bin/python -m benchmarks.recurrent``.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np

import xlaflow as tf

STEPS = 100
WARMUP = 10
BATCH, STEPS_T, FEATURES, UNITS = 32, 50, 16, 64


def _reference(weights):
    def loss_fn(params, x):
        kernel, recurrent, bias = params

        def step(carry, x_t):
            h, c = carry
            z = x_t @ kernel + h @ recurrent + bias
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None

        zeros = jnp.zeros((x.shape[0], UNITS), x.dtype)
        (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(x, 0, 1))
        return jnp.mean(h ** 2)

    grad = jax.jit(jax.value_and_grad(loss_fn))
    params = [jnp.asarray(w) for w in weights]
    return lambda x: grad(params, x)[0]


def _layer(weights):
    layer = tf.keras.layers.LSTM(UNITS)
    layer.build((BATCH, STEPS_T, FEATURES))
    layer.set_weights(weights)
    return layer


def _eager(weights):
    layer = _layer(weights)

    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(layer(x) ** 2)
        grads = tape.gradient(loss, layer.trainable_variables)
        grads[0].numpy()
        return loss

    return step


def _compiled(weights):
    layer = _layer(weights)

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(layer(x) ** 2)
        return loss, tape.gradient(loss, layer.trainable_variables)

    return lambda x: step(x)[0]


def run() -> list[dict]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, STEPS_T, FEATURES)).astype(np.float32)
    weights = [rng.normal(scale=0.1, size=s).astype(np.float32)
               for s in ((FEATURES, 4 * UNITS), (UNITS, 4 * UNITS), (4 * UNITS,))]
    steps = {"reference": _reference(weights), "eager_tape": _eager(weights), "function": _compiled(weights)}
    times: dict = {name: [] for name in steps}
    for _ in range(STEPS + WARMUP):
        for name, step in steps.items():
            t0 = time.perf_counter()
            out = step(x)
            float(np.asarray(out.numpy() if hasattr(out, "numpy") else out))  # waits for the result
            times[name].append(time.perf_counter() - t0)
    med = {name: float(np.median(t[WARMUP:]) * 1e6) for name, t in times.items()}
    ref = med["reference"]
    label = {"eager_tape": "eager GradientTape", "function": "inside @tf.function"}
    return [{"figure": f"LSTM(64) loss+gradient step, {label[name]}", "value": f"{med[name]:.0f} us",
             "reference": f"{ref:.0f} us (jax.jit lax.scan LSTM)", "ratio": f"{med[name] / ref:.2f}x",
             "target": "(no target; one op per layer call)"} for name in ("eager_tape", "function")]


if __name__ == "__main__":
    for row in run():
        print(f"{row['figure']}: {row['value']}; reference {row['reference']}; ratio {row['ratio']}")
