"""keras.utils.to_categorical: matches real Keras 3 (golden values) for NumPy/Python
input, gives a Tensor for Tensor input, and rejects bad labels."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.utils import to_categorical

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_activations.npz"
DATA = np.load(GOLDEN)
CASES = [c for c in json.loads(str(DATA["__meta__"]))["cases"] if c["kind"] == "to_categorical"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_matches_keras(case):
    out = to_categorical(case["labels"], num_classes=case["num_classes"])
    expected = DATA[f"to_categorical:{case['case']}/out"]
    assert isinstance(out, np.ndarray) and out.dtype == case["dtype"] == "float64"
    assert out.shape == expected.shape
    np.testing.assert_array_equal(out, expected)


def test_tensor_input_gives_a_float32_tensor():
    out = to_categorical(tf.constant([[1], [0], [2]]))
    assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
    np.testing.assert_array_equal(np.asarray(out), np.eye(3)[[1, 0, 2]])

    @tf.function
    def encode(labels):
        return to_categorical(labels, num_classes=4)

    np.testing.assert_array_equal(np.asarray(encode(tf.constant([3, 1]))), np.eye(4)[[3, 1]])


def test_float_labels_are_truncated_like_keras():
    np.testing.assert_array_equal(to_categorical(np.array([1.0, 2.7]), 3), np.eye(3)[[1, 2]])


def test_errors():
    with pytest.raises(ValueError, match=r"to_categorical: argument `x` must hold class ids in \[0, 3\). Received: values from -1 to 2"):
        to_categorical([0, -1, 2], num_classes=3)
    with pytest.raises(ValueError, match=r"class ids in \[0, 2\). Received: values from 0 to 2"):
        to_categorical([0, 2], num_classes=2)
    with pytest.raises(ValueError, match=r"argument `num_classes` must be a positive int or None. Received: num_classes=2.5"):
        to_categorical([0, 1], num_classes=2.5)
    with pytest.raises(ValueError, match=r"argument `num_classes` must be given for an empty `x`"):
        to_categorical([])
    with pytest.raises(ValueError, match=r"argument `x` must be array-like of integer class ids"):
        to_categorical(["a", "b"])

    @tf.function
    def infer(labels):
        return to_categorical(labels)

    with pytest.raises(ValueError, match=r"argument `num_classes` must be given when `x` is a symbolic or traced tensor"):
        infer(tf.constant([1, 2]))
