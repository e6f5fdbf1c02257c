"""Metric API: get/aliases, resolve_accuracy, configs, metric functions on tensors,
and clear errors for bad input."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
import xlaflow.keras.losses  # noqa: F401
import xlaflow.keras.metrics  # noqa: F401
from xlaflow import keras

M = keras.metrics


def test_get_strings_give_instances():
    assert isinstance(M.get("AUC"), M.AUC) and isinstance(M.get("auc"), M.AUC)
    assert isinstance(M.get("binary_accuracy"), M.BinaryAccuracy)
    assert isinstance(M.get("accuracy"), M.Accuracy)
    for alias, cls in [("mse", M.MeanSquaredError), ("MAE", M.MeanAbsoluteError), ("mape", M.MeanAbsolutePercentageError),
                       ("msle", M.MeanSquaredLogarithmicError), ("bce", M.BinaryCrossentropy)]:
        assert type(M.get(alias)) is cls
    assert M.get(M.binary_accuracy) is M.binary_accuracy and M.get(None) is None
    assert M.get({"class_name": "Precision", "config": {"thresholds": [0.2, 0.4]}}).thresholds == [0.2, 0.4]


@pytest.mark.parametrize("loss, expected", [
    ("binary_crossentropy", M.BinaryAccuracy), (keras.losses.BinaryCrossentropy(from_logits=True), M.BinaryAccuracy),
    ("sparse_categorical_crossentropy", M.SparseCategoricalAccuracy),
    (keras.losses.SparseCategoricalCrossentropy(), M.SparseCategoricalAccuracy),
    ("categorical_crossentropy", M.CategoricalAccuracy), ("mse", M.CategoricalAccuracy),
    (keras.losses.categorical_crossentropy, M.CategoricalAccuracy),
])
def test_resolve_accuracy_from_loss(loss, expected):
    metric = M.resolve_accuracy(loss, name="acc")
    assert type(metric) is expected and metric.name == "acc"


@pytest.mark.parametrize("t_shape, p_shape, expected", [
    ((8, 1), (8, 1), M.BinaryAccuracy), ((8,), (8, 10), M.SparseCategoricalAccuracy),
    ((8, 1), (8, 10), M.SparseCategoricalAccuracy), ((8, 10), (8, 10), M.CategoricalAccuracy),
])
def test_resolve_accuracy_from_shapes_keras3_rule(t_shape, p_shape, expected):
    assert type(M.resolve_accuracy("mse", y_true=t_shape, y_pred=np.zeros(p_shape, np.float32))) is expected


@pytest.mark.parametrize("metric", [
    M.Mean(name="m"), M.Sum(), M.Accuracy(), M.BinaryAccuracy(threshold=0.3), M.CategoricalAccuracy(),
    M.SparseCategoricalAccuracy(), M.TopKCategoricalAccuracy(k=3), M.SparseTopKCategoricalAccuracy(k=2),
    M.AUC(num_thresholds=10, curve="PR", summation_method="minoring"), M.AUC(thresholds=[0.2, 0.7]),
    M.Precision(thresholds=[0.3], top_k=2, class_id=1), M.Recall(), M.TruePositives(thresholds=0.4),
    M.MeanSquaredError(), M.RootMeanSquaredError(), M.MeanAbsoluteError(), M.BinaryCrossentropy(label_smoothing=0.1),
    M.SparseCategoricalCrossentropy(from_logits=True), M.MeanMetricWrapper(keras.losses.huber, name="hub", delta=2.0),
], ids=lambda m: type(m).__name__)
def test_config_round_trip(metric):
    config = metric.get_config()
    again = type(metric).from_config(config)
    assert again.get_config() == config
    restored = M.deserialize(M.serialize(metric))
    assert type(restored) is type(metric) and restored.get_config() == config


def test_keras_default_names_and_configs():
    assert M.AUC().get_config() == {"name": "auc", "dtype": "float32", "num_thresholds": 200, "curve": "ROC",
                                    "summation_method": "interpolation", "multi_label": False, "num_labels": None,
                                    "label_weights": None, "from_logits": False}
    assert M.Precision().get_config() == {"name": "precision", "dtype": "float32", "thresholds": None, "top_k": None,
                                          "class_id": None}
    assert M.RootMeanSquaredError().name == "root_mean_squared_error"
    assert M.LogCoshError().name == "logcosh"


def test_metric_functions_accept_tensors_and_arrays():
    yt = tf.constant(np.array([[0.0, 1.0], [1.0, 0.0]], np.float32))
    yp = np.array([[0.2, 0.8], [0.3, 0.7]], np.float32)
    np.testing.assert_array_equal(np.asarray(M.categorical_accuracy(yt, yp)), [1.0, 0.0])
    np.testing.assert_array_equal(np.asarray(M.sparse_categorical_accuracy(np.array([1, 1]), yp)), [1.0, 1.0])
    np.testing.assert_array_equal(np.asarray(M.top_k_categorical_accuracy(yt, yp, k=2)), [1.0, 1.0])
    assert M.binary_accuracy(yt, yp).dtype == tf.float32


# -- bad input --------------------------------------------------------------------------
def test_unknown_metric_string():
    with pytest.raises(ValueError, match=r"keras.metrics.get: argument `identifier` must name a metric.*Received: 'acuracy'"):
        M.get("acuracy")


@pytest.mark.parametrize("make, pattern", [
    (lambda: M.Precision(thresholds=1.5), r"Precision: argument `thresholds` must be values in \[0, 1\]. Received: thresholds=1.5"),
    (lambda: M.Recall(thresholds=[0.2, -0.1]), r"Recall: argument `thresholds` must be values in \[0, 1\]"),
    (lambda: M.TruePositives(thresholds=[None]), r"TruePositives: argument `thresholds`"),
    (lambda: M.AUC(thresholds=[0.5, 2.0]), r"AUC: argument `thresholds` must be values in \[0, 1\]"),
    (lambda: M.AUC(num_thresholds=1), r"AUC: argument `num_thresholds` must be an integer > 1. Received: num_thresholds=1"),
    (lambda: M.AUC(curve="XY"), r"AUC: argument `curve` must be one of"),
    (lambda: M.AUC(summation_method="avg"), r"AUC: argument `summation_method` must be one of"),
    (lambda: M.AUC(num_labels=3), r"AUC: argument `num_labels` is needed only when `multi_label=True`"),
    (lambda: M.Precision(top_k=0), r"Precision: argument `top_k` must be a positive int"),
    (lambda: M.TopKCategoricalAccuracy(k=0), r"TopKCategoricalAccuracy: argument `k` must be a positive int"),
    (lambda: M.BinaryAccuracy(threshold="high"), r"BinaryAccuracy: argument `threshold` must be a number"),
])
def test_invalid_arguments(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


def test_class_id_needs_2d_predictions():
    with pytest.raises(ValueError, match=r"Precision: with `class_id`, `y_pred` must have shape"):
        M.Precision(class_id=1).update_state([1.0, 0.0], [0.3, 0.9])


def test_mismatched_shapes_in_update():
    with pytest.raises(ValueError, match=r"Recall: arguments `y_true`, `y_pred` and `sample_weight` must have compatible shapes"):
        M.Recall().update_state(np.ones((4, 2), np.float32), np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match=r"argument `sample_weight` must broadcast"):
        M.Mean().update_state(np.ones((4,), np.float32), sample_weight=np.ones((3,), np.float32))
