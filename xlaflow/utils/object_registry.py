"""Name lookup and config dicts for the Keras object families (activations,
initializers, regularizers, constraints).

Keras resolves a string such as ``"glorot_uniform"`` or a config dict such as
``{"class_name": "L2", "config": {"l2": 0.01}}`` to an object, and turns objects back
into such dicts (``serialize``). Each family has a table of its built-in names; the
rules that turn identifiers into objects are the same for all of them and live here
once, so that ``keras.initializers.get`` and ``keras.constraints.get`` cannot drift.

The dict format is Keras 3's: ``{"module": ..., "class_name": ..., "config": ...,
"registered_name": None}``; plain functions (activations) use ``class_name
"function"`` with the function's name as ``config``.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Callable, Mapping


def to_snake_case(name: str) -> str:
    """``"GlorotUniform"`` -> ``"glorot_uniform"``, ``"L1L2"`` -> ``"l1l2"`` (Keras' rule)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def class_table(classes: list[type], aliases: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Each class under its own name and its snake_case name, plus ``aliases``."""
    table: dict[str, Any] = {}
    for cls in classes:
        table[cls.__name__] = cls
        table[to_snake_case(cls.__name__)] = cls
    table.update(aliases or {})
    return table


def serialize_object(obj: Any, module: str, kind: str) -> dict:
    """The Keras config dict of ``obj`` (an instance with ``get_config``).

    Raises:
      ValueError: ``obj`` has no ``get_config``.
    """
    if not callable(getattr(obj, "get_config", None)):
        raise ValueError(
            f"{module}.serialize: argument `{kind}` must be an object with a `get_config()` method. "
            f"Received: {obj!r}"
        )
    return {"module": module, "class_name": type(obj).__name__, "config": obj.get_config(), "registered_name": None}


def _lookup(name: str, table: Mapping[str, Any], custom_objects: Mapping[str, Any] | None) -> Any:
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    return table.get(name)


def unknown(kind: str, identifier: Any, table: Mapping[str, Any]) -> ValueError:
    """The error for an identifier that names nothing in ``table``."""
    known = ", ".join(sorted(k for k in table if k[:1].islower()))
    return ValueError(
        f"Could not interpret {kind} identifier: {identifier!r}. Expected a built-in name "
        f"({known}), a config dict, a callable or None."
    )


def deserialize_object(
    config: Any,
    table: Mapping[str, Any],
    kind: str,
    custom_objects: Mapping[str, Any] | None = None,
    instantiate: bool = True,
) -> Any:
    """The object a name or config dict stands for.

    A name gives the table's entry: a class is instantiated with no arguments (when
    ``instantiate``), a function is returned as is. A dict gives
    ``cls.from_config(config["config"])`` (``class_name "function"`` names a function).
    ``custom_objects`` are searched before the built-in table.

    Raises:
      ValueError: the name is unknown or the dict is not a Keras config dict.
    """
    if isinstance(config, str):
        obj = _lookup(config, table, custom_objects)
        if obj is None:
            raise unknown(kind, config, table)
        return obj() if instantiate and inspect.isclass(obj) else obj
    if isinstance(config, Mapping):
        if "class_name" not in config:
            raise ValueError(
                f"Could not interpret {kind} config: a config dict must have a 'class_name' key. Received: {dict(config)!r}"
            )
        class_name, inner = config["class_name"], config.get("config", {})
        if class_name in ("function", "builtins.function") and isinstance(inner, str):
            obj = _lookup(inner, table, custom_objects)
            if obj is None or inspect.isclass(obj):
                raise unknown(kind, inner, table)
            return obj
        cls = _lookup(class_name, table, custom_objects)
        if cls is None:
            raise unknown(kind, class_name, table)
        if not inspect.isclass(cls):
            return cls
        return cls.from_config(dict(inner or {}))
    raise ValueError(f"Could not interpret {kind} identifier: {config!r}. Expected a name or a config dict.")


def resolve(
    identifier: Any,
    table: Mapping[str, Any],
    kind: str,
    none: Callable[[], Any] = lambda: None,
    instantiate: bool = True,
) -> Any:
    """The ``get(identifier)`` rule shared by the families.

    ``None`` gives ``none()``; a name or dict is deserialized; a class is instantiated
    (when ``instantiate``; activations keep classes as they are); any other callable
    is returned as is.

    Raises:
      ValueError: the identifier is unknown or not callable.
    """
    if identifier is None:
        return none()
    if isinstance(identifier, (str, Mapping)):
        return deserialize_object(identifier, table, kind)
    if instantiate and inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret {kind} identifier: {identifier!r}. Expected a built-in name, "
        "a config dict, a callable or None."
    )


def get_instance(identifier: Any, table: Mapping[str, Any], deserialize: Callable[[Any], Any],
                 unknown_name: Callable[[str], str], family: str) -> Any:
    """The ``get`` rule of losses and metrics: ``None`` -> None; a config dict through
    ``deserialize``; a name looked up in ``table`` (``unknown_name(name)`` is the error
    message when absent); a class instantiated; anything else must be callable.

    Raises:
      ValueError: an unknown name, or an identifier that is not callable.
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = table.get(identifier)
        if obj is None:
            raise ValueError(unknown_name(identifier))
    else:
        obj = identifier
    if inspect.isclass(obj):
        obj = obj()
    if not callable(obj):
        raise ValueError(f"keras.{family}s.get: could not interpret {family} identifier: {identifier!r}")
    return obj
