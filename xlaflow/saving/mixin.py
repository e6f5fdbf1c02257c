"""``SavingMixin``: ``save`` / ``save_weights`` / ``load_weights`` and the build config on ``Model``.

``Model`` inherits this mixin, so every model (``Sequential`` or subclassed) gets
Keras 3's saving methods; the work is done in :mod:`.keras_file`. The mixin also
records what a subclassed model needs to be rebuilt from a config:

* the constructor's arguments, when they are all plain JSON values (Keras 3's
  "auto config": ``get_config()`` of a subclassed model returns them, so
  ``from_config`` can call the constructor again);
* the input shape of the first build (``get_build_config()``); on load,
  ``build_from_config`` calls the model once on zeros of that shape so that the
  sub-layers create their variables before the weights are assigned.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import numpy as np

_JSON_TYPES = (str, int, float, bool, type(None))


def _is_json(value: Any, depth: int = 0) -> bool:
    if depth > 20:
        return False
    if isinstance(value, _JSON_TYPES):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_json(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_json(v, depth + 1) for k, v in value.items())
    return False


class SavingMixin:
    """Keras 3's saving methods for models (mixed into :class:`xlaflow.models.Model`)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        obj = super().__new__(cls)
        auto = None
        try:
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
            arguments = dict(bound.arguments)
            arguments.pop(next(iter(inspect.signature(cls.__init__).parameters)), None)  # self
            for name, param in inspect.signature(cls.__init__).parameters.items():
                if param.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
                    arguments.update(arguments.pop(name))
                elif param.kind is inspect.Parameter.VAR_POSITIONAL and name in arguments:
                    if arguments.pop(name):
                        raise TypeError("positional varargs")
            if _is_json(arguments):
                auto = arguments
        except (TypeError, ValueError):
            auto = None
        object.__setattr__(obj, "_auto_config", auto)
        return obj

    # -- build config ---------------------------------------------------------------------
    def build(self, input_shape: Any = None) -> None:  # records the shape; Layer.build does the rest
        if input_shape is not None:
            object.__setattr__(self, "_build_input_shape", input_shape)
        super().build(input_shape)

    def get_build_config(self) -> dict | None:
        """``{"input_shape": ...}`` once the model is built from a known input shape (Keras 3)."""
        if not getattr(self, "built", False):
            return None
        shape = getattr(self, "_input_shape", None) or getattr(self, "_build_input_shape", None)
        if shape is None:
            return None
        return {"input_shape": _as_lists(shape)}

    def build_from_config(self, config: dict) -> None:
        """Builds the model (and every sub-layer) for ``config["input_shape"]``."""
        shape = config.get("input_shape") if isinstance(config, dict) else None
        if shape is None:
            return
        if type(self).__name__ == "Sequential" or hasattr(self, "_output_shapes"):
            self.build(tuple(shape))
            return
        dummy = _zeros_like_shape(shape)
        self(dummy, training=False)
        self.built = True

    # -- saving ---------------------------------------------------------------------------
    def save(self, filepath: str | os.PathLike, overwrite: bool = True, zipped: bool | None = None, **kwargs: Any) -> None:
        """Saves the model (config, weights, optimizer state) to a ``.keras`` file, atomically.

        Load it with ``keras.models.load_model(filepath)`` — in xlaflow or in Keras 3.
        """
        from xlaflow.saving import keras_file

        keras_file.save_model(self, filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True, max_shard_size: Any = None) -> None:
        """Saves every variable (and the optimizer's state) to a ``.weights.h5`` file, atomically."""
        from xlaflow.saving import keras_file

        keras_file.save_weights(self, filepath, overwrite=overwrite, max_shard_size=max_shard_size)

    def load_weights(self, filepath: str | os.PathLike, skip_mismatch: bool = False, **kwargs: Any) -> None:
        """Loads weights saved by :meth:`save_weights` or :meth:`save` (xlaflow or Keras 3).

        Raises:
          LoadError: the file is unsafe, corrupted, or does not match the model.
        """
        from xlaflow.saving import keras_file

        if kwargs:
            raise TypeError(f"Model.load_weights: unexpected keyword arguments {sorted(kwargs)}. Received: {kwargs!r}")
        keras_file.load_weights(self, filepath, skip_mismatch=skip_mismatch)


def _as_lists(shape: Any) -> Any:
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, (int, np.integer)) for d in shape):
        return [None if d is None else int(d) for d in shape]
    if isinstance(shape, dict):
        return {k: _as_lists(v) for k, v in shape.items()}
    if isinstance(shape, (list, tuple)):
        return [_as_lists(s) for s in shape]
    return shape


def _zeros_like_shape(shape: Any) -> Any:
    if isinstance(shape, (list, tuple)) and all(d is None or isinstance(d, int) for d in shape):
        return np.zeros([1 if d is None else d for d in shape], np.float32)
    if isinstance(shape, dict):
        return {k: _zeros_like_shape(v) for k, v in shape.items()}
    return [_zeros_like_shape(s) for s in shape]
