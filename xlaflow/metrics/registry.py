"""``keras.metrics.get`` / ``serialize`` / ``deserialize`` and :func:`resolve_accuracy`.

Keras 3 resolves metric strings to *instances*: each class by its name
(``"AUC"``) or its snake-case name (``"auc"``, ``"binary_accuracy"``), plus the
aliases ``mse``, ``mae``, ``mape``, ``msle``, ``bce`` (upper case too). A metric
*function* is reached with :func:`get_function` (``"binary_accuracy"`` ->
``binary_accuracy``).

``"accuracy"``/``"acc"`` in ``compile(metrics=[...])`` means "the accuracy that fits
this problem": :func:`resolve_accuracy` picks it from the shapes of ``y_true`` and
``y_pred`` when known (Keras 3's rule), otherwise from the loss (tf.keras' rule).
"""

from __future__ import annotations

import inspect
from typing import Any

from xlaflow.losses import registry as loss_registry
from xlaflow.losses.base import _snake_case
from xlaflow.metrics import accuracy, auc, confusion, probabilistic, reduction, regression
from xlaflow.metrics.base import Metric
from xlaflow.utils.object_registry import get_instance

_CLASSES = [
    reduction.Sum, reduction.Mean, reduction.MeanMetricWrapper,
    regression.MeanSquaredError, regression.RootMeanSquaredError, regression.MeanAbsoluteError,
    regression.MeanAbsolutePercentageError, regression.MeanSquaredLogarithmicError, regression.CosineSimilarity,
    regression.LogCoshError,
    auc.AUC, confusion.FalseNegatives, confusion.FalsePositives, confusion.Precision, confusion.Recall,
    confusion.TrueNegatives, confusion.TruePositives,
    probabilistic.Hinge, probabilistic.SquaredHinge, probabilistic.CategoricalHinge, probabilistic.KLDivergence,
    probabilistic.Poisson, probabilistic.BinaryCrossentropy, probabilistic.CategoricalCrossentropy,
    probabilistic.SparseCategoricalCrossentropy,
    accuracy.Accuracy, accuracy.BinaryAccuracy, accuracy.CategoricalAccuracy, accuracy.SparseCategoricalAccuracy,
    accuracy.TopKCategoricalAccuracy, accuracy.SparseTopKCategoricalAccuracy,
]
ALL_OBJECTS: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS.update({_snake_case(c.__name__): c for c in _CLASSES})
for _alias, _cls in {"bce": probabilistic.BinaryCrossentropy, "mse": regression.MeanSquaredError,
                     "mae": regression.MeanAbsoluteError, "mape": regression.MeanAbsolutePercentageError,
                     "msle": regression.MeanSquaredLogarithmicError}.items():
    ALL_OBJECTS[_alias] = ALL_OBJECTS[_alias.upper()] = _cls

FUNCTIONS: dict[str, Any] = {
    f.__name__: f for f in (
        accuracy.accuracy, accuracy.binary_accuracy, accuracy.categorical_accuracy, accuracy.sparse_categorical_accuracy,
        accuracy.top_k_categorical_accuracy, accuracy.sparse_top_k_categorical_accuracy, regression.cosine_similarity,
    )
}
for _name, _obj in loss_registry.ALL_OBJECTS.items():
    if not inspect.isclass(_obj) and _name not in FUNCTIONS:
        FUNCTIONS[_name] = _obj


def get_function(name: str) -> Any:
    """The metric function registered as ``name`` (accuracy and loss functions)."""
    if name not in FUNCTIONS:
        raise ValueError(f"keras.metrics: argument `fn` must name a metric function. Received: {name!r}")
    return FUNCTIONS[name]


def serialize(metric: Any) -> Any:
    """A metric as JSON-able data (a config dict for a Metric, a name for a function)."""
    if isinstance(metric, Metric):
        return {"module": "keras.metrics", "class_name": type(metric).__name__, "config": metric.get_config(),
                "registered_name": type(metric).__name__}
    name = getattr(metric, "__name__", None)
    if callable(metric) and name:
        return name
    raise ValueError(f"keras.metrics.serialize: argument `metric` must be a Metric or a function. Received: {metric!r}")


def deserialize(config: Any, custom_objects: dict | None = None) -> Any:
    """The metric a :func:`serialize` result describes."""
    objects = {**ALL_OBJECTS, **(custom_objects or {})}
    if isinstance(config, str):
        if config in objects:
            return objects[config]
        if config in FUNCTIONS:
            return FUNCTIONS[config]
        raise ValueError(_unknown(config))
    if isinstance(config, dict) and "class_name" in config:
        cls = objects.get(config["class_name"])
        if cls is None or not inspect.isclass(cls):
            raise ValueError(_unknown(config["class_name"]))
        return cls.from_config(config.get("config", {}))
    raise ValueError(f"keras.metrics.deserialize: argument `config` must be a str or a config dict. Received: {config!r}")


def get(identifier: Any) -> Any:
    """A metric from a name (a new instance), a config dict, a Metric or a function.

    Raises:
      ValueError: the identifier names no metric.
    """
    return get_instance(identifier, ALL_OBJECTS, deserialize, _unknown, "metric")


_BINARY_LOSSES = {"binary_crossentropy", "bce", "BCE", "BinaryCrossentropy", "binary_focal_crossentropy",
                  "BinaryFocalCrossentropy", "hinge", "Hinge", "squared_hinge", "SquaredHinge"}
_SPARSE_LOSSES = {"sparse_categorical_crossentropy", "SparseCategoricalCrossentropy"}


def resolve_accuracy(loss: Any = None, y_true: Any = None, y_pred: Any = None, name: str = "accuracy") -> Metric:
    """The accuracy metric ``"accuracy"``/``"acc"`` stands for.

    With the shapes of ``y_true`` and ``y_pred`` (arrays, tensors or shape tuples),
    Keras 3's rule: ``y_pred`` with last axis 1 -> ``BinaryAccuracy``; ``y_true`` of
    lower rank, or last axis 1 against ``y_pred``'s > 1 -> ``SparseCategoricalAccuracy``;
    else ``CategoricalAccuracy``. Without shapes, from the loss (tf.keras' rule):
    binary crossentropy/focal/hinge -> ``BinaryAccuracy``, sparse categorical
    crossentropy -> ``SparseCategoricalAccuracy``, anything else ->
    ``CategoricalAccuracy``. The metric is named ``name``.
    """
    if y_true is not None and y_pred is not None:
        t, p = _shape(y_true), _shape(y_pred)
        is_binary = bool(p) and p[-1] == 1
        is_sparse = len(t) < len(p) or (bool(t) and bool(p) and t[-1] == 1 and p[-1] > 1)
        if is_binary:
            return accuracy.BinaryAccuracy(name=name)
        if is_sparse:
            return accuracy.SparseCategoricalAccuracy(name=name)
        return accuracy.CategoricalAccuracy(name=name)
    key = _loss_key(loss)
    if key in _BINARY_LOSSES:
        return accuracy.BinaryAccuracy(name=name)
    if key in _SPARSE_LOSSES:
        return accuracy.SparseCategoricalAccuracy(name=name)
    return accuracy.CategoricalAccuracy(name=name)


def _loss_key(loss: Any) -> Any:
    if isinstance(loss, str):
        return loss
    if inspect.isclass(loss):
        return loss.__name__
    fn = getattr(loss, "fn", None)  # a LossFunctionWrapper
    if fn is not None:
        return getattr(fn, "__name__", None)
    return getattr(loss, "__name__", type(loss).__name__)


def _shape(x: Any) -> tuple:
    if isinstance(x, (tuple, list)) and all(isinstance(d, (int, type(None))) for d in x):
        return tuple(x)
    shape = getattr(x, "shape", None)
    return tuple(shape) if shape is not None else ()


def _unknown(name: str) -> str:
    return (f"keras.metrics.get: argument `identifier` must name a metric, e.g. 'accuracy', 'mae' or 'AUC'. "
            f"Received: {name!r}")
