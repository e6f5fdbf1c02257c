"""``Lambda``: wraps an arbitrary function of tensors as a layer (Keras 3's Lambda).

Configs record a function by reference only — ``{"module", "class_name":
"function", "config": <name>}`` — never its bytecode, and ``from_config`` resolves
such a reference without importing anything: from ``custom_objects`` or from a
module that is already loaded. A ``lambda`` (or a function defined inside another
function) cannot be referenced by name; its config holds a ``__lambda__`` marker
without code. Decoding Keras' serialized ``__lambda__`` bytecode is the job of the
loading functions in :mod:`xlaflow.saving`, which refuse it unless called with
``safe_mode=False``.
"""

from __future__ import annotations

import inspect
import sys
import types
from typing import Any, Callable

from xlaflow.layers.layer import Layer


def _is_named_module_function(fn: Any) -> bool:
    return (isinstance(fn, types.FunctionType) and fn.__name__ != "<lambda>" and "<locals>" not in fn.__qualname__
            and getattr(sys.modules.get(fn.__module__), fn.__name__, None) is fn)


def _serialize_function(fn: Callable) -> dict:
    """A reference to ``fn`` (by module and name) or a code-free ``__lambda__`` marker."""
    if _is_named_module_function(fn):
        return {"module": fn.__module__, "class_name": "function", "config": fn.__name__,
                "registered_name": fn.__name__}
    return {"class_name": "__lambda__", "config": {"name": getattr(fn, "__qualname__", repr(fn))}}


def _resolve_function(config: Any, custom_objects: dict | None, arg: str) -> Any:
    """The function a :func:`_serialize_function` dict refers to; other values pass."""
    if not isinstance(config, dict) or "class_name" not in config:
        return config
    if config["class_name"] == "__lambda__":
        raise ValueError(
            f"Lambda.from_config: argument `{arg}` is a Python lambda (or a nested function), which a config "
            "cannot restore by name. Pass the function in `custom_objects` under a name, or use a named "
            f"module-level function. Received: {config!r:.200}"
        )
    if config["class_name"] != "function" or not isinstance(config.get("config"), str):
        raise ValueError(f"Lambda.from_config: argument `{arg}` must be a function reference. Received: {config!r:.200}")
    name = config["config"]
    custom = custom_objects or {}
    for key in (name, config.get("registered_name")):
        if key in custom:
            return custom[key]
    from xlaflow.saving.registry import get_registered_object

    for key in (config.get("registered_name"), name):
        fn = get_registered_object(key) if key else None
        if callable(fn):
            return fn
    # Otherwise only xlaflow's own functions: a config must never reach os.system & co.
    module_name = str(config.get("module"))
    module = sys.modules.get(module_name) if module_name.split(".")[0] == "xlaflow" else None
    fn = getattr(module, name, None) if module is not None else None
    if not callable(fn):
        raise ValueError(
            f"Lambda.from_config: function {name!r} of module {config.get('module')!r} is not one of xlaflow's, "
            f"registered, or in `custom_objects`; pass it in `custom_objects`. Received: {config!r:.200}"
        )
    return fn


class Lambda(Layer):
    """Calls ``function(inputs, **arguments)`` as a layer.

    Args:
      function: the function to call; it receives ``mask``/``training`` too when its
        signature names them.
      output_shape: the output shape without the batch dimension (a tuple, or a
        function of the input shape); inferred by tracing ``function`` when None.
      mask: the output mask, or a function ``(inputs, mask) -> mask``.
      arguments: extra keyword arguments for ``function``.

    ``get_config`` records ``function`` by name only, for a plain named module-level
    function; configs never contain bytecode (see the module docstring).
    """

    def __init__(self, function: Callable, output_shape: Any = None, mask: Any = None, arguments: dict | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda: argument `function` must be callable. Received: function={function!r:.100}")
        if arguments is not None and not isinstance(arguments, dict):
            raise TypeError(f"Lambda: argument `arguments` must be a dict or None. Received: arguments={arguments!r:.100}")
        self.function = function
        self.arguments = dict(arguments or {})
        self.mask = mask
        self.supports_masking = mask is not None
        if isinstance(output_shape, list) and all(d is None or isinstance(d, int) for d in output_shape):
            output_shape = tuple(output_shape)
        self._output_shape = output_shape
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params

    def call(self, inputs: Any, mask: Any = None, training: Any = None) -> Any:
        kwargs = dict(self.arguments)
        if self._fn_expects_mask_arg:
            kwargs["mask"] = mask
        if self._fn_expects_training_arg:
            kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self._output_shape is None:
            try:
                return super().compute_output_shape(input_shape)
            except Exception as e:  # noqa: BLE001 - any failure of the user's function
                raise NotImplementedError(
                    f'Lambda "{self.name}": could not infer the output shape of the function ({type(e).__name__}: '
                    f"{e}). Pass the `output_shape` argument. Received: input_shape={tuple(input_shape)}"
                ) from None
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        return (tuple(input_shape)[0],) + tuple(self._output_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config["function"] = _serialize_function(self.function)
        if self._output_shape is not None:
            config["output_shape"] = (_serialize_function(self._output_shape) if callable(self._output_shape)
                                      else self._output_shape)
        if self.mask is not None:
            config["mask"] = _serialize_function(self.mask) if callable(self.mask) else self.mask
        config["arguments"] = dict(self.arguments)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Lambda":
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            if key in config:
                config[key] = _resolve_function(config[key], custom_objects, key)
        return cls(**config)
