"""keras.constraints: outputs match real Keras 3 (golden values); formulas,
compiled code, lookup and errors."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import constraints

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_activations.npz"
DATA = np.load(GOLDEN)
CASES = [c for c in json.loads(str(DATA["__meta__"]))["cases"] if c["kind"] == "constraint"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_output_matches_keras(case):
    w = DATA[f"weights/{case['weights']}"]
    out = getattr(constraints, case["name"])(**case["kwargs"])(tf.constant(w))
    assert out.dtype == tf.float32 and tuple(out.shape) == w.shape
    np.testing.assert_allclose(np.asarray(out), DATA[f"constraint:{case['case']}/out"], rtol=1e-5, atol=1e-7)


def test_norm_formulas():
    w = np.array([[3.0, 0.1], [4.0, 0.1]], np.float32)  # column norms 5 and ~0.141
    out = np.asarray(constraints.MaxNorm(max_value=2.0)(w))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, np.hypot(0.1, 0.1)], rtol=1e-5)
    out = np.asarray(constraints.MinMaxNorm(min_value=1.0, max_value=2.0)(w))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [2.0, 1.0], rtol=1e-5)
    out = np.asarray(constraints.UnitNorm(axis=0)(w))
    np.testing.assert_allclose(np.linalg.norm(out, axis=0), [1.0, 1.0], rtol=1e-5)
    np.testing.assert_array_equal(np.asarray(constraints.NonNeg()(np.array([-1.0, 2.0], np.float32))), [0.0, 2.0])
    np.testing.assert_array_equal(np.asarray(constraints.UnitNorm()(np.zeros((2, 2), np.float32))), np.zeros((2, 2)))


def test_constraint_applied_to_a_variable_inside_function():
    v = tf.Variable(np.array([[3.0], [4.0]], np.float32))
    c = constraints.get("max_norm")

    @tf.function
    def step():
        v.assign(c(v))

    step()
    np.testing.assert_allclose(np.asarray(v.numpy()).ravel(), [1.2, 1.6], rtol=1e-5)


def test_get_and_serialize():
    for name, cls in [("max_norm", constraints.MaxNorm), ("MaxNorm", constraints.MaxNorm), ("min_max_norm", constraints.MinMaxNorm),
                      ("non_neg", constraints.NonNeg), ("unit_norm", constraints.UnitNorm)]:
        assert type(constraints.get(name)) is cls
    assert constraints.get(None) is None
    c = constraints.MinMaxNorm(0.5, 1.5, rate=0.7, axis=[0, 1])
    config = constraints.serialize(c)
    assert config["class_name"] == "MinMaxNorm" and config["module"] == "keras.constraints"
    assert config["config"] == {"min_value": 0.5, "max_value": 1.5, "rate": 0.7, "axis": [0, 1]}
    assert constraints.deserialize(config).get_config() == c.get_config()
    assert constraints.max_norm is constraints.MaxNorm
    w = tf.constant([1.0])
    assert constraints.Constraint()(w) is w


def test_errors():
    with pytest.raises(ValueError, match=r"Could not interpret constraint identifier: 'maxnorm'"):
        constraints.get("maxnorm")
    with pytest.raises(TypeError, match=r"MaxNorm: argument `axis` must be an int or a non-empty list of ints. Received: axis='0'"):
        constraints.MaxNorm(axis="0")
    with pytest.raises(TypeError, match=r"MinMaxNorm: argument `rate` must be a number. Received: rate=None"):
        constraints.MinMaxNorm(rate=None)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"axis"):
        constraints.UnitNorm(axis=3)(np.ones((2, 2), np.float32))
