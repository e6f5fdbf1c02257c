"""``serialize_keras_object`` / ``deserialize_keras_object``: Keras 3 config dicts, loaded safely.

The config layout is Keras 3's: ``{"module", "class_name", "config",
"registered_name"}`` (plus ``"build_config"`` for built layers), with the special
forms ``__numpy__``, ``__tensor__``, ``__bytes__``, ``__slice__``, ``__ellipsis__``
and ``class_name "function"``.

Deserialization is safe by construction:

* a class or function is taken only from the allowlist (:mod:`.allowlist`): xlaflow's
  own objects, ``custom_objects``, active scopes and registered objects. The
  ``"module"`` field is a hint and is **never imported**; an unknown name raises
  ``UnsafeContentError``;
* ``safe_mode`` is an argument of the loading call only. It is kept in a
  thread-local scope while that call runs (so nested ``from_config`` calls see it)
  and nothing a config contains can change it — there is no global switch;
* serialized Python code (Keras' ``__lambda__`` form and the legacy
  ``function_type: "lambda"`` form) is refused in safe mode *before* any class is
  built, wherever in the config it appears. With ``safe_mode=False`` the
  ``__lambda__`` form is decoded (this is the only place ``marshal`` is used);
* a function reference inside a class's config (``{"class_name": "function",
  "module": ..., "config": name}``, e.g. a Lambda's ``function``) is resolved here,
  through the same allowlist, before the class sees it — never by looking the name
  up in a loaded module;
* numpy/tensor literals accept numeric dtypes only.
"""

from __future__ import annotations

import base64
import inspect
import threading
import types
from typing import Any, Mapping

import numpy as np

from xlaflow.saving import allowlist, registry
from xlaflow.saving.errors import LoadError, UnsafeContentError

_PLAIN = (str, int, float, bool, type(None))
_NUMERIC_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16",
                   "bfloat16", "float32", "float64", "complex64", "complex128"}
_DTYPE_POLICIES = {"DTypePolicy", "FloatDTypePolicy", "Policy"}
MAX_DEPTH = 200
# Options newer Keras versions write with their "off" value; dropped when the xlaflow
# class does not take them (any other value is kept, so the class reports it).
_KERAS_ONLY_DEFAULTS = {"quantization_config": None, "lora_rank": None, "lora_alpha": None, "lora_enabled": False,
                        "synchronized": False, "sparse": False, "ragged": False, "optional": False}


class _SafeMode(threading.local):
    def __init__(self) -> None:
        self.stack: list[bool] = []
        self.budget: list[int] = []  # elements a loaded file can hold (see WeightBudget)


_safe = _SafeMode()


class WeightBudget:
    """Inside the block, a layer config whose weights could not fit in ``max_elements``
    values is refused *before* the layer is built.

    A ``.keras`` file stores every weight in ``model.weights.h5``; a config asking for
    a layer larger than that file can hold is either corrupt or an attempt to make the
    loader allocate unbounded memory. The estimate is a lower bound of the layer's
    largest weight (kernel size x input features x units/filters/output_dim;
    input_dim x output_dim), so a genuine file is never refused.
    """

    def __init__(self, max_elements: int):
        self.max_elements = int(max_elements)

    def __enter__(self) -> "WeightBudget":
        _safe.budget.append(self.max_elements)
        return self

    def __exit__(self, *exc: object) -> None:
        _safe.budget.pop()


MIN_BUDGET = 2**20  # small layers are always allowed (cheap, and a stub weights file stays loadable)
_SIZE_KEYS = ("units", "filters", "output_dim", "num_heads", "key_dim", "value_dim", "depth_multiplier")


def _positive_ints(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    return []


def _check_budget(class_name: str, inner: dict, build: Any) -> None:
    if not _safe.budget:
        return
    budget = max(_safe.budget[-1], MIN_BUDGET)
    kernel = 1
    for k in _positive_ints(inner.get("kernel_size")):
        kernel *= max(k, 1)
    shape = _positive_ints(build.get("input_shape")) if isinstance(build, dict) else []
    shape = shape or _positive_ints(inner.get("batch_input_shape"))
    features = max(shape[-1], 1) if shape else 1
    width = max([1] + [v for key in _SIZE_KEYS for v in _positive_ints(inner.get(key))])
    estimate = max(kernel * features * width,
                   max(_positive_ints(inner.get("input_dim")) or [1]) * max(_positive_ints(inner.get("output_dim")) or [1]))
    if estimate > budget:
        raise UnsafeContentError(
            f"The config of {class_name!r} asks for a weight of at least {estimate} values, more than the file's "
            f"weights can hold ({budget}); refusing to build it."
        )


def in_safe_mode() -> bool:
    """Whether the running load is in safe mode (True outside any load)."""
    return _safe.stack[-1] if _safe.stack else True


def loading_safely() -> bool:
    """Whether a safe-mode load is in progress (Keras' ``in_safe_mode()`` inside a load):
    then layers refuse to read files named by a config (a vocabulary file path)."""
    return bool(_safe.stack) and bool(_safe.stack[-1])


class SafeModeScope:
    """Sets safe mode for the loads inside a ``with`` block (used by the loading calls)."""

    def __init__(self, safe_mode: bool = True):
        if not isinstance(safe_mode, bool):
            raise TypeError(f"SafeModeScope: argument `safe_mode` must be a bool. Received: safe_mode={safe_mode!r}")
        self.safe_mode = safe_mode

    def __enter__(self) -> "SafeModeScope":
        _safe.stack.append(self.safe_mode)
        return self

    def __exit__(self, *exc: object) -> None:
        _safe.stack.pop()


# --------------------------------------------------------------------------- serialize
def _build_config(obj: Any) -> dict | None:
    getter = getattr(obj, "get_build_config", None)
    if callable(getter):
        return getter()
    return None


def serialize_keras_object(obj: Any) -> Any:
    """The Keras 3 config of ``obj`` (JSON-able): plain values as they are, objects as
    ``{"module", "class_name", "config", "registered_name"}``.

    Raises:
      ValueError: ``obj`` is a ``lambda`` (its code cannot be saved safely: use a
        named, registered function) or has no ``get_config``.
    """
    if isinstance(obj, _PLAIN):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): serialize_keras_object(v) for k, v in obj.items()}
    if isinstance(obj, bytes):
        return {"class_name": "__bytes__", "config": {"value": obj.decode("utf-8")}}
    if isinstance(obj, slice):
        return {"class_name": "__slice__", "config": {"start": serialize_keras_object(obj.start),
                                                       "stop": serialize_keras_object(obj.stop),
                                                       "step": serialize_keras_object(obj.step)}}
    if obj is Ellipsis:
        return {"class_name": "__ellipsis__", "config": {}}
    from xlaflow._core.dtypes import DType
    from xlaflow.ops.tensor import TensorLike

    if isinstance(obj, DType):
        return obj.name
    if isinstance(obj, TensorLike):
        arr = np.asarray(obj.numpy())
        return {"class_name": "__tensor__", "config": {"value": arr.tolist(), "dtype": arr.dtype.name}}
    if isinstance(obj, (np.ndarray, np.generic)):
        if isinstance(obj, np.ndarray) and obj.ndim > 0:
            return {"class_name": "__numpy__", "config": {"value": obj.tolist(), "dtype": obj.dtype.name}}
        return obj.item()
    if isinstance(obj, types.FunctionType) and obj.__name__ == "<lambda>":
        raise ValueError(
            "serialize_keras_object: cannot serialize a `lambda`: saving Python code would make the file unsafe to "
            "load. Use a named function decorated with `keras.saving.register_keras_serializable()`. "
            f"Received: {obj!r}"
        )
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        public = allowlist.public_module(obj)
        registered = registry.get_registered_name(obj) if registry.is_registered(obj) else None
        return {"module": public or obj.__module__, "class_name": "function",
                "config": registered or obj.__name__, "registered_name": registered or obj.__name__}
    if inspect.isclass(obj):
        raise ValueError(f"serialize_keras_object: expected an object, not a class. Received: {obj!r}")
    if not callable(getattr(obj, "get_config", None)):
        raise ValueError(f"serialize_keras_object: {type(obj).__name__} has no get_config() method. Received: {obj!r:.100}")
    cls = type(obj)
    public = allowlist.public_module(cls)
    registered = registry.get_registered_name(cls) if registry.is_registered(cls) else None
    config = {
        "module": public or cls.__module__,
        "class_name": cls.__name__,
        "config": serialize_keras_object(obj.get_config()),
        "registered_name": registered if registered else (None if public else cls.__name__),
    }
    build = _build_config(obj)
    if build is not None:
        config["build_config"] = serialize_keras_object(build)
    return config


# --------------------------------------------------------------------------- deserialize
def check_no_code(config: Any, depth: int = 0) -> None:
    """Raises ``UnsafeContentError`` if ``config`` contains serialized Python code anywhere.

    Recognizes Keras 3's ``{"class_name": "__lambda__"}`` and the legacy
    ``"function_type": "lambda"`` form (a Lambda layer's base64 bytecode).
    """
    if depth > MAX_DEPTH:
        raise LoadError(f"The config nests deeper than {MAX_DEPTH} levels.")
    if isinstance(config, dict):
        if config.get("class_name") == "__lambda__" or config.get("function_type") == "lambda" \
                or config.get("output_shape_type") == "lambda":
            raise UnsafeContentError(
                "The file contains serialized Python code (a `lambda`, e.g. in a Lambda layer). Loading it could "
                "run arbitrary code, so it is refused in safe mode. If you trust the file's source, pass "
                "`safe_mode=False` to this loading call."
            )
        for value in config.values():
            check_no_code(value, depth + 1)
    elif isinstance(config, (list, tuple)):
        for value in config:
            check_no_code(value, depth + 1)


def _func_load(value: Any) -> Any:
    """Decodes Keras' ``func_dump`` triple ``(code_b64, defaults, closure)`` (unsafe mode only)."""
    import marshal  # only here, only with safe_mode=False

    if isinstance(value, (list, tuple)):
        code, defaults, closure = (list(value) + [None, None])[:3]
    else:
        code, defaults, closure = value, None, None
    raw = base64.decodebytes(code.encode("ascii")) if isinstance(code, str) else code
    code_obj = marshal.loads(raw)
    cells = tuple(types.CellType(c) for c in closure) if closure else None
    return types.FunctionType(code_obj, globals(), name=code_obj.co_name,
                              argdefs=tuple(defaults) if defaults else None, closure=cells)


def _dtype(name: Any, what: str) -> str:
    if not isinstance(name, str) or name not in _NUMERIC_DTYPES:
        raise UnsafeContentError(f"{what}: dtype {name!r} is not an allowed numeric dtype.")
    return name


def _resolve(config: dict, custom_objects: Mapping[str, Any] | None, want_function: bool, prefer: str | None) -> Any:
    class_name = config.get("class_name")
    name = config.get("config") if want_function else class_name
    obj = allowlist.lookup(name, config.get("registered_name"), config.get("module"), custom_objects,
                           want_function=want_function, prefer=prefer)
    if obj is None:
        what = "function" if want_function else "class"
        raise UnsafeContentError(
            f"Could not locate {what} {name!r} (module {config.get('module')!r}, registered name "
            f"{config.get('registered_name')!r}). Loading builds only xlaflow's own objects and objects passed in "
            "`custom_objects` or registered with `keras.saving.register_keras_serializable()`; modules named in a "
            "file are never imported."
        )
    return obj


def _is_custom_config(value: Any, custom_objects: Mapping[str, Any] | None) -> bool:
    """Whether a nested config dict names a user (non-xlaflow) object."""
    if not isinstance(value, dict) or not isinstance(value.get("class_name"), str) or value["class_name"].startswith("__"):
        return False
    key = value["config"] if value["class_name"] == "function" else value["class_name"]
    keys = [k for k in (value.get("registered_name"), key) if isinstance(k, str)]
    scoped = registry.scoped_objects()
    if any((custom_objects and k in custom_objects) or k in scoped or registry.get_registered_object(k) is not None
           for k in keys):
        return True
    want_function = value["class_name"] == "function"
    return isinstance(key, str) and registry.registered_by_class_name(key) is not None \
        and allowlist.builtin(key, value.get("module"), want_function, None) is None


def deserialize_keras_object(config: Any, custom_objects: Mapping[str, Any] | None = None, safe_mode: bool = True,
                             *, prefer: str | None = None, _depth: int = 0) -> Any:
    """The object a Keras 3 config describes, built from allowlisted classes only.

    Args:
      config: a config as written by :func:`serialize_keras_object` (or real Keras 3).
      custom_objects: ``{name: class_or_function}`` for user objects.
      safe_mode: refuse serialized Python code (default). Pass ``False`` only for
        files you trust; the setting lasts for this call only.
      prefer: the family to search first when the config names no module
        (``"layers"``, ``"losses"`` ...).

    Raises:
      UnsafeContentError: the config names something not on the allowlist, or
        contains Python code in safe mode.
      LoadError: the config is malformed.
    """
    if _depth > MAX_DEPTH:
        raise LoadError(f"The config nests deeper than {MAX_DEPTH} levels.")
    if not isinstance(safe_mode, bool):
        raise TypeError(f"deserialize_keras_object: argument `safe_mode` must be a bool. Received: safe_mode={safe_mode!r}")
    if _safe.stack:  # inside a load: the loading call's setting wins, whatever a nested caller passes
        safe_mode = in_safe_mode()
    if safe_mode and _depth == 0:
        check_no_code(config)
    if isinstance(config, _PLAIN):
        return config
    if isinstance(config, (list, tuple)):
        return [deserialize_keras_object(c, custom_objects, safe_mode, prefer=prefer, _depth=_depth + 1) for c in config]
    if not isinstance(config, dict):
        if callable(getattr(config, "get_config", None)) or callable(config):
            return config  # already an object (e.g. a config deserialized once before)
        raise LoadError(f"Could not deserialize {type(config).__name__} value {config!r:.100}.")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, prefer=prefer, _depth=_depth + 1)
                for k, v in config.items()}
    class_name = config["class_name"]
    inner = config.get("config")
    if not isinstance(class_name, str):
        raise LoadError(f"A config's 'class_name' must be a str. Received: {class_name!r:.100}")
    special = _special(class_name, inner, custom_objects, safe_mode, _depth)
    if special is not _NOT_SPECIAL:
        return special
    if class_name == "function":
        if not isinstance(inner, str):
            raise LoadError(f"A function config must name the function as a str. Received: {inner!r:.100}")
        return _resolve(config, custom_objects, want_function=True, prefer=prefer)
    if class_name in _DTYPE_POLICIES and config.get("module") in ("keras", "keras.mixed_precision", None):
        name = inner.get("name") if isinstance(inner, dict) else None
        if not isinstance(name, str):
            raise LoadError(f"A DTypePolicy config must have a 'name'. Received: {inner!r:.100}")
        return name
    if inner is None:
        inner = {}
    if not isinstance(inner, dict):
        raise LoadError(f"The config of {class_name!r} must be a dict. Received: {type(inner).__name__}")
    cls = _resolve(config, custom_objects, want_function=False, prefer=prefer)
    if not inspect.isclass(cls):
        return cls
    if not callable(getattr(cls, "from_config", None)):
        raise LoadError(f"Cannot build {class_name!r}: the class has no from_config().")
    _check_budget(class_name, inner, config.get("build_config"))
    inner = _prepare_inner(cls, inner, custom_objects, safe_mode, _depth)
    with registry.CustomObjectScope(custom_objects or {}), SafeModeScope(safe_mode):
        instance = cls.from_config(inner)
    build = config.get("build_config")
    if isinstance(build, dict) and "input_shape" in build and hasattr(instance, "build") \
            and getattr(instance, "built", True) is False:
        shape = build["input_shape"]
        if not isinstance(shape, (list, tuple)) or not all(d is None or (isinstance(d, int) and 0 <= d < 2**31) for d in shape):
            raise LoadError(f"build_config of {class_name!r}: 'input_shape' must be a list of ints/None. Received: {shape!r:.100}")
        if callable(getattr(instance, "build_from_config", None)):
            instance.build_from_config({"input_shape": list(shape)})
        else:
            instance.build(tuple(shape))
        instance.built = True
    return instance


_NOT_SPECIAL = object()


def _special(class_name: str, inner: Any, custom_objects: Any, safe_mode: bool, depth: int) -> Any:
    if class_name == "__lambda__":
        if safe_mode:
            check_no_code({"class_name": "__lambda__"})
        if not isinstance(inner, dict) or "value" not in inner:
            raise LoadError("A __lambda__ config must have a 'value'.")
        return _func_load(inner["value"])
    if class_name in ("__numpy__", "__tensor__"):
        if not isinstance(inner, dict):
            raise LoadError(f"A {class_name} config must be a dict.")
        arr = np.array(inner.get("value"), dtype=_dtype(inner.get("dtype"), class_name))
        if class_name == "__numpy__":
            return arr
        from xlaflow.ops.convert import convert_to_tensor

        return convert_to_tensor(arr)
    if class_name == "__bytes__":
        if not isinstance(inner, dict) or not isinstance(inner.get("value"), str):
            raise LoadError("A __bytes__ config must hold a str 'value'.")
        return inner["value"].encode("utf-8")
    if class_name == "__ellipsis__":
        return Ellipsis
    if class_name == "__slice__":
        if not isinstance(inner, dict):
            raise LoadError("A __slice__ config must be a dict.")
        parts = [deserialize_keras_object(inner.get(k), custom_objects, safe_mode, _depth=depth + 1)
                 for k in ("start", "stop", "step")]
        if not all(p is None or isinstance(p, int) for p in parts):
            raise LoadError(f"A __slice__ config must hold ints or None. Received: {parts!r:.100}")
        return slice(*parts)
    if class_name.startswith("__"):
        raise UnsafeContentError(f"Config form {class_name!r} is not supported by xlaflow.")
    return _NOT_SPECIAL


def _accepted(cls: type) -> set | None:
    """The keyword arguments ``cls.__init__`` names (None when it takes ``**kwargs`` freely)."""
    try:
        params = inspect.signature(cls.__init__).parameters
    except (TypeError, ValueError):
        return None
    names = {n for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    return names


def _prepare_inner(cls: type, inner: dict, custom_objects: Any, safe_mode: bool, depth: int) -> dict:
    """The inner config with Keras-only forms normalized for xlaflow's ``from_config``:
    a DTypePolicy dict becomes its name, Keras-only options left at their "off" value
    are dropped, and nested configs of *user* objects are built here (xlaflow's own
    nested configs are left to the class, as Keras does)."""
    out = {}
    accepted = _accepted(cls) if str(getattr(cls, "__module__", "")).startswith("xlaflow.") else None
    for key, value in inner.items():
        if accepted is not None and key in _KERAS_ONLY_DEFAULTS and key not in accepted \
                and value == _KERAS_ONLY_DEFAULTS[key]:
            continue
        if isinstance(value, dict) and value.get("class_name") in _DTYPE_POLICIES | {"function", "__lambda__"}:
            # DTypePolicy -> its name; a function reference -> the allowlisted function (never
            # a lookup in loaded modules); serialized code -> refused (safe mode) or decoded.
            value = deserialize_keras_object(value, custom_objects, safe_mode, _depth=depth + 1)
        elif isinstance(value, list) and any(isinstance(v, dict) and v.get("class_name") in ("function", "__lambda__")
                                             for v in value):
            value = [deserialize_keras_object(v, custom_objects, safe_mode, _depth=depth + 1)
                     if isinstance(v, dict) and v.get("class_name") in ("function", "__lambda__") else v for v in value]
        elif _is_custom_config(value, custom_objects):
            value = deserialize_keras_object(value, custom_objects, safe_mode, _depth=depth + 1)
        out[key] = value
    return out
