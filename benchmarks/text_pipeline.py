"""String pipeline throughput: xlaflow's host TextVectorization against tf.data doing the same work.

Workload: 20,000 generated reviews (Zipf-distributed words from a 3,000-word
vocabulary, 10-120 words each, capitals and punctuation), one epoch of
``Dataset.from_tensor_slices(texts).batch(64).map(vectorize)`` iterated as NumPy, where
``vectorize = TextVectorization(max_tokens=5000, output_sequence_length=100)``
(lowercase, strip punctuation, whitespace split, vocabulary lookup, pad/cut), adapted
once on the texts. The same program runs on TensorFlow 2.21 / Keras 3 (tf.data and
Keras' TextVectorization on TF's C++ string kernels) in a subprocess of
``/work/tfenv/bin/python`` (or ``$XLAFLOW_TF_PYTHON``); rounds alternate between the
two (so machine load hits both alike) and the figures are medians. ``adapt`` on the
same texts is timed too, and the first batch's indices are compared (they must be
identical). Without that interpreter the TF side is skipped with a message.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/text_pipeline.py``
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

N, BATCH, MAX_TOKENS, LENGTH, ROUNDS = 20_000, 64, 5_000, 100, 5
TF_PYTHON = os.environ.get("XLAFLOW_TF_PYTHON", "/work/tfenv/bin/python")

# The data and the pipeline, as source run by both interpreters (``tf``/``keras`` differ).
PROGRAM = f'''
import time
import numpy as np

def make_texts(n={N}):
    rng = np.random.default_rng(0)
    words = np.array(["w%d" % i for i in range(3000)])
    ranks = np.minimum(rng.zipf(1.2, size=n * 130) - 1, 2999)
    out, pos = [], 0
    for k in rng.integers(10, 120, size=n):
        chunk = list(words[ranks[pos:pos + k]])
        pos += k
        chunk[0] = chunk[0].capitalize()
        out.append(" ".join(chunk) + rng.choice([".", "!", "?", ", really."]))
    return out

TEXTS = make_texts()

def build(tf, keras):
    t0 = time.perf_counter()
    vec = keras.layers.TextVectorization(max_tokens={MAX_TOKENS}, output_sequence_length={LENGTH})
    vec.adapt(TEXTS)
    adapt_s = time.perf_counter() - t0
    ds = tf.data.Dataset.from_tensor_slices(TEXTS).batch({BATCH}).map(vec)
    return vec, ds, adapt_s

def epoch(ds):
    t0 = time.perf_counter()
    n = 0
    for batch in ds.as_numpy_iterator():
        n += batch.shape[0]
    assert n == {N}, n
    return time.perf_counter() - t0
'''

TF_DRIVER = PROGRAM + '''
import json, os, sys
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
import keras
vec, ds, adapt_s = build(tf, keras)
first = vec(np.array(TEXTS[:64])).numpy().tolist()
print(json.dumps({"adapt": adapt_s, "first": first, "vocab": len(vec.get_vocabulary())}), flush=True)
for line in sys.stdin:
    print(json.dumps({"epoch": epoch(ds)}), flush=True)
'''


def _tf_process() -> "subprocess.Popen | None":
    if not os.path.exists(TF_PYTHON):
        print(f"TensorFlow side skipped: no interpreter at {TF_PYTHON} (set XLAFLOW_TF_PYTHON)")
        return None
    return subprocess.Popen([TF_PYTHON, "-c", TF_DRIVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})


def run() -> list[dict]:
    import xlaflow as tf
    from xlaflow import keras

    space: dict = {}
    exec(PROGRAM, space)
    proc = _tf_process()
    vec, ds, adapt_s = space["build"](tf, keras)
    tf_info = json.loads(proc.stdout.readline()) if proc is not None else None
    times: dict = {"xlaflow": [], "tf": []}
    space["epoch"](ds)  # warm-up round
    if proc is not None:
        proc.stdin.write("run\n")
        proc.stdin.flush()
        json.loads(proc.stdout.readline())
    for _ in range(ROUNDS):
        times["xlaflow"].append(space["epoch"](ds))
        if proc is not None:
            proc.stdin.write("run\n")
            proc.stdin.flush()
            times["tf"].append(json.loads(proc.stdout.readline())["epoch"])
    if proc is not None:
        proc.stdin.close()
        proc.wait(timeout=60)
    rate = N / float(np.median(times["xlaflow"]))
    rows = [{"figure": "text: from_tensor_slices.batch(64).map(TextVectorization), samples/s",
             "value": f"{rate:,.0f}"}, {"figure": "text: TextVectorization.adapt on 20k texts (s)", "value": f"{adapt_s:.2f}"}]
    if tf_info is not None:
        tf_rate = N / float(np.median(times["tf"]))
        same = vec(np.array(space["TEXTS"][:64])).numpy().tolist() == tf_info["first"]
        rows[0].update(reference=f"{tf_rate:,.0f} (tf.data + Keras TextVectorization, TF 2.21)",
                       ratio=f"{rate / tf_rate:.2f}x", identical_indices=same)
        rows[1].update(reference=f"{tf_info['adapt']:.2f} (Keras on TF)", ratio=f"{tf_info['adapt'] / adapt_s:.2f}x faster")
    return rows


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for row in run():
        print(row)
