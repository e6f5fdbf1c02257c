"""Seed 000's TF1 examples run on xlaflow's graph front end with their imports changed.

Example 2 (placeholders, ``tf.Session``, ``AdamOptimizer.minimize``, ``sess.run([optimizer,
loss], feed_dict)``) runs verbatim apart from imports (the seed uses ``keras`` without
importing it, so ``from xlaflow import keras`` is added) and trains. Example 3 (the
clipping example) is wrong code: ``zip(*tf.gradients(...))`` iterates symbolic
tensors, and the error must say so and point to ``optimizer.compute_gradients``. Its
corrected form, with ``compute_gradients`` + ``clip_by_global_norm`` +
``apply_gradients``, runs and trains.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest

import xlaflow
from tests.seeds.seedcode import example

WRONG = "gradients, variables = zip(*tf.gradients(loss, tf.trainable_variables()))"
RIGHT = "gradients, variables = zip(*tf.train.AdamOptimizer(learning_rate=0.01).compute_gradients(loss))"


def block(n: int) -> str:
    return example("000", n)


def example_2() -> str:
    return "from xlaflow import keras\n" + block(1)


def example_3(fixed: bool) -> str:
    """Example 2 up to the loss, its data, then Example 3 (optionally corrected)."""
    ex2 = example_2()
    head = ex2[: ex2.index("optimizer = ")]
    data = ex2[ex2.index("# Generate sample data"): ex2.index("# Create a TensorFlow session")]
    ex3 = block(2)
    assert WRONG in ex3
    return head + data + (ex3.replace(WRONG, RIGHT) if fixed else ex3)


def _run(code: str, label: str) -> tuple[dict, str]:
    xlaflow.reset_default_graph()  # the examples build in the default graph
    np.random.seed(0)
    xlaflow.random.set_seed(0)
    namespace: dict = {}
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, label, "exec"), namespace)
    finally:
        xlaflow.random.set_seed(None)
    return namespace, out.getvalue()


def _losses(ns: dict, train_op, steps: int = 8) -> list:
    tf = ns["tf"]
    with tf.Session() as sess:
        return [float(sess.run([train_op, ns["loss"]], feed_dict={ns["x"]: ns["x_batch"], ns["y"]: ns["y_batch"]})[1])
                for _ in range(steps)]


def test_example_2_runs_and_trains():
    ns, printed = _run(example_2(), "seed 000 example 2")
    line = printed.strip().splitlines()[-1]
    assert line.startswith("Loss: ") and np.isfinite(float(line[6:]))
    w_after_one_step = ns["W1"].numpy().copy()
    losses = _losses(ns, ns["optimizer"])
    assert losses[-1] < 0.8 * losses[0] and min(losses) == min(losses[-3:]), losses
    assert not np.array_equal(ns["W1"].numpy(), w_after_one_step)  # updates land in the Variables


def test_example_3_as_written_raises_a_clear_error():
    with pytest.raises(TypeError, match=r"Symbolic tensors are not iterable.*optimizer\.compute_gradients\(loss\)"):
        _run(example_3(fixed=False), "seed 000 example 3")


def test_example_3_corrected_runs_and_trains():
    ns, _ = _run(example_3(fixed=True), "seed 000 example 3, corrected")
    assert np.isfinite(ns["loss_value"])
    assert all(g is not None for g in ns["gradients"]) and len(ns["variables"]) == 2
    losses = _losses(ns, ns["train_op"])
    assert losses[-1] < 0.8 * losses[0] and min(losses) == min(losses[-3:]), losses
