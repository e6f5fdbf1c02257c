"""Metric state: non-trainable Variables, reset, and updates inside ``xlaflow.function``
that match eager updates while tracing once."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
import xlaflow.keras.metrics  # noqa: F401
from xlaflow import keras

M = keras.metrics
RNG = np.random.default_rng(0)
BATCHES = [
    (RNG.integers(0, 2, (8, 1)).astype(np.float32), RNG.uniform(size=(8, 1)).astype(np.float32),
     RNG.uniform(0, 2, (8,)).astype(np.float32))
    for _ in range(4)
]


def _factories():
    return {
        "mean_wrapper": lambda: M.BinaryAccuracy(),
        "auc": lambda: M.AUC(),
        "auc_pr": lambda: M.AUC(curve="PR", num_thresholds=50),
        "precision": lambda: M.Precision(thresholds=[0.3, 0.6]),
        "recall": lambda: M.Recall(),
        "rmse": lambda: M.RootMeanSquaredError(),
        "tp": lambda: M.TruePositives(),
    }


@pytest.mark.parametrize("kind", list(_factories()))
def test_update_inside_function_matches_eager_and_traces_once(kind):
    make = _factories()[kind]
    eager, compiled = make(), make()
    for yt, yp, sw in BATCHES:
        eager.update_state(yt, yp, sample_weight=sw)

    @tf.function
    def step(yt, yp, sw):
        compiled.update_state(yt, yp, sample_weight=sw)
        return compiled.result()

    for yt, yp, sw in BATCHES:
        out = step(tf.constant(yt), tf.constant(yp), tf.constant(sw))
    np.testing.assert_allclose(np.asarray(out), np.asarray(eager.result()), rtol=1e-6)
    np.testing.assert_allclose(np.asarray(compiled.result()), np.asarray(eager.result()), rtol=1e-6)
    assert step.experimental_get_tracing_count() == 1


def test_mean_inside_function():
    m = M.Mean()

    @tf.function
    def add(x):
        m.update_state(x)

    for v in ([1.0, 2.0], [3.0, 4.0], [5.0, 6.0]):
        add(tf.constant(np.asarray(v, np.float32)))
    assert float(m.result()) == pytest.approx(3.5)
    assert add.experimental_get_tracing_count() == 1


def test_state_is_non_trainable_variables_and_resets():
    m = M.AUC(num_thresholds=5)
    assert len(m.variables) == 4
    assert all(isinstance(v, tf.Variable) and not v.trainable for v in m.variables)
    assert m.trainable_variables == []
    m.update_state([0.0, 1.0], [0.2, 0.9])
    assert float(m.result()) == pytest.approx(1.0)
    m.reset_state()
    assert all(not np.asarray(v).any() for v in m.variables)
    m.update_state([0.0, 1.0], [0.9, 0.2])
    m.reset_states()  # the tf.keras 2 alias
    assert float(m.result()) == 0.0


def test_call_is_update_then_result():
    m = M.Mean()
    assert float(m([1.0, 3.0])) == 2.0
    assert float(m([5.0])) == 3.0
    s = M.Sum()
    s.update_state([[1.0, 2.0], [3.0, 4.0]], sample_weight=[1.0, 0.0])
    assert float(s.result()) == 3.0


def test_custom_metric_subclass():
    class Count(M.Metric):
        def __init__(self, name="count"):
            super().__init__(name=name)
            self.n = self.add_variable((), "zeros", name="n")

        def update_state(self, x):
            self.n.assign_add(np.float32(len(x)))

        def result(self):
            return self.n.value()

    c = Count()
    c.update_state([1, 2, 3])
    assert float(c.result()) == 3.0
    assert c.get_config() == {"name": "count", "dtype": "float32"}


def test_multi_label_auc_builds_lazily():
    m = M.AUC(multi_label=True)
    assert m.variables == []
    m.update_state(np.eye(3, dtype=np.float32), np.eye(3, dtype=np.float32) * 0.8)
    assert tuple(m.true_positives.shape) == (200, 3)
    assert float(m.result()) == pytest.approx(1.0)
