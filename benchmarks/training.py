"""Keras training (issue 5): ``train_on_batch`` and ``fit`` against hand-written JAX.

Model: the seed-000 MLP (Dense(10, relu) on 784 inputs, Dense(10, softmax)), Adam,
categorical cross-entropy, accuracy; synthetic 60,000 x 784 data. References, measured
in the same run (the limit of this stack):

* ``train_on_batch`` loop (batch 32, Python floats back) vs a ``jax.jit`` step on the
  same NumPy batches that converts its loss to float every step;
* ``fit`` (batch 32, one epoch, verbose=0) per step vs a ``lax.scan`` epoch over
  device-resident batches, and ``fit`` with verbose=1 (to a pipe) vs verbose=0;
* ``fit`` on a shuffled, batched, prefetched ``Dataset`` vs ``fit`` on arrays;
* a compute-bound MLP (784-2048-2048-10, batch 512): fit throughput vs the jit step;
* compiles: 1,000 same-shape ``train_on_batch`` calls, and batch sizes 1..300 in
  random order;
* memory: RSS growth over 10,000 ``train_on_batch`` calls after warm-up, and over 200
  build/compile/fit/delete cycles.

Timings interleave the two sides in rounds and report medians. ``QUICK=1`` in the
environment shortens every loop (for a smoke run).
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import resource
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax

from xlaflow import keras
from xlaflow.engine import compile_count

QUICK = bool(os.environ.get("QUICK"))
N = 6_000 if QUICK else 60_000
ROUNDS = 3 if QUICK else 7


def _data(n: int = N, d: int = 784, k: int = 10) -> tuple:
    rng = np.random.default_rng(0)
    x = rng.random((n, d), dtype=np.float32)
    y = np.eye(k, dtype=np.float32)[rng.integers(0, k, n)]
    return x, y


def _model(hidden: tuple = (10,), lr: float = 1e-3) -> keras.Model:
    layers = [keras.layers.Dense(hidden[0], activation="relu", input_shape=(784,))]
    layers += [keras.layers.Dense(h, activation="relu") for h in hidden[1:]]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(lr), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _reference(model: keras.Model):
    """A hand-written jit step of the same math (optax Adam, eps=1e-7) on ``model``'s initial weights."""
    params = [jnp.asarray(w) for w in model.get_weights()]
    opt = optax.adam(1e-3, eps=1e-7)

    def loss_fn(ps, x, y):
        h = x
        for i in range(0, len(ps) - 2, 2):
            h = jax.nn.relu(h @ ps[i] + ps[i + 1])
        p = jax.nn.softmax(h @ ps[-2] + ps[-1])
        p = jnp.clip(p / jnp.sum(p, -1, keepdims=True), 1e-7, 1 - 1e-7)
        loss = -jnp.mean(jnp.sum(y * jnp.log(p), -1))
        return loss, jnp.mean(jnp.argmax(p, -1) == jnp.argmax(y, -1))

    def step(carry, batch):
        ps, st = carry
        (loss, acc), g = jax.value_and_grad(loss_fn, has_aux=True)(ps, *batch)
        up, st = opt.update(g, st, ps)
        return (optax.apply_updates(ps, up), st), (loss, acc)

    jit_step = jax.jit(step, donate_argnums=(0,))

    @jax.jit
    def epoch(carry, xs, ys):
        return jax.lax.scan(step, carry, (xs, ys))

    return (params, opt.init(params)), jit_step, epoch


def _median_ratio(a: list, b: list) -> float:
    return float(np.median(np.asarray(a) / np.asarray(b)))


def train_on_batch_loop() -> list[dict]:
    x, y = _data()
    model = _model()
    carry, jit_step, _ = _reference(model)
    steps = 200 if QUICK else 1000
    ours, ref = [], []
    state = {"carry": carry}

    def run_ref(i0: int) -> None:
        for i in range(i0, i0 + steps):
            j = (i * 32) % (N - 32)
            state["carry"], (loss, _) = jit_step(state["carry"], (x[j:j + 32], y[j:j + 32]))
            float(loss)

    def run_ours(i0: int) -> None:
        for i in range(i0, i0 + steps):
            j = (i * 32) % (N - 32)
            model.train_on_batch(x[j:j + 32], y[j:j + 32])

    run_ref(0), run_ours(0)  # warm-up (compiles)
    before = compile_count()
    for r in range(ROUNDS):
        t = time.perf_counter(); run_ours(r * steps); ours.append((time.perf_counter() - t) / steps)
        t = time.perf_counter(); run_ref(r * steps); ref.append((time.perf_counter() - t) / steps)
    compiles = compile_count() - before
    return [
        {"figure": "train_on_batch step (seed-000 MLP, batch 32)", "value": f"{np.median(ours) * 1e6:.0f} us",
         "workload": "train_on_batch", "us_per_step": float(np.median(ours) * 1e6),
         "reference": f"{np.median(ref) * 1e6:.0f} us (jax.jit step + float(loss))",
         "ratio": f"{_median_ratio(ours, ref):.2f}x", "target": "<= 1.25x"},
        {"figure": f"compiles during {ROUNDS * steps} same-shape train_on_batch calls", "value": str(compiles),
         "reference": "0 after the first call", "ratio": "-", "target": "1 in total"},
    ]


def fit_epoch() -> list[dict]:
    """One-epoch ``fit`` per step vs a ``lax.scan`` epoch over device-resident batches.

    Like for like: ``fit(shuffle=False)`` against the reference scanning the batches in
    order, and ``fit(shuffle=True)`` (Keras' default) against the reference scanning
    the same batches in a random order (gathered from the device-resident data).
    """
    x, y = _data()
    model = _model()
    carry, _, epoch = _reference(model)
    steps = N // 32
    xs = jax.device_put(x[: steps * 32].reshape(steps, 32, -1))
    ys = jax.device_put(y[: steps * 32].reshape(steps, 32, -1))
    X, Y = jax.device_put(x), jax.device_put(y)
    gather_epoch = jax.jit(lambda c, idx: epoch(c, jnp.take(X, idx, axis=0), jnp.take(Y, idx, axis=0)))
    ours, ref, ours_shuffled, ref_shuffled, loud = [], [], [], [], []

    def run_ref() -> None:
        nonlocal carry
        carry, (loss, _) = epoch(carry, xs, ys)
        float(loss[-1])

    def run_ref_shuffled() -> None:
        nonlocal carry
        idx = np.random.permutation(steps * 32).astype(np.int32).reshape(steps, 32)
        carry, (loss, _) = gather_epoch(carry, idx)
        float(loss[-1])

    def run_fit(verbose: int, shuffle: bool) -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            model.fit(x, y, batch_size=32, epochs=1, verbose=verbose, shuffle=shuffle)

    run_ref(), run_ref_shuffled(), run_fit(0, False), run_fit(0, True), run_fit(1, True)  # warm-up
    for _ in range(ROUNDS):
        t = time.perf_counter(); run_fit(0, False); ours.append((time.perf_counter() - t) / steps)
        t = time.perf_counter(); run_ref(); ref.append((time.perf_counter() - t) / steps)
        # verbose=0 and verbose=1 back to back, in alternating order, so both see the same
        # conditions; three pairs a round, as the difference sought (5%) is within the noise
        for _ in range(3):
            pair = [(0, ours_shuffled), (1, loud)][:: 1 if len(loud) % 2 == 0 else -1]
            for verbose, bucket in pair:
                t = time.perf_counter(); run_fit(verbose, True); bucket.append((time.perf_counter() - t) / steps)
        for _ in range(3):
            t = time.perf_counter(); run_ref_shuffled(); ref_shuffled.append((time.perf_counter() - t) / steps)
    return [
        {"figure": "fit step (seed-000 MLP, batch 32, one epoch, verbose=0, shuffle=False)",
         "value": f"{np.median(ours) * 1e6:.0f} us", "workload": "fit", "us_per_step": float(np.median(ours) * 1e6),
         "reference": f"{np.median(ref) * 1e6:.0f} us (lax.scan epoch over device-resident batches)",
         "ratio": f"{_median_ratio(ours, ref):.2f}x", "target": "<= 1.3x"},
        {"figure": "fit step, shuffle=True (Keras' default)", "value": f"{np.median(ours_shuffled) * 1e6:.0f} us",
         "reference": f"{np.median(ref_shuffled) * 1e6:.0f} us (the same scan over shuffled batches)",
         "ratio": f"{_median_ratio(ours_shuffled, ref_shuffled):.2f}x", "target": "<= 1.3x"},
        {"figure": "fit verbose=1 (to a pipe) vs verbose=0", "value": f"{np.median(loud) * 1e6:.0f} us",
         "reference": f"{np.median(ours_shuffled) * 1e6:.0f} us", "ratio": f"{_median_ratio(loud, ours_shuffled):.3f}x",
         "target": "<= 1.05x"},
    ]


def fit_dataset() -> list[dict]:
    """Issue 6: ``fit(dataset)`` per step vs ``fit(numpy arrays)`` (both shuffled, batch 32)."""
    import xlaflow as tf

    x, y = _data()
    model = _model()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(10_000).batch(32).prefetch(tf.data.AUTOTUNE)
    steps = -(-N // 32)
    ours, ref = [], []
    model.fit(ds, epochs=1, verbose=0), model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    for _ in range(max(2, ROUNDS // 2)):
        t = time.perf_counter(); model.fit(ds, epochs=1, verbose=0); ours.append((time.perf_counter() - t) / steps)
        t = time.perf_counter(); model.fit(x, y, batch_size=32, epochs=1, verbose=0); ref.append((time.perf_counter() - t) / steps)
    return [{"figure": "fit(Dataset) step (shuffle 10k, batch 32, prefetch)", "value": f"{np.median(ours) * 1e6:.0f} us",
             "reference": f"{np.median(ref) * 1e6:.0f} us (fit on NumPy arrays)", "ratio": f"{_median_ratio(ours, ref):.2f}x",
             "target": "<= 1.3x (issue 6)"}]


def compute_bound() -> list[dict]:
    n = 4096 if QUICK else 16384
    x, y = _data(n)
    model = _model(hidden=(2048, 2048))
    carry, jit_step, _ = _reference(model)
    steps = n // 512
    xb = jax.device_put(x[: steps * 512].reshape(steps, 512, -1))
    yb = jax.device_put(y[: steps * 512].reshape(steps, 512, -1))
    ours, ref = [], []

    def run_ref() -> None:
        nonlocal carry
        for i in range(steps):
            carry, (loss, _) = jit_step(carry, (xb[i], yb[i]))
        float(loss)

    run_ref(), model.fit(x, y, batch_size=512, epochs=1, verbose=0)
    for _ in range(max(2, ROUNDS // 2)):
        t = time.perf_counter(); model.fit(x, y, batch_size=512, epochs=1, verbose=0); ours.append(time.perf_counter() - t)
        t = time.perf_counter(); run_ref(); ref.append(time.perf_counter() - t)
    return [{"figure": "fit throughput, MLP 784-2048-2048-10, batch 512",
             "value": f"{n / np.median(ours):,.0f} samples/s", "reference": f"{n / np.median(ref):,.0f} samples/s (jit step)",
             "ratio": f"{1 / _median_ratio(ours, ref):.2f}x", "target": ">= 0.9x"}]


def ragged_compiles() -> list[dict]:
    x, y = _data(400)
    model = _model()
    before = compile_count()
    for n in np.random.default_rng(1).permutation(np.arange(1, 301)):
        model.train_on_batch(x[:n], y[:n])
    return [{"figure": "compiles for train_on_batch batch sizes 1..300 (random order)",
             "value": str(compile_count() - before), "reference": "10 power-of-two buckets", "ratio": "-",
             "target": "<= 10"}]


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def memory() -> list[dict]:
    x, y = _data(2048)
    model = _model()
    calls = 1000 if QUICK else 10_000
    for i in range(200):
        model.train_on_batch(x[:32], y[:32])
    gc.collect()
    start = _rss_mb()
    for i in range(calls):
        j = (i * 32) % 2000
        model.train_on_batch(x[j:j + 32], y[j:j + 32])
    gc.collect()
    grow_tob = (_rss_mb() - start) / start
    cycles = 20 if QUICK else 200

    def cycle() -> None:
        m = _model()
        m.fit(x, y, batch_size=256, epochs=1, verbose=0)
        del m

    for _ in range(5):
        cycle()
    gc.collect()
    start2 = _rss_mb()
    for _ in range(cycles):
        cycle()
    gc.collect()
    grow_cycles = (_rss_mb() - start2) / start2
    return [
        {"figure": f"RSS growth over {calls} train_on_batch calls", "value": f"{grow_tob * 100:.1f}%",
         "reference": f"{start:.0f} MB after warm-up", "ratio": "-", "target": "< 5%"},
        {"figure": f"RSS growth over {cycles} build/compile/fit/delete cycles", "value": f"{grow_cycles * 100:.1f}%",
         "reference": f"{start2:.0f} MB after 5 cycles", "ratio": "-", "target": "< 5%"},
    ]


def run() -> list[dict]:
    return train_on_batch_loop() + fit_epoch() + fit_dataset() + compute_bound() + ragged_compiles() + memory()
