"""``keras.optimizers.get`` / ``serialize`` / ``deserialize``: optimizers by name or config.

Names are matched case-insensitively against the class names (``"adam"``,
``"SGD"``, ``"rmsprop"``, ``"adamw"`` ...), as Keras does; a config is Keras'
``{"class_name": ..., "config": {...}}`` layout.
"""

from __future__ import annotations

from typing import Any

from xlaflow.optimizers.adadelta import Adadelta
from xlaflow.optimizers.adagrad import Adagrad
from xlaflow.optimizers.adam import Adam, AdamW
from xlaflow.optimizers.adamax import Adamax
from xlaflow.optimizers.base import Optimizer
from xlaflow.optimizers.lion import Lion
from xlaflow.optimizers.nadam import Nadam
from xlaflow.optimizers.rmsprop import RMSprop
from xlaflow.optimizers.sgd import SGD

ALL_OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, Adam, AdamW, RMSprop, Adagrad, Adadelta, Adamax, Nadam, Lion)}


def serialize(optimizer: Optimizer) -> dict:
    """An optimizer's config in Keras' layout: ``{"module", "class_name", "config", "registered_name"}``."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"serialize: argument `optimizer` must be an Optimizer. Received: {optimizer!r}")
    name = type(optimizer).__name__
    return {"module": "keras.optimizers", "class_name": name, "config": optimizer.get_config(),
            "registered_name": None if name.lower() in ALL_OPTIMIZERS else name}


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """Creates an optimizer from :func:`serialize`'s output (``custom_objects`` for user classes)."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"deserialize: argument `config` must be a dict with a 'class_name' key. Received: {config!r}")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or ALL_OPTIMIZERS.get(str(name).lower())
    if cls is None:
        raise ValueError(
            f"deserialize: unknown optimizer {name!r}. Expected one of {sorted(ALL_OPTIMIZERS)} or a class in `custom_objects`."
        )
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier: Any) -> Optimizer | None:
    """An optimizer from a name (``"adam"``), a config dict, or an Optimizer (returned as is).

    Raises:
      ValueError: an unknown name or anything else that is not an optimizer.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = ALL_OPTIMIZERS.get(identifier.lower())
        if cls is None:
            raise ValueError(
                f"get: argument `identifier` must name an optimizer, one of {sorted(ALL_OPTIMIZERS)}. "
                f"Received: identifier={identifier!r}"
            )
        return cls()
    raise ValueError(f"get: could not interpret optimizer identifier. Received: identifier={identifier!r}")
