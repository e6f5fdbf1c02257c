"""Start-up: from a fresh interpreter to the first ``train_on_batch`` loss.

Each measurement is a whole process running the same script: import the library,
build the seed-000 MLP (784 -> Dense(10, relu) -> Dense(10, softmax), Adam,
categorical cross-entropy, ``metrics=["accuracy"]``), call ``train_on_batch`` once
and print the loss. Rounds interleave three processes, medians are quoted:

* xlaflow with a cold persistent compilation cache (a fresh, empty directory);
* xlaflow again with that cache warm (the second run of a script);
* Keras 3 on JAX (``KERAS_BACKEND=jax``), cold, where ``KERAS_JAX_PYTHON`` (or
  ``--anchor-python``-style) names an interpreter that has Keras and JAX; without
  one, its row says so.

Each process also reports how many XLA programs it compiled (``jax.monitoring``).
"""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
ROUNDS = 2 if os.environ.get("QUICK") else 5

SCRIPT = r"""
import json, time, sys
t0 = time.perf_counter()
import jax, numpy as np
compiles = [0]
jax.monitoring.register_event_duration_secs_listener(
    lambda event, duration, **kw: compiles.__setitem__(0, compiles[0] + (event == "/jax/core/compile/backend_compile_duration")))
if sys.argv[1] == "xlaflow":
    from xlaflow import keras
else:
    import keras
x = np.random.default_rng(0).random((32, 784), dtype=np.float32)
y = np.eye(10, dtype=np.float32)[np.arange(32) % 10]
model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="relu"),
                          keras.layers.Dense(10, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
before = compiles[0]
loss = model.train_on_batch(x, y)
loss = float(loss[0] if isinstance(loss, (list, tuple)) else loss)
print(json.dumps({"seconds": time.perf_counter() - t0, "compiles": compiles[0], "first_step_compiles": compiles[0] - before}))
"""


def _process(python: str, which: str, env: dict) -> dict:
    start = time.perf_counter()
    out = subprocess.run([python, "-c", SCRIPT, which], capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - start
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def _keras_python() -> str | None:
    python = os.environ.get("KERAS_JAX_PYTHON")
    if python and pathlib.Path(python).exists():
        return python
    return None


def run() -> list[dict]:
    cache = tempfile.mkdtemp(prefix="xlaflow-startup-")
    base = {**os.environ, "PYTHONPATH": str(ROOT)}
    base.pop("JAX_COMPILATION_CACHE_DIR", None)
    keras_python = _keras_python()
    times: dict = {"cold": [], "warm": [], "keras": []}
    counts: dict = {}
    try:
        for _ in range(ROUNDS):
            shutil.rmtree(cache, ignore_errors=True)
            env = {**base, "XLAFLOW_CACHE_DIR": cache, "XLAFLOW_COMPILATION_CACHE": "1"}
            cold = _process(sys.executable, "xlaflow", env)
            warm = _process(sys.executable, "xlaflow", env)
            times["cold"].append(cold["wall"])
            times["warm"].append(warm["wall"])
            counts["xlaflow"] = cold
            if keras_python:
                k = _process(keras_python, "keras", {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": ""})
                times["keras"].append(k["wall"])
                counts["keras"] = k
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    cold, warm = float(np.median(times["cold"])), float(np.median(times["warm"]))
    rows = [{"figure": "start-up to first train_on_batch loss, warm persistent cache (s)", "value": f"{warm:.2f}",
             "reference": f"{cold:.2f} (cold cache)", "ratio": f"{warm / cold:.2f}x", "target": "<= 0.5x"}]
    first = counts["xlaflow"]["first_step_compiles"]
    if keras_python:
        keras = float(np.median(times["keras"]))
        rows.insert(0, {"figure": "start-up to first train_on_batch loss, cold (s)", "value": f"{cold:.2f}",
                        "reference": f"{keras:.2f} (Keras 3 on JAX)", "ratio": f"{cold / keras:.2f}x", "target": "<= 1x"})
        rows.append({"figure": "XLA compiles: whole script / first train_on_batch", "value": f"{counts['xlaflow']['compiles']} / {first}",
                     "reference": f"{counts['keras']['compiles']} / {counts['keras']['first_step_compiles']} (Keras 3 on JAX)",
                     "ratio": "", "target": "first step <= 10"})
    else:
        rows.insert(0, {"figure": "start-up to first train_on_batch loss, cold (s)", "value": f"{cold:.2f}",
                        "reference": "Keras 3 on JAX not found: set KERAS_JAX_PYTHON", "ratio": "-", "target": "<= 1x"})
        rows.append({"figure": "XLA compiles: whole script / first train_on_batch", "value": f"{counts['xlaflow']['compiles']} / {first}",
                     "reference": "-", "ratio": "", "target": "first step <= 10"})
    return rows
