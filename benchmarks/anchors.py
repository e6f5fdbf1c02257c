"""The training workloads of ``benchmarks/training.py`` on TensorFlow, Keras and PyTorch.

Run by ``xlaflow bench --anchors`` in a separate interpreter (``--anchor-python``),
without xlaflow: for each library that imports there, each in its own process, it
times the seed-000 MLP (784 -> Dense(10, relu) -> Dense(10, softmax), Adam,
categorical cross-entropy) on synthetic data:

* ``train_on_batch``: a loop of batch-32 steps returning the loss as a float;
* ``fit``: one epoch at batch 32, verbose=0 (PyTorch: the equivalent hand loop).

It prints one JSON list of rows ``{workload, library, us_per_step}`` on its last line.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

N, STEPS = 20_000, 300


def _data():
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.random((N, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, N)]
    return x, y


def _keras(keras) -> dict:
    x, y = _data()
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    for i in range(20):
        model.train_on_batch(x[:32], y[:32])
    t = time.perf_counter()
    for i in range(STEPS):
        j = (i * 32) % (N - 32)
        float(model.train_on_batch(x[j:j + 32], y[j:j + 32])[0])
    tob = (time.perf_counter() - t) / STEPS
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    t = time.perf_counter()
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    fit = (time.perf_counter() - t) / (N // 32)
    return {"train_on_batch": tob, "fit": fit}


def _torch() -> dict:
    import torch

    x, y = (torch.from_numpy(a) for a in _data())
    model = torch.nn.Sequential(torch.nn.Linear(784, 10), torch.nn.ReLU(), torch.nn.Linear(10, 10))
    opt = torch.optim.Adam(model.parameters(), 1e-3, eps=1e-7)

    def step(xb, yb):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(xb), yb.argmax(-1))
        loss.backward()
        opt.step()
        return float(loss)

    for i in range(20):
        step(x[:32], y[:32])
    t = time.perf_counter()
    for i in range(STEPS):
        j = (i * 32) % (N - 32)
        step(x[j:j + 32], y[j:j + 32])
    per = (time.perf_counter() - t) / STEPS
    return {"train_on_batch": per, "fit": per}


def one(library: str) -> dict:
    if library == "tensorflow":
        import tensorflow as tf

        return _keras(tf.keras)
    if library == "keras":
        import keras

        return _keras(keras)
    return _torch()


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        print(json.dumps(one(sys.argv[2])))
        return 0
    rows = []
    for library in ("tensorflow", "keras", "torch"):
        probe = subprocess.run([sys.executable, "-c", f"import {library}"], capture_output=True, check=False)
        if probe.returncode != 0:
            continue
        proc = subprocess.run([sys.executable, __file__, "--one", library], capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"{library}: {proc.stderr[-500:]}", file=sys.stderr)
            continue
        times = json.loads(proc.stdout.strip().splitlines()[-1])
        rows += [{"workload": w, "library": library, "us_per_step": s * 1e6} for w, s in times.items()]
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
