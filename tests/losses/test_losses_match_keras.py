"""Every loss (class and function, each option and reduction) gives Keras 3's numbers.

Cases and Keras' results: ``tests/golden/keras_losses_metrics.npz`` (see
``losses_metrics_golden.py``). Where Keras raises for a case, xlaflow must raise too.
"""

from __future__ import annotations

import pytest

from losses_metrics_golden import cases, check
import xlaflow.keras.losses  # noqa: F401
import xlaflow.keras.metrics  # noqa: F401
from xlaflow import keras

LOSS_CASES = cases("loss", "loss_fn")


def test_golden_file_has_loss_cases():
    targets = {c["target"] for c in LOSS_CASES}
    assert len(LOSS_CASES) >= 100
    assert {"Huber", "BinaryFocalCrossentropy", "SparseCategoricalCrossentropy", "CosineSimilarity"} <= targets


@pytest.mark.parametrize("case", LOSS_CASES, ids=[c["name"] for c in LOSS_CASES])
def test_loss_matches_keras(case):
    check(case, keras)
