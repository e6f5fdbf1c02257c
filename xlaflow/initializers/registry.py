"""``get``, ``serialize`` and ``deserialize`` for initializers, as in ``keras.initializers``.

Names are the class names and their snake_case forms (``"GlorotUniform"``,
``"glorot_uniform"``) plus Keras' aliases ``"normal"``, ``"uniform"``, ``"one"``,
``"zero"``, ``"IdentityInitializer"`` and ``"OrthogonalInitializer"``. A name gives a
new instance with default arguments. A tensor or array gives an initializer that
returns it (cast to the requested dtype) for its own shape only.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from xlaflow.initializers.constant import Constant, Identity, Ones, Zeros, cast_value
from xlaflow.initializers.initializer import Initializer, check_dtype, check_shape
from xlaflow.initializers.orthogonal import Orthogonal
from xlaflow.initializers.random import RandomNormal, RandomUniform, TruncatedNormal
from xlaflow.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
)
from xlaflow.ops.tensor import TensorLike
from xlaflow.utils import object_registry

_MODULE = "keras.initializers"
_KIND = "initializer"

ALL_CLASSES = [
    Initializer, Constant, Identity, Ones, Zeros, GlorotNormal, GlorotUniform, HeNormal, HeUniform,
    LecunNormal, LecunUniform, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
]
TABLE = object_registry.class_table(
    ALL_CLASSES,
    aliases={
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    },
)


def _from_value(value: Any):
    """An initializer returning ``value`` for ``value``'s own shape."""
    expected = tuple(np.shape(value)) if not isinstance(value, TensorLike) else tuple(value.shape)

    def initialize(shape, dtype=None):
        shape = check_shape("initializer", shape)
        if shape != expected:
            raise ValueError(
                f"initializer: argument `shape` must be {expected}, the shape of the tensor given as "
                f"initializer. Received: shape={shape}"
            )
        return cast_value(value, check_dtype("initializer", dtype))

    return initialize


def get(identifier: Any) -> Any:
    """The initializer ``identifier`` stands for.

    Args:
      identifier: a name (``"he_normal"``), a Keras config dict, an Initializer
        (returned as is), a class (instantiated), a tensor/array (returned as the
        value), a callable ``f(shape, dtype=None)``, or None (gives None).

    Raises:
      ValueError: the name is unknown or the identifier is not usable.

    Example::

        >>> get("glorot_uniform")((3, 2)).shape
        TensorShape([3, 2])
    """
    if isinstance(identifier, (TensorLike, np.ndarray, np.generic)):
        return _from_value(identifier)
    return object_registry.resolve(identifier, TABLE, _KIND)


def serialize(initializer: Any) -> dict:
    """The Keras config dict of ``initializer``:
    ``{"module": "keras.initializers", "class_name": ..., "config": ..., "registered_name": None}``."""
    return object_registry.serialize_object(initializer, _MODULE, "initializer")


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Any:
    """The initializer a name or config dict stands for (``custom_objects`` first).

    Raises:
      ValueError: the name is unknown.
    """
    return object_registry.deserialize_object(config, TABLE, _KIND, custom_objects)
