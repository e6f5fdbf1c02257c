"""The allowlist: the only classes and functions a loaded config may name.

It is built from xlaflow's own public Keras namespaces (``xlaflow.keras.layers``,
``.models``, ``.optimizers``, ``.optimizers.schedules``, ``.losses``, ``.metrics``,
``.initializers``, ``.regularizers``, ``.constraints``, ``.activations``), keeping
only objects defined inside xlaflow and of the family's kind (a ``Layer`` subclass
in ``layers``, a function or ``Loss`` in ``losses`` ...). The module names are fixed
here; a config's ``"module"`` field is only a *hint* that picks which family to
search — it is never imported. User objects join through
:mod:`xlaflow.saving.registry` (registration, ``custom_objects``, scopes).
"""

from __future__ import annotations

import functools
import importlib
import inspect
from typing import Any, Mapping

from xlaflow.saving import registry

# family -> (xlaflow module holding the public names, base class name or None for functions too)
_FAMILIES: dict[str, str] = {
    "layers": "xlaflow.keras.layers",
    "models": "xlaflow.keras.models",
    "optimizers": "xlaflow.keras.optimizers",
    "schedules": "xlaflow.keras.optimizers.schedules",
    "losses": "xlaflow.keras.losses",
    "metrics": "xlaflow.keras.metrics",
    "initializers": "xlaflow.keras.initializers",
    "regularizers": "xlaflow.keras.regularizers",
    "constraints": "xlaflow.keras.constraints",
    "activations": "xlaflow.keras.activations",
}
# Classes Keras 3 serializes under a private module path (``keras.src.models.functional``):
# allowlisted from these fixed xlaflow modules as well.
_EXTRA_MODULES: dict[str, tuple[str, ...]] = {"models": ("xlaflow.models.functional",)}
_FUNCTION_FAMILIES = ("activations", "losses", "metrics")
_NOT_OBJECTS = {"get", "serialize", "deserialize"}
SEARCH_ORDER = ("layers", "models", "optimizers", "schedules", "losses", "metrics", "initializers",
                "regularizers", "constraints", "activations")


def family_of_module(module: Any) -> str | None:
    """The family a Keras ``"module"`` string points to (``"keras.layers"`` -> ``"layers"``), or None."""
    if not isinstance(module, str):
        return None
    parts = module.replace("keras.src.", "keras.").split(".")
    if "schedules" in parts or "learning_rate_schedule" in parts:
        return "schedules"
    for part in parts[1:]:
        if part in _FAMILIES:
            return part
        if part in ("optimizer", "loss", "metric", "initializer", "regularizer", "constraint", "activation", "layer",
                    "model"):
            return part + "s"
    if parts and parts[0] in ("keras", "xlaflow") and len(parts) == 1:
        return "models"
    return None


def _base_of(family: str) -> type | None:
    if family == "layers" or family == "models":
        from xlaflow.layers.layer import Layer

        return Layer
    if family == "optimizers":
        from xlaflow.optimizers.base import Optimizer

        return Optimizer
    if family == "schedules":
        from xlaflow.optimizers.schedules import LearningRateSchedule

        return LearningRateSchedule
    if family == "losses":
        from xlaflow.losses.base import Loss

        return Loss
    if family == "metrics":
        from xlaflow.metrics.base import Metric

        return Metric
    return None


@functools.lru_cache(maxsize=None)
def table(family: str) -> Mapping[str, Any]:
    """The allowlisted objects of ``family`` by public name (built once)."""
    modules = [importlib.import_module(_FAMILIES[family])]
    for extra in _EXTRA_MODULES.get(family, ()):
        try:
            modules.append(importlib.import_module(extra))
        except ImportError:  # not built yet
            pass
    base = _base_of(family)
    out: dict[str, Any] = {}
    for module, name in [(m, n) for m in modules for n in dir(m)]:
        if name.startswith("_") or name in _NOT_OBJECTS or name in out:
            continue
        obj = getattr(module, name)
        if not str(getattr(obj, "__module__", "")).startswith("xlaflow."):
            continue
        if inspect.isclass(obj):
            if base is not None and not issubclass(obj, base):
                continue
            out[name] = obj
        elif inspect.isfunction(obj) and family in _FUNCTION_FAMILIES:
            out[name] = obj
    return out


def lookup(name: str, registered_name: Any, module: Any, custom_objects: Mapping[str, Any] | None,
           want_function: bool, prefer: str | None = None) -> Any:
    """The allowlisted object a config names, or None.

    Order (as Keras): ``custom_objects`` (by registered name, then name), active
    custom-object scopes, the global registry, then xlaflow's own objects — of the
    family the module hint points to first, then (``prefer``, then) all families —
    and last a registered object whose registered name ends in ``>name``.
    """
    keys = [k for k in (registered_name, name) if isinstance(k, str)]
    for key in keys:
        if custom_objects and key in custom_objects:
            return custom_objects[key]
    scoped = registry.scoped_objects()
    for key in keys:
        if key in scoped:
            return scoped[key]
    for key in keys:
        obj = registry.get_registered_object(key)
        if obj is not None:
            return obj
    if not isinstance(name, str):
        return None
    found = builtin(name, module, want_function, prefer)
    if found is not None:
        return found
    return registry.registered_by_class_name(name)


def builtin(name: str, module: Any, want_function: bool, prefer: str | None) -> Any:
    """xlaflow's own object called ``name`` (a function if ``want_function``), or None."""
    if not isinstance(name, str):
        return None
    families = [f for f in (family_of_module(module), prefer) if f] + list(SEARCH_ORDER)
    seen = set()
    for family in families:
        if family in seen:
            continue
        seen.add(family)
        obj = table(family).get(name)
        if obj is not None and inspect.isfunction(obj) == want_function:
            return obj
    return None


def public_module(obj_or_cls: Any) -> str | None:
    """Keras' public module for one of xlaflow's own classes/functions (None for user objects)."""
    cls = obj_or_cls if inspect.isclass(obj_or_cls) or inspect.isfunction(obj_or_cls) else type(obj_or_cls)
    name = getattr(cls, "__name__", None)
    for family in SEARCH_ORDER:
        if table(family).get(name) is cls:
            if family == "models":
                return "keras.src.models.functional" if name == "Functional" else "keras"
            if family == "schedules":
                return "keras.optimizers.schedules"
            return f"keras.{family}"
    return None
