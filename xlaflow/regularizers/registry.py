"""``get``, ``serialize`` and ``deserialize`` for regularizers, as in ``keras.regularizers``.

Names are the class names and their snake_case forms: ``"l1"``, ``"l2"``, ``"l1l2"``
(Keras' snake case of ``L1L2``; ``"l1_l2"`` is accepted too), ``"orthogonal_regularizer"``.
A name gives an instance with default factors (``"l2"`` -> ``L2(0.01)``).
"""

from __future__ import annotations

from typing import Any, Mapping

from xlaflow.regularizers.orthogonal import OrthogonalRegularizer
from xlaflow.regularizers.penalties import L1, L1L2, L2
from xlaflow.regularizers.regularizer import Regularizer
from xlaflow.utils import object_registry

_MODULE = "keras.regularizers"
_KIND = "regularizer"

TABLE = object_registry.class_table([Regularizer, L1, L2, L1L2, OrthogonalRegularizer], aliases={"l1_l2": L1L2})


def get(identifier: Any) -> Any:
    """The regularizer ``identifier`` stands for: a name (``"l2"``), a config dict, a
    regularizer or callable (returned as is), a class (instantiated), or None.

    Raises:
      ValueError: the name is unknown or the identifier is not callable.
    """
    return object_registry.resolve(identifier, TABLE, _KIND)


def serialize(regularizer: Any) -> dict:
    """The Keras config dict of ``regularizer``."""
    return object_registry.serialize_object(regularizer, _MODULE, "regularizer")


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The regularizer a name or config dict stands for (``custom_objects`` first)."""
    return object_registry.deserialize_object(config, TABLE, _KIND, custom_objects)
