"""``Model``: a layer with training-facing extras (Keras' ``keras.Model``).

Subclass it and define ``call(self, inputs, training=None)``; sub-layers assigned to
attributes are tracked, so ``trainable_variables`` covers them. ``summary()`` prints
the layer table with output shapes and parameter counts. ``compile``/``fit``/
``train_on_batch`` ... come from :class:`~xlaflow.training.Trainer` (through
:class:`~xlaflow.models.string_inputs.StringInputsMixin`, which runs a host
preprocessing head such as ``TextVectorization`` on raw string inputs).
"""

from __future__ import annotations

from typing import Any, Callable

from xlaflow.layers.layer import Layer
from xlaflow.models.string_inputs import StringInputsMixin
from xlaflow.models.summary import print_summary
from xlaflow.saving.mixin import SavingMixin
from xlaflow.training import Trainer


class Model(StringInputsMixin, Trainer, SavingMixin, Layer):
    """A trainable stack of layers (subclass it, or use :class:`Sequential`).

    ``Model(inputs, outputs)`` (the Functional API) returns a
    :class:`~xlaflow.models.functional.Functional` model, as in Keras 3.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        if cls is Model and _functional_arguments(args, kwargs):
            from xlaflow.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args: Any, **kwargs: Any):
        if _functional_arguments(args, kwargs):
            # a subclass whose constructor calls super().__init__(inputs, outputs) (Keras 3):
            # it becomes a functional model that keeps its own methods
            from xlaflow.models.functional import Functional

            if not isinstance(self, Functional):
                object.__setattr__(self, "__class__", _functional_subclass(type(self)))
            Functional.__init__(self, *args, **kwargs)
            return
        super().__init__(*args, **kwargs)

    @property
    def layers(self) -> list[Layer]:
        return list(self._layers)

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The sub-layer with ``name`` or at ``index``."""
        if index is not None:
            layers = self.layers  # (Keras indexes model.layers: a Sequential's InputLayer is not counted)
            if not -len(layers) <= index < len(layers):
                raise ValueError(f"Model {self.name}: get_layer index {index} is out of range for {len(layers)} layers")
            return layers[index]
        for layer in self._layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"Model {self.name}: no layer named {name!r}. Received: name={name!r}; layers: {[l.name for l in self._layers]}"
        )

    def summary(self, line_length: int | None = None, positions: Any = None, print_fn: Callable[[str], Any] | None = None,
                expand_nested: bool = False, show_trainable: bool = False, layer_range: Any = None) -> None:
        """Prints each layer's output shape and parameter count, and the totals."""
        print_summary(self, print_fn=print_fn, line_length=line_length)

    # -- configuration (Keras 3) ---------------------------------------------------------
    def get_config(self) -> dict:
        """``{"name", "trainable", "dtype"}`` plus, for a subclassed model whose
        constructor took only plain JSON values, those arguments (Keras 3's auto config)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype.name}
        auto = getattr(self, "_auto_config", None)
        if auto is not None and type(self) is not Model:
            config.update(auto)
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Model":
        """Calls the constructor with the config's arguments (a subclassed model's auto config)."""
        if not isinstance(config, dict):
            raise TypeError(f"{cls.__name__}.from_config: argument `config` must be a dict. Received: {config!r:.100}")
        if "input_layers" in config and "output_layers" in config:
            from xlaflow.models.functional_config import functional_from_config

            return functional_from_config(cls, config, custom_objects)
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"{cls.__name__}.from_config: unable to revive the model from its config: {e}. A subclassed model "
                "whose constructor takes other arguments must override get_config() and from_config(). "
                f"Received: config={config!r:.200}"
            ) from e


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Whether ``Model(...)`` was given functional ``inputs`` and ``outputs`` (Keras 3's test)."""
    return len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or ("inputs" in kwargs and "outputs" in kwargs)


_FUNCTIONAL_SUBCLASSES: dict = {}


def _functional_subclass(cls: type) -> type:
    """``cls`` with :class:`Functional` mixed in (made once per class)."""
    from xlaflow.models.functional import Functional

    made = _FUNCTIONAL_SUBCLASSES.get(cls)
    if made is None:
        made = _FUNCTIONAL_SUBCLASSES[cls] = type(cls.__name__, (cls, Functional),
                                                  {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
    return made
