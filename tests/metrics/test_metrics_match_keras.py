"""Every metric (after several ``update_state`` calls with sample weights) and metric
function gives Keras 3's numbers.

Cases and Keras' results: ``tests/golden/keras_losses_metrics.npz``; the replay code
is shared with the loss tests (``tests/losses/losses_metrics_golden.py``).
"""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

import xlaflow.keras.losses  # noqa: F401
import xlaflow.keras.metrics  # noqa: F401
from xlaflow import keras

_spec = importlib.util.spec_from_file_location(
    "losses_metrics_golden_for_metrics", pathlib.Path(__file__).resolve().parents[1] / "losses" / "losses_metrics_golden.py")
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

METRIC_CASES = golden.cases("metric", "metric_fn")


def test_golden_file_has_metric_cases():
    targets = {c["target"] for c in METRIC_CASES}
    assert {"AUC", "Precision", "Recall", "Mean", "Sum", "RootMeanSquaredError", "SparseTopKCategoricalAccuracy"} <= targets


@pytest.mark.parametrize("case", METRIC_CASES, ids=[c["name"] for c in METRIC_CASES])
def test_metric_matches_keras(case):
    golden.check(case, keras)
