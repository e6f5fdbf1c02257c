"""``register_keras_serializable`` and custom-object scopes: how user classes join the allowlist.

Loading builds only classes on an explicit allowlist (see
:mod:`xlaflow.saving.allowlist`). A user class gets on it in one of three ways, as
in Keras 3:

* ``@keras.saving.register_keras_serializable(package="MyPkg")`` registers it
  globally under ``"MyPkg>ClassName"`` (the ``registered_name`` written in configs);
* ``custom_objects={"ClassName": cls}`` passed to the loading call;
* ``with keras.saving.custom_object_scope({...}):`` around the loading call.

Nothing here ever imports a module named by a file.
"""

from __future__ import annotations

import inspect
import threading
from typing import Any, Callable, Mapping

_GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
_GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}


class _ScopeStack(threading.local):
    def __init__(self) -> None:
        self.stack: list[dict[str, Any]] = []


_scopes = _ScopeStack()


def register_keras_serializable(package: str = "Custom", name: str | None = None) -> Callable[[Any], Any]:
    """Registers a class or function so that saved configs can name it (Keras' decorator).

    Args:
      package: the prefix of the registered name (``"Custom"`` by default).
      name: the name under the package (the object's ``__name__`` by default).

    Returns:
      A decorator that registers its argument and returns it unchanged.

    Raises:
      ValueError: ``package``/``name`` contain ``>``, the object is a class without
        ``get_config``, or the name is already taken by another object.

    Example::

        @keras.saving.register_keras_serializable(package="my_pkg")
        class Scale(keras.layers.Layer): ...
    """
    if not isinstance(package, str) or ">" in package:
        raise ValueError(f"register_keras_serializable: argument `package` must be a str without '>'. Received: package={package!r}")
    if name is not None and (not isinstance(name, str) or ">" in name):
        raise ValueError(f"register_keras_serializable: argument `name` must be a str without '>'. Received: name={name!r}")

    def decorator(arg: Any) -> Any:
        class_name = name if name is not None else getattr(arg, "__name__", None)
        if not class_name:
            raise ValueError(f"register_keras_serializable: cannot register {arg!r}: it has no __name__; pass `name=`.")
        registered_name = f"{package}>{class_name}"
        if inspect.isclass(arg) and not callable(getattr(arg, "get_config", None)):
            raise ValueError(
                "register_keras_serializable: cannot register a class that does not have a get_config() method. "
                f"Received: {arg!r}"
            )
        existing = _GLOBAL_CUSTOM_OBJECTS.get(registered_name)
        if existing is not None and existing is not arg and getattr(existing, "__qualname__", None) != getattr(arg, "__qualname__", 0):
            raise ValueError(f"register_keras_serializable: {registered_name!r} has already been registered to {existing!r}")
        _GLOBAL_CUSTOM_OBJECTS[registered_name] = arg
        _GLOBAL_CUSTOM_NAMES[arg] = registered_name
        return arg

    return decorator


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` is registered under, or its ``__name__`` if it is not registered."""
    if obj in _GLOBAL_CUSTOM_NAMES:
        return _GLOBAL_CUSTOM_NAMES[obj]
    return getattr(obj, "__name__", type(obj).__name__)


def is_registered(obj: Any) -> bool:
    try:
        return obj in _GLOBAL_CUSTOM_NAMES
    except TypeError:  # unhashable
        return False


def registered_by_class_name(name: str) -> Any:
    """The one registered object whose registered name is ``"<package>>name"`` (None if
    none or several). Configs written by xlaflow's per-family serializers name a
    registered class by its plain class name; this finds it — still only among
    registered objects."""
    matches = [obj for key, obj in _GLOBAL_CUSTOM_OBJECTS.items() if key.rsplit(">", 1)[-1] == name]
    return matches[0] if len(matches) == 1 else None


def get_custom_objects() -> dict[str, Any]:
    """The global registry (a live dict: assigning into it registers objects, as in Keras)."""
    return _GLOBAL_CUSTOM_OBJECTS


def get_registered_object(name: str, custom_objects: Mapping[str, Any] | None = None,
                          module_objects: Mapping[str, Any] | None = None) -> Any:
    """The object registered as ``name``: scopes first, then the registry, then the given dicts."""
    for scope in reversed(_scopes.stack):
        if name in scope:
            return scope[name]
    if name in _GLOBAL_CUSTOM_OBJECTS:
        return _GLOBAL_CUSTOM_OBJECTS[name]
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if module_objects and name in module_objects:
        return module_objects[name]
    return None


def scoped_objects() -> dict[str, Any]:
    """The objects of all active :class:`CustomObjectScope` s (innermost wins)."""
    out: dict[str, Any] = {}
    for scope in _scopes.stack:
        out.update(scope)
    return out


class CustomObjectScope:
    """Makes ``custom_objects`` visible to loading inside a ``with`` block (Keras' class).

    Example::

        with keras.saving.custom_object_scope({"Scale": Scale}):
            model = keras.models.load_model("m.keras")
    """

    def __init__(self, custom_objects: Mapping[str, Any] | None = None, *more: Mapping[str, Any]):
        objects: dict[str, Any] = {}
        for mapping in (custom_objects, *more):
            if mapping is None:
                continue
            if not isinstance(mapping, Mapping):
                raise TypeError(f"CustomObjectScope: arguments must be dicts. Received: {mapping!r}")
            objects.update(mapping)
        self.custom_objects = objects

    def __enter__(self) -> "CustomObjectScope":
        _scopes.stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc: object) -> None:
        _scopes.stack.pop()


custom_object_scope = CustomObjectScope
