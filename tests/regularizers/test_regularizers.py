"""keras.regularizers: penalties match real Keras 3 (golden values), are
differentiable on Variables, work in compiled code; lookup and errors."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import regularizers

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_activations.npz"
DATA = np.load(GOLDEN)
CASES = [c for c in json.loads(str(DATA["__meta__"]))["cases"] if c["kind"] == "regularizer"]
W = DATA["weights/reg"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_penalty_matches_keras(case):
    out = getattr(regularizers, case["name"])(**case["kwargs"])(tf.constant(W))
    assert out.dtype == tf.float32 and tuple(out.shape) == ()
    np.testing.assert_allclose(float(out), DATA[f"regularizer:{case['case']}/out"], rtol=1e-5)


def test_formulas_and_gradients_on_a_variable():
    v = tf.Variable(W)
    reg = regularizers.L1L2(l1=0.01, l2=0.02)
    with tf.GradientTape() as tape:
        penalty = reg(v)
    np.testing.assert_allclose(float(penalty), 0.01 * np.abs(W).sum() + 0.02 * (W**2).sum(), rtol=1e-5)
    np.testing.assert_allclose(np.asarray(tape.gradient(penalty, v)), 0.01 * np.sign(W) + 0.04 * W, rtol=1e-5)
    assert float(regularizers.L1L2()(W)) == 0.0
    assert regularizers.L2()(np.ones((2,), np.float16)).dtype == tf.float16


def test_orthogonal_regularizer_is_zero_for_orthogonal_rows():
    q = np.linalg.qr(np.random.default_rng(0).normal(size=(5, 3)))[0].T.astype(np.float32)  # 3 orthonormal rows
    assert float(regularizers.OrthogonalRegularizer(factor=1.0)(q)) == pytest.approx(0.0, abs=1e-6)
    assert float(regularizers.OrthogonalRegularizer(factor=1.0, mode="columns")(q.T)) == pytest.approx(0.0, abs=1e-6)


def test_penalty_inside_function():
    v = tf.Variable(W)
    reg = regularizers.get("l2")

    @tf.function
    def penalty():
        return reg(v)

    np.testing.assert_allclose(float(penalty()), 0.01 * (W**2).sum(), rtol=1e-5)


def test_get_and_serialize():
    assert type(regularizers.get("l1")) is regularizers.L1
    assert regularizers.get("l2").l2 == 0.01
    assert type(regularizers.get("l1l2")) is regularizers.L1L2
    assert type(regularizers.get("l1_l2")) is regularizers.L1L2
    assert type(regularizers.get("orthogonal_regularizer")) is regularizers.OrthogonalRegularizer
    assert regularizers.get(None) is None
    reg = regularizers.L1L2(0.1, 0.2)
    config = regularizers.serialize(reg)
    assert config == {"module": "keras.regularizers", "class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}, "registered_name": None}
    assert regularizers.deserialize(config).get_config() == reg.get_config()
    assert regularizers.get(reg) is reg
    assert regularizers.l2 is regularizers.L2


def test_errors():
    with pytest.raises(ValueError, match=r"Could not interpret regularizer identifier: 'l3'"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match=r"L1: argument `l1` must be a non-negative float. Received: l1=-0.1"):
        regularizers.L1(-0.1)
    with pytest.raises(ValueError, match=r"L1L2: argument `l2` must be a non-negative float. Received: l2=inf"):
        regularizers.L1L2(l2=float("inf"))
    with pytest.raises(ValueError, match=r"OrthogonalRegularizer: argument `mode` must be 'rows' or 'columns'"):
        regularizers.OrthogonalRegularizer(mode="diag")
    with pytest.raises(ValueError, match=r"OrthogonalRegularizer: the weight must have rank 2. Received: shape=\(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2), np.float32))
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        regularizers.Regularizer().get_config()
