"""``get``, ``serialize`` and ``deserialize`` for activations, as in ``keras.activations``.

Built-in activations are plain functions, known by name (``"relu"``; ``"swish"`` and
``"hard_swish"`` are aliases of ``silu`` and ``hard_silu``). ``get(None)`` is
``linear``, as Keras layers expect for ``activation=None``; a callable (a function
or an object such as a layer) passes through unchanged.
"""

from __future__ import annotations

import types
from typing import Any, Callable, Mapping

from xlaflow.activations import normalizing, rectifiers, squashing
from xlaflow.utils import object_registry

_MODULE = "keras.activations"
_KIND = "activation function"

_FUNCTIONS = (
    rectifiers.celu, rectifiers.elu, rectifiers.exponential, rectifiers.gelu, rectifiers.hard_silu,
    rectifiers.leaky_relu, rectifiers.linear, rectifiers.mish, rectifiers.relu, rectifiers.relu6,
    rectifiers.selu, rectifiers.silu, rectifiers.softplus, rectifiers.sparse_plus, rectifiers.squareplus,
    rectifiers.threshold,
    squashing.hard_shrink, squashing.hard_sigmoid, squashing.hard_tanh, squashing.log_sigmoid,
    squashing.sigmoid, squashing.soft_shrink, squashing.softsign, squashing.sparse_sigmoid, squashing.tanh,
    squashing.tanh_shrink,
    normalizing.glu, normalizing.log_softmax, normalizing.softmax, normalizing.sparsemax,
)
ALL_FUNCTIONS: dict[str, Callable] = {fn.__name__: fn for fn in _FUNCTIONS}
ALIASES = {"swish": rectifiers.silu, "hard_swish": rectifiers.hard_silu}
TABLE: dict[str, Callable] = {**ALL_FUNCTIONS, **ALIASES}


def get(identifier: Any) -> Callable:
    """The activation function ``identifier`` stands for.

    Args:
      identifier: a name (``"relu"``), a config (``"relu"`` or a Keras config dict),
        a callable (returned as is), or None (gives :func:`linear`).

    Raises:
      ValueError: the name is unknown or the identifier is not callable.

    Example::

        >>> get("relu")(xlaflow.constant([-1.0, 2.0]))   # [0., 2.]
    """
    return object_registry.resolve(identifier, TABLE, _KIND, none=lambda: rectifiers.linear, instantiate=False)


def serialize(activation: Any) -> Any:
    """A built-in activation's name (``"silu"`` for ``swish``), or the Keras config
    dict of an activation object that has ``get_config``.

    Raises:
      ValueError: ``activation`` is neither (e.g. an unregistered lambda).
    """
    if isinstance(activation, types.FunctionType):
        name = activation.__name__
        if ALL_FUNCTIONS.get(name) is activation:
            return name
        raise ValueError(
            f"keras.activations.serialize: argument `activation` must be a built-in activation or an object "
            f"with `get_config()`; custom functions cannot be serialized by name. Received: {activation!r}"
        )
    return object_registry.serialize_object(activation, _MODULE, "activation")


def deserialize(config: Any, custom_objects: Mapping[str, Any] | None = None) -> Callable:
    """The activation a name or config dict stands for (``custom_objects`` first).

    Raises:
      ValueError: the name is unknown.
    """
    return object_registry.deserialize_object(config, TABLE, _KIND, custom_objects)
