"""Regenerate ``tests/golden/tf1_optimizers.npz``: TF1 (``tf.compat.v1``) graph training.

For each v1 optimizer case (GradientDescent, Momentum with and without Nesterov,
Adam, RMSProp plain / with momentum / centered / centered with momentum, Adagrad),
a softmax regression (x: (16, 6), 4 classes, summed cross-entropy) trains for 20
steps with ``sess.run([train_op, loss, ...], feed_dict)`` from fixed data and fixed
initial weights, once plainly and once with ``clip_by_global_norm(grads, 5.0)``. The
variable list always holds a third Variable ``u`` unconnected to the loss:
``compute_gradients`` returns ``(None, u)`` and ``apply_gradients`` skips it.

Stored per case ``<case>/<clip|plain>``: ``loss`` (20 values, fetched with the train
op, i.e. before each update), ``norm`` (the global norm per step, clip cases),
``w``/``b`` after every step (20 x ...), ``u`` after training. Shared: ``x``, ``y``,
``w0``, ``b0``, ``u0``; ``u_grad_is_none`` is 1 when TF returned None for ``u``.

Run with TensorFlow in a separate environment (the tests need no TensorFlow)::

    /tmp/tfenv/bin/python tools/golden/make_tf1_golden.py     # tensorflow 2.21

then check with ``.venv/bin/python -m pytest -q tests/graph/test_optimizers_golden.py``.
"""

from __future__ import annotations

import os
import pathlib

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow.compat.v1 as tf  # noqa: E402

tf.disable_eager_execution()

OUT = pathlib.Path(__file__).resolve().parents[2] / "tests" / "golden" / "tf1_optimizers.npz"
STEPS = 20

CASES = {
    "gd": lambda: tf.train.GradientDescentOptimizer(0.05),
    "momentum": lambda: tf.train.MomentumOptimizer(0.02, 0.9),
    "nesterov": lambda: tf.train.MomentumOptimizer(0.02, 0.9, use_nesterov=True),
    "adam": lambda: tf.train.AdamOptimizer(0.05),
    "rmsprop": lambda: tf.train.RMSPropOptimizer(0.01),
    "rmsprop_momentum": lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.9),
    "rmsprop_centered": lambda: tf.train.RMSPropOptimizer(0.01, centered=True),
    "rmsprop_centered_momentum": lambda: tf.train.RMSPropOptimizer(0.005, decay=0.8, momentum=0.5, centered=True),
    "adagrad": lambda: tf.train.AdagradOptimizer(0.1),
}


def data() -> dict:
    rng = np.random.RandomState(0)
    x = (rng.randn(16, 6) * 2.0).astype(np.float32)
    y = np.eye(4, dtype=np.float32)[rng.randint(0, 4, 16)]
    w0 = (rng.randn(6, 4) * 0.5).astype(np.float32)
    b0 = (rng.randn(4) * 0.1).astype(np.float32)
    u0 = rng.randn(3).astype(np.float32)
    return {"x": x, "y": y, "w0": w0, "b0": b0, "u0": u0}


def train(make, clip: bool, d: dict) -> dict:
    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, [None, 6])
        y = tf.placeholder(tf.float32, [None, 4])
        w = tf.Variable(d["w0"])
        b = tf.Variable(d["b0"])
        u = tf.Variable(d["u0"])
        logits = tf.matmul(x, w) + b
        loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits))
        opt = make()
        pairs = opt.compute_gradients(loss, var_list=[w, b, u])
        assert pairs[2][0] is None
        fetch = {"loss": loss}
        if clip:
            grads, norm = tf.clip_by_global_norm([g for g, _ in pairs], 5.0)
            fetch["norm"] = norm
            train_op = opt.apply_gradients(zip(grads, [v for _, v in pairs]))
        else:
            train_op = opt.apply_gradients(pairs)
        out = {k: [] for k in (*fetch, "w", "b")}
        with tf.Session(graph=graph) as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(STEPS):
                _, got = sess.run([train_op, fetch], feed_dict={x: d["x"], y: d["y"]})
                for k, v in got.items():
                    out[k].append(v)
                out["w"].append(sess.run(w))
                out["b"].append(sess.run(b))
            u_final = sess.run(u)
    result = {k: np.asarray(v, np.float32) for k, v in out.items()}
    result["u"] = u_final
    return result


def main() -> None:
    d = data()
    arrays = dict(d)
    arrays["u_grad_is_none"] = np.array(1)
    for name, make in CASES.items():
        for clip in (False, True):
            for k, v in train(make, clip, d).items():
                arrays[f"{name}/{'clip' if clip else 'plain'}/{k}"] = v
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes); clip norms of step 1:",
          {n: float(arrays[f"{n}/clip/norm"][0]) for n in CASES})


if __name__ == "__main__":
    main()
