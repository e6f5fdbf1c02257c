"""The seeds' Keras training examples run with only their imports changed.

Seed 000 Example 1 (``train_on_batch``), seed 002's three ways of calling
``train_on_batch`` inside ``tf.function`` (the first fails in TensorFlow; here all
three work), seed 003 Examples 2 and 3 (``fit``, with a LearningRateScheduler).
"""

from __future__ import annotations

import math
import re

import numpy as np

from tests.seeds.seedcode import run


def test_seed000_example1_train_on_batch():
    np.random.seed(0)
    ns, out = run("000", 0)
    m = re.fullmatch(r"Loss: (\S+), Accuracy: (\S+)\n", out)
    assert m, out
    loss, acc = float(m.group(1)), float(m.group(2))
    assert 1.5 < loss < 4.0 and 0.0 <= acc <= 1.0  # ~ln(10) for an untrained 10-class softmax
    assert isinstance(ns["loss"], float) and isinstance(ns["accuracy"], float)


def _trains_in_function(ns: dict) -> None:
    model = ns["model"]
    assert ns["train_step"].experimental_get_tracing_count() >= 1
    assert int(model.optimizer.iterations.numpy()) >= 1


def test_seed002_variant1_plain_function_works():
    np.random.seed(0)
    ns, out = run("002", 0)
    assert "Error" not in out, out
    _trains_in_function(ns)


def test_seed002_variant2_input_signature():
    np.random.seed(0)
    ns, out = run("002", 1)
    assert out.strip() == "Training step executed successfully."
    _trains_in_function(ns)
    # any batch size is accepted by the (None, 20) signature
    before = [w.copy() for w in ns["model"].get_weights()]
    ns["train_step"](np.random.rand(7, 20).astype(np.float32), np.ones((7, 1), np.float32))
    assert any(not np.array_equal(a, b) for a, b in zip(before, ns["model"].get_weights()))


def test_seed002_variant3_dataset_loop():
    np.random.seed(0)
    ns, out = run("002", 2)
    assert out.strip() == "Training step executed successfully."
    # 100 samples in batches of 32: 4 steps (the last has 4 samples)
    assert int(ns["model"].optimizer.iterations.numpy()) == 4


def test_seed003_example2_fit():
    np.random.seed(0)
    ns, out = run("003", 1)
    losses = [float(v) for v in re.findall(r"loss: ([0-9.]+)", out)]
    assert len(losses) == 10 and "Epoch 10/10" in out
    assert losses[-1] < losses[0]


def test_seed003_example3_scheduler_changes_lr():
    np.random.seed(0)
    ns, out = run("003", 2)
    lr = float(ns["model"].optimizer.learning_rate.numpy())
    assert math.isclose(lr, 0.001 * 0.1 ** 5, rel_tol=1e-5)  # multiplied by 0.1 in epochs 5..9
    assert "Epoch 10/10" in out
