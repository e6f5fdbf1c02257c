"""``keras.losses.get`` / ``serialize`` / ``deserialize``: losses by name or config.

Names follow Keras 3: every class by its class name (``"CategoricalCrossentropy"``
gives a new instance), every function by its name (``"categorical_crossentropy"``
gives the function), and the short aliases ``mse``/``MSE``, ``mae``, ``mape``,
``msle``, ``bce``, ``kld`` (functions). A config is ``{"class_name": ..., "config":
{...}}``, as :func:`serialize` writes it.
"""

from __future__ import annotations

import inspect
from typing import Any

from xlaflow.losses import hinge, probabilistic, regression
from xlaflow.losses.base import Loss, LossFunctionWrapper
from xlaflow.utils.object_registry import get_instance

_CLASSES = [
    Loss, LossFunctionWrapper,
    probabilistic.KLDivergence, probabilistic.Poisson, probabilistic.BinaryCrossentropy,
    probabilistic.BinaryFocalCrossentropy, probabilistic.CategoricalCrossentropy,
    probabilistic.CategoricalFocalCrossentropy, probabilistic.SparseCategoricalCrossentropy,
    regression.MeanSquaredError, regression.MeanAbsoluteError, regression.MeanAbsolutePercentageError,
    regression.MeanSquaredLogarithmicError, regression.CosineSimilarity, regression.LogCosh, regression.Huber,
    hinge.Hinge, hinge.SquaredHinge, hinge.CategoricalHinge,
]
_FUNCTIONS = [
    probabilistic.kl_divergence, probabilistic.poisson, probabilistic.binary_crossentropy,
    probabilistic.binary_focal_crossentropy, probabilistic.categorical_crossentropy,
    probabilistic.categorical_focal_crossentropy, probabilistic.sparse_categorical_crossentropy,
    regression.mean_squared_error, regression.mean_absolute_error, regression.mean_absolute_percentage_error,
    regression.mean_squared_logarithmic_error, regression.cosine_similarity, regression.log_cosh, regression.huber,
    hinge.hinge, hinge.squared_hinge, hinge.categorical_hinge,
]
ALL_OBJECTS: dict[str, Any] = {c.__name__: c for c in _CLASSES}
ALL_OBJECTS.update({f.__name__: f for f in _FUNCTIONS})
_ALIASES = {
    "bce": probabilistic.binary_crossentropy, "kld": probabilistic.kl_divergence,
    "mae": regression.mean_absolute_error, "mse": regression.mean_squared_error,
    "mape": regression.mean_absolute_percentage_error, "msle": regression.mean_squared_logarithmic_error,
}
for _alias, _fn in _ALIASES.items():
    ALL_OBJECTS[_alias] = ALL_OBJECTS[_alias.upper()] = _fn


def serialize(loss: Any) -> Any:
    """A loss as JSON-able data: a function by its registered name, a Loss as
    ``{"module", "class_name", "config", "registered_name"}``."""
    if loss is None:
        return None
    if isinstance(loss, Loss):
        return {"module": "keras.losses", "class_name": type(loss).__name__, "config": loss.get_config(),
                "registered_name": type(loss).__name__}
    name = getattr(loss, "__name__", None)
    if name in ALL_OBJECTS and ALL_OBJECTS[name] is loss:
        return name
    if callable(loss) and name:
        return name
    raise ValueError(f"keras.losses.serialize: argument `loss` must be a Loss or a loss function. Received: {loss!r}")


def deserialize(name: Any, custom_objects: dict | None = None) -> Any:
    """The loss a :func:`serialize` result (a name or a config dict) describes."""
    objects = {**ALL_OBJECTS, **(custom_objects or {})}
    if isinstance(name, str):
        if name not in objects:
            raise ValueError(_unknown(name))
        return objects[name]
    if isinstance(name, dict) and "class_name" in name:
        cls = objects.get(name["class_name"])
        if cls is None or not inspect.isclass(cls):
            raise ValueError(_unknown(name["class_name"]))
        return cls.from_config(name.get("config", {}))
    raise ValueError(f"keras.losses.deserialize: argument `name` must be a str or a config dict. Received: {name!r}")


def get(identifier: Any) -> Any:
    """A loss from a name (class names give an instance, function names the function),
    a config dict, a Loss instance or a callable; ``None`` gives ``None``.

    Raises:
      ValueError: the identifier names no loss.
    """
    return get_instance(identifier, ALL_OBJECTS, deserialize, _unknown, "loss")


def _unknown(name: str) -> str:
    close = [k for k in ALL_OBJECTS if k.lower().replace("_", "") == name.lower().replace("_", "")]
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return (f"keras.losses.get: argument `identifier` must name a loss, e.g. 'mse' or 'categorical_crossentropy'. "
            f"Received: {name!r}.{hint}")
