"""``get``, ``serialize`` and ``deserialize`` for constraints, as in ``keras.constraints``.

Names are the class names and their snake_case forms (``"max_norm"``,
``"min_max_norm"``, ``"non_neg"``, ``"unit_norm"``); a name gives an instance with
default arguments.
"""

from __future__ import annotations

from typing import Any, Mapping

from xlaflow.constraints.constraint import Constraint, NonNeg
from xlaflow.constraints.norms import MaxNorm, MinMaxNorm, UnitNorm
from xlaflow.utils import object_registry

_MODULE = "keras.constraints"
_KIND = "constraint"

TABLE = object_registry.class_table([Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm])


def get(identifier: Any) -> Any:
    """The constraint ``identifier`` stands for: a name (``"non_neg"``), a config dict,
    a constraint or callable (returned as is), a class (instantiated), or None.

    Raises:
      ValueError: the name is unknown or the identifier is not callable.
    """
    return object_registry.resolve(identifier, TABLE, _KIND)


def serialize(constraint: Any) -> dict:
    """The Keras config dict of ``constraint``."""
    return object_registry.serialize_object(constraint, _MODULE, "constraint")


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The constraint a name or config dict stands for (``custom_objects`` first)."""
    return object_registry.deserialize_object(config, TABLE, _KIND, custom_objects)
