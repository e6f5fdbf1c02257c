"""Per-step time of one training step written three ways, against a hand-written
``jax.jit`` + optax step of the same math (the limit of this stack).

The model is seed 003's (Dense(10, relu) -> Dense(1) on 100 features, batch 32, MSE)
written with xlaflow Variables and ops, trained with plain SGD: an eager
``GradientTape`` loop, the same step under ``@xlaflow.function``, and the reference.
This is the raw-ops style: the update is written by hand (``v.assign_sub(lr * g)``),
so it runs op by op after the gradient program. Issue 3's figures are those of
``seed003_loop`` (seed 003 verbatim: Keras layers, ``apply_gradients``); these rows
show what the hand-written style costs. Medians over ``STEPS`` steps after warm-up.
"""

from __future__ import annotations

import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

import xlaflow as tf
from xlaflow.engine import compile_count

STEPS = 400
WARMUP = 30
LR = 0.01


def _data():
    rng = np.random.default_rng(0)
    x = rng.random((1024, 100), dtype=np.float32)
    y = rng.random((1024, 1), dtype=np.float32)
    init = [rng.normal(size=(100, 10)).astype(np.float32) * 0.1, np.zeros(10, np.float32),
            rng.normal(size=(10, 1)).astype(np.float32) * 0.1, np.zeros(1, np.float32)]
    return x, y, init


def _interleaved_medians_us(steps: dict, x, y, n: int = STEPS) -> dict:
    """Median microseconds per call of each step, timing them in turn on the same batch
    so that a change in machine load hits all of them alike."""
    times: dict = {name: [] for name in steps}
    for i in range(n + WARMUP):
        s = (i * 32) % (len(x) - 32)
        xb, yb = x[s:s + 32], y[s:s + 32]
        for name, step in steps.items():
            t0 = time.perf_counter()
            float(step(xb, yb))  # waits for the result
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t[WARMUP:]) * 1e6) for name, t in times.items()}


def _reference(init):
    opt = optax.sgd(LR)
    params = [jnp.asarray(p) for p in init]
    state = {"params": params, "opt": opt.init(params)}

    def loss_fn(ps, x, y):
        w1, b1, w2, b2 = ps
        return jnp.mean((jax.nn.relu(x @ w1 + b1) @ w2 + b2 - y) ** 2)

    @jax.jit
    def update(params, opt_state, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(params, x, y)
        updates, opt_state = opt.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, loss

    def step(x, y):
        state["params"], state["opt"], loss = update(state["params"], state["opt"], x, y)
        return loss

    return step


def _xlaflow_step(init):
    variables = [tf.Variable(p) for p in init]
    w1, b1, w2, b2 = variables

    def step(x, y):
        with tf.GradientTape() as tape:
            h = tf.nn.relu(tf.matmul(x, w1) + b1)
            loss = tf.reduce_mean(tf.square(tf.matmul(h, w2) + b2 - y))
        for v, g in zip(variables, tape.gradient(loss, variables)):
            v.assign_sub(LR * g)
        return loss

    return step


def run() -> list[dict]:
    x, y, init = _data()
    t = _interleaved_medians_us({
        "ref": _reference(init),
        "eager": _xlaflow_step(init),
        "compiled": tf.function(_xlaflow_step(init)),
    }, x, y)
    ref, eager, compiled = t["ref"], t["eager"], t["compiled"]
    before = compile_count()
    steady = tf.function(_xlaflow_step(init))
    _interleaved_medians_us({"steady": steady}, x, y, n=1000 - WARMUP)
    traces = steady.experimental_get_tracing_count()
    return [
        {"figure": "raw-ops GradientTape loop, eager (us/step)", "value": f"{eager:.0f}", "reference": f"{ref:.0f} (jax.jit)",
         "ratio": f"{eager / ref:.2f}x", "target": "(raw ops; issue 3's <= 3x is the seed 003 row)"},
        {"figure": "raw-ops step in @function (us/step)", "value": f"{compiled:.0f}", "reference": f"{ref:.0f} (jax.jit)",
         "ratio": f"{compiled / ref:.2f}x", "target": "(raw ops; issue 3's <= 1.25x is the seed 003 row)"},
        {"figure": "traces over 1000 calls, same shapes", "value": str(traces), "reference": "1",
         "ratio": f"{traces}/1", "target": "1 (issue 3)"},
        {"figure": "programs compiled by those 1000 calls", "value": str(compile_count() - before), "reference": "1",
         "ratio": "", "target": ""},
    ]
