"""Every Keras activation gives the numbers real Keras 3 gives, value and gradient.

``tests/golden/keras_activations.npz`` holds Keras' outputs on one fixed input (large,
small, zero, random values) and the gradient of ``sum(activation(x))`` on a second,
kink-free input (regenerate it with ``tools/golden/make_activations_golden.py``).
Each case is replayed through ``xlaflow.keras.activations`` eagerly, its gradient
through a ``GradientTape``; float32, rtol 1e-5 (atol 1e-6 for values near 0).
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import activations

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_activations.npz"
RTOL, ATOL = 1e-5, 1e-6

# Cases where xlaflow knowingly differs from Keras, with the reason.
KNOWN_DIFFERENCES = {
    "sparsemax": "Keras 3.15 computes tau from the sum of cumulative sums (outputs do not sum to 1); xlaflow follows the definition",
    "sparsemax_axis0": "same Keras sparsemax bug",
}


def _load():
    data = np.load(GOLDEN)
    meta = json.loads(str(data["__meta__"]))
    return data, [c for c in meta["cases"] if c["kind"] == "activation"]


DATA, CASES = _load()


def _kwargs(case):
    kw = dict(case["kwargs"])
    if isinstance(kw.get("axis"), list):
        kw["axis"] = tuple(kw["axis"])
    return kw


def test_golden_covers_every_activation():
    names = {c["name"] for c in CASES}
    public = {n for n in dir(activations) if not n.startswith("_") and n not in ("get", "serialize", "deserialize")}
    assert public - names == set()


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_value_matches_keras(case):
    fn = getattr(activations, case["name"])
    out = fn(tf.constant(DATA["activation_input"]), **_kwargs(case))
    expected = DATA[f"activation:{case['case']}/out"]
    assert out.dtype == tf.float32 and tuple(out.shape) == expected.shape
    if case["case"] in KNOWN_DIFFERENCES:
        assert not np.allclose(np.asarray(out), expected, rtol=RTOL, atol=ATOL), "Keras fixed its bug: drop the known difference"
        return
    np.testing.assert_allclose(np.asarray(out), expected, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_gradient_matches_keras(case):
    fn = getattr(activations, case["name"])
    x = tf.constant(DATA["gradient_input"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(fn(x, **_kwargs(case)))
    grad = tape.gradient(y, x)
    expected = DATA[f"activation:{case['case']}/grad"]
    if case["case"] == "sparsemax_axis0":  # the Keras bug changes the support, hence the gradient
        return
    np.testing.assert_allclose(np.asarray(grad), expected, rtol=RTOL, atol=ATOL)
