"""Image input pipelines from PNG files: xlaflow's ``tf.data`` against TensorFlow's (issue 20).

Workload: ``N`` PNG files (64x64 RGB, smooth with noise, ~9 KB each) in a temporary
folder of class subfolders, and the same pipeline text for both libraries::

    ds = tf.data.Dataset.from_tensor_slices((paths, labels)).shuffle(N)
    ds = ds.map(lambda p, y: (tf.image.resize(tf.io.decode_png(tf.io.read_file(p), channels=3), [32, 32]) / 255.0, y),
                num_parallel_calls=tf.data.AUTOTUNE).batch(32).prefetch(tf.data.AUTOTUNE)

timed over whole epochs (images/s), and ``keras.utils.image_dataset_from_directory``
on the same folder. TensorFlow runs in its own interpreter (``$XLAFLOW_TF_PYTHON``,
default ``/work/tfenv/bin/python``; its rows are skipped with a message when it has no
TensorFlow), driven one epoch at a time so that the rounds interleave: round r times
xlaflow, then TF, so machine load hits both alike. Medians over the rounds after one
warm-up round.

A third row answers "does the pipeline keep a small CNN's ``fit`` fed": a CNN
(Conv 16 -> pool -> Conv 32 -> global average -> Dense 10) trained one epoch from the
pipeline, against the same ``fit`` on the already decoded arrays; a ratio near 1 means
input is not the bottleneck.

Run: ``PYTHONPATH=. .venv/bin/python -m benchmarks image_pipeline`` (``QUICK=1`` for a
short run); the module is also the TF worker (``--tf-worker``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

QUICK = bool(os.environ.get("QUICK"))
N = 256 if QUICK else 1024
ROUNDS = 3 if QUICK else 7
SIZE, OUT, BATCH, CLASSES = 64, 32, 32, 4
TF_PYTHON = os.environ.get("XLAFLOW_TF_PYTHON", "/work/tfenv/bin/python")


def make_files(root: str, n: int) -> tuple[list[str], list[int]]:
    """``n`` PNGs under ``root/c<k>/`` (written with Pillow); returns (paths, labels)."""
    from PIL import Image

    rng = np.random.default_rng(0)
    paths, labels = [], []
    for i in range(n):
        label = i % CLASSES
        folder = os.path.join(root, f"c{label}")
        os.makedirs(folder, exist_ok=True)
        base = np.kron(rng.integers(0, 256, (8, 8, 3), dtype=np.uint8), np.ones((8, 8, 1), np.uint8))
        img = np.clip(base.astype(np.int16) + rng.integers(0, 30, base.shape), 0, 255).astype(np.uint8)
        path = os.path.join(folder, f"{i:05d}.png")
        Image.fromarray(img).save(path)
        paths.append(path)
        labels.append(label)
    return paths, labels


def pipeline(tf, paths: list[str], labels: list[int]):
    """The benchmarked pipeline, written once for ``tf`` = tensorflow or xlaflow."""
    def load(path, label):
        image = tf.io.decode_png(tf.io.read_file(path), channels=3)
        return tf.image.resize(image, [OUT, OUT]) / 255.0, label

    ds = tf.data.Dataset.from_tensor_slices((paths, np.asarray(labels, np.int32))).shuffle(len(paths))
    return ds.map(load, num_parallel_calls=tf.data.AUTOTUNE).batch(BATCH).prefetch(tf.data.AUTOTUNE)


def from_directory(keras, root: str):
    return keras.utils.image_dataset_from_directory(root, image_size=(OUT, OUT), batch_size=BATCH, seed=0, verbose=False)


def epoch_seconds(ds) -> tuple[float, int]:
    t = time.perf_counter()
    n = 0
    for x, _ in ds:
        n += int(x.shape[0])
    return time.perf_counter() - t, n


def _cnn(keras):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((OUT, OUT, 3)), keras.layers.Conv2D(16, 3, activation="relu"), keras.layers.MaxPooling2D(),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.GlobalAveragePooling2D(), keras.layers.Dense(CLASSES),
    ])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def tf_worker(root: str) -> None:
    """Serves epochs on TensorFlow: reads a command per line, answers JSON ``[seconds, images]``."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    paths = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(root) for f in fs if f.endswith(".png"))
    labels = [int(os.path.basename(os.path.dirname(p))[1:]) for p in paths]
    runs = {"pipeline": pipeline(tf, paths, labels), "directory": from_directory(tf.keras, root)}
    print(json.dumps({"ready": tf.__version__}), flush=True)
    for line in sys.stdin:
        seconds, n = epoch_seconds(runs[line.strip()])
        print(json.dumps([seconds, n]), flush=True)


class _TF:
    """The TensorFlow worker process, or None where TensorFlow is not available."""

    def __init__(self, root: str):
        self.proc = None
        self.reason = ""
        if not os.path.exists(TF_PYTHON):
            self.reason = f"{TF_PYTHON} not found (set XLAFLOW_TF_PYTHON)"
            return
        env = {**os.environ, "PYTHONPATH": "", "CUDA_VISIBLE_DEVICES": ""}
        self.proc = subprocess.Popen([TF_PYTHON, os.path.abspath(__file__), "--tf-worker", root], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        first = self.proc.stdout.readline()
        if not first:
            self.reason = f"{TF_PYTHON} could not run TensorFlow"
            self.proc = None
            return
        self.version = json.loads(first)["ready"]

    def epoch(self, name: str) -> tuple[float, int]:
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        seconds, n = json.loads(self.proc.stdout.readline())
        return seconds, n

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            self.proc.wait(timeout=60)


def _fit_rates(xf, keras, ds, arrays) -> tuple[float, float]:
    model = _cnn(keras)
    model.fit(arrays[0], arrays[1], batch_size=BATCH, epochs=1, verbose=0)  # compile both input paths
    model.fit(ds, epochs=1, verbose=0)
    pipe, mem = [], []
    for _ in range(max(2, ROUNDS // 2)):
        t = time.perf_counter()
        model.fit(ds, epochs=1, verbose=0)
        pipe.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.fit(arrays[0], arrays[1], batch_size=BATCH, epochs=1, verbose=0, shuffle=True)
        mem.append(time.perf_counter() - t)
    return N / float(np.median(pipe)), N / float(np.median(mem))


def run() -> list[dict]:
    import xlaflow as xf
    from xlaflow import keras

    root = tempfile.mkdtemp(prefix="xlaflow-image-bench-")
    try:
        paths, labels = make_files(root, N)
        ours = {"pipeline": pipeline(xf, paths, labels), "directory": from_directory(keras, root)}
        tf = _TF(root)
        times: dict = {(lib, name): [] for lib in ("xlaflow", "tf") for name in ours}
        for r in range(ROUNDS + 1):  # round 0 warms up (compiles, file cache)
            for name, ds in ours.items():
                seconds, n = epoch_seconds(ds)
                assert n == N, (name, n)
                times[("xlaflow", name)].append(seconds)
                if tf.proc is not None:
                    times[("tf", name)].append(tf.epoch(name)[0])
        tf.close()
        rate = {k: N / float(np.median(v[1:])) for k, v in times.items() if v}
        arrays = (np.concatenate([x.numpy() for x, _ in ours["pipeline"]]), np.concatenate([y.numpy() for _, y in ours["pipeline"]]))
        fed, mem = _fit_rates(xf, keras, ours["pipeline"], arrays)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows = []
    labels_ = {"pipeline": "read+decode_png+resize(32x32)/255, shuffle/map/batch(32)/prefetch (images/s)",
               "directory": "image_dataset_from_directory(image_size=32x32, batch 32) (images/s)"}
    for name, text in labels_.items():
        mine = rate[("xlaflow", name)]
        if ("tf", name) in rate:
            ref = rate[("tf", name)]
            rows.append({"figure": f"images: {text}", "value": f"{mine:,.0f}", "reference": f"{ref:,.0f} (tf.data, TF {tf.version})",
                         "ratio": f"{mine / ref:.2f}x", "target": "(issue 20: side by side)"})
        else:
            rows.append({"figure": f"images: {text}", "value": f"{mine:,.0f}", "reference": f"skipped: {tf.reason}",
                         "ratio": "-", "target": "(issue 20: side by side)"})
    rows.append({"figure": "images: small CNN fit fed by that pipeline (images/s)", "value": f"{fed:,.0f}",
                 "reference": f"{mem:,.0f} (same fit on decoded arrays)", "ratio": f"{fed / mem:.2f}x",
                 "target": "~1x = input keeps fit fed"})
    return rows


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--tf-worker":
        tf_worker(sys.argv[2])
    else:
        for row in run():
            print(row)
