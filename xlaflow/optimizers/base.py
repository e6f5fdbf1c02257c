"""``Optimizer``: the Keras 3 optimizer base class, a stateful shell around one pure update.

Every optimizer describes its update as an optax transformation (``_transform``) with
Keras' formula. This class supplies everything around it, as Keras does:

* the state, all in non-trainable :class:`~xlaflow.Variable` s so that compiled
  functions carry it: ``iterations``, the learning rate (when it is a number),
  the slot variables (created lazily by :meth:`build` from the transform's
  ``init``), the EMA averages and the gradient accumulators;
* one pure function ``(grads, params, slots, lr, step, averages, accumulators) ->
  (params, slots, step + 1, averages, accumulators)`` that applies gradient scaling,
  accumulation and clipping, Keras' weight decay, the transform and the EMA
  (:meth:`~xlaflow.optimizers.apply.ApplyMixin._pure_step`). Eagerly it runs as **one** ``jax.jit`` program
  for all variables (cached per variable subset and shapes); while a function is
  being traced it is called directly and inlined in the caller's program. Values
  are read and written only through the Variable API.

The learning rate is an *input* of that program (the value of the ``learning_rate``
variable, or a schedule evaluated on ``iterations`` inside it), so
``opt.learning_rate = 0.01`` takes effect at the next step without recompiling.
The ``apply``/``apply_gradients``/``minimize`` front doors live in
:mod:`xlaflow.optimizers.apply`.
"""

from __future__ import annotations

import numbers
import re
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from xlaflow._core import config as _config
from xlaflow._core import state
from xlaflow._core.keys import freeze
from xlaflow.engine import cache, capture, compiler
from xlaflow.engine.program import owned
from xlaflow.ops.tensor import TensorLike, is_traced
from xlaflow.ops.variable import Variable
from xlaflow.optimizers import schedules as _schedules
from xlaflow.optimizers.apply import ApplyMixin

_name_counts: dict[str, int] = {}


def _auto_name(cls_name: str) -> str:
    base = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", cls_name)
    base = re.sub("([a-z])([A-Z])", r"\1_\2", base).lower()
    n = _name_counts.get(base, 0)
    _name_counts[base] = n + 1
    return base if n == 0 else f"{base}_{n}"


def _check_lr_number(owner: str, value: Any) -> float:
    if isinstance(value, TensorLike):
        value = float(np.asarray(value))
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise ValueError(
            f"{owner}: argument `learning_rate` must be a float, a LearningRateSchedule or a callable "
            f"returning the learning rate. Received: learning_rate={value!r}"
        )
    if not value >= 0:
        raise ValueError(f"{owner}: argument `learning_rate` must be >= 0. Received: learning_rate={value!r}")
    return float(value)


def _check_clip(owner: str, arg: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0):
        raise ValueError(f"{owner}: argument `{arg}` must be None or a float >= 0. Received: {arg}={value!r}")


COMMON_ARGS = ("learning_rate", "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema", "ema_momentum",
               "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "name")


def common_args(values: dict) -> dict:
    """The base-class arguments among a subclass constructor's ``locals()``."""
    return {k: values[k] for k in COMMON_ARGS}


class Optimizer(ApplyMixin):
    """Base class of the Keras optimizers (``keras.optimizers.Optimizer``).

    Args:
      learning_rate: a float, a ``LearningRateSchedule`` (called with ``iterations``)
        or a zero-argument callable returning the learning rate.
      weight_decay: if set, each step first does ``v -= v * weight_decay * lr``.
      clipnorm: clip each gradient to this L2 norm.
      clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
      global_clipnorm: clip all gradients together to this global norm.
      use_ema: keep an exponential moving average of the trained variables.
      ema_momentum: the EMA's momentum.
      ema_overwrite_frequency: every this many steps, overwrite the variables with
        their averages (None: only in :meth:`finalize_variable_values`).
      loss_scale_factor: gradients are divided by it before anything else.
      gradient_accumulation_steps: if >= 2, gradients are summed over this many
        calls and the averaged update is applied on every last one (``iterations``
        then counts applied updates).
      name: the optimizer's name.
    """

    # Groups of the transform state's fields, in the order Keras creates the slot
    # variables: fields in one group are created interleaved per variable.
    _slot_layout: tuple[tuple[str, ...], ...] = ()

    def __init__(self, learning_rate: Any, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        if kwargs.pop("decay", None) is not None:
            warnings.warn(f"{owner}: argument `decay` is no longer supported and is ignored.", stacklevel=2)
        if kwargs:
            raise ValueError(f"{owner}: argument(s) not recognized: {kwargs}")
        for arg, value in (("clipnorm", clipnorm), ("clipvalue", clipvalue), ("global_clipnorm", global_clipnorm)):
            _check_clip(owner, arg, value)
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError(
                f"{owner}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}"
            )
        if weight_decay is not None and (isinstance(weight_decay, bool) or not isinstance(weight_decay, numbers.Real)):
            raise ValueError(f"{owner}: argument `weight_decay` must be None or a float. Received: weight_decay={weight_decay!r}")
        if gradient_accumulation_steps is not None and (
            isinstance(gradient_accumulation_steps, bool) or not isinstance(gradient_accumulation_steps, int)
            or gradient_accumulation_steps < 2
        ):
            raise ValueError(
                f"{owner}: argument `gradient_accumulation_steps` must be None or an integer >= 2. "
                f"Received: gradient_accumulation_steps={gradient_accumulation_steps!r}"
            )
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"{owner}: argument `ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
                raise ValueError(
                    f"{owner}: argument `ema_overwrite_frequency` must be an integer >= 1 or None. "
                    f"Received: ema_overwrite_frequency={ema_overwrite_frequency!r}"
                )
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{owner}: argument `name` must be a str. Received: name={name!r}")
        self.name = name or _auto_name(owner)
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.use_ema = bool(use_ema)
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._trainable_variables: list[Variable] = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._slot_vars: dict[tuple[str, int | None], Variable] = {}
        self._field_kinds: dict[str, str] = {}
        self._averages: list[Variable] = []
        self._accumulators: list[Variable] = []
        self._build_variables: list[Variable] = []
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: Any = None
        self._jit_cache: dict[Any, Any] = {}  # fused backward+update programs (see apply.py)
        int_dtype = "int64" if _config.x64_enabled() else "int32"
        self._iterations = Variable(np.zeros((), int_dtype), trainable=False, name="iteration")
        self._lr_var: Variable | None = None
        self._learning_rate: Any = None
        self._set_learning_rate(learning_rate, initial=True)

    # -- hyperparameters ----------------------------------------------------------------
    _hyper_version = 0
    _NOT_HYPER = frozenset({"built", "name", "learning_rate", "lr"})

    def __setattr__(self, name: str, value: Any) -> None:
        # A hyperparameter (clipnorm, beta_1, weight_decay ...) is a Python value the
        # compiled update bakes in: setting one moves the version, which is part of
        # every compiled update's key, so the next step compiles with the new value.
        object.__setattr__(self, name, value)
        if not name.startswith("_") and name not in self._NOT_HYPER:
            self._bump()

    def _bump(self) -> None:
        object.__setattr__(self, "_hyper_version", self._hyper_version + 1)
        self._jit_cache.clear() if "_jit_cache" in self.__dict__ else None

    # -- the algorithm (subclasses) ---------------------------------------------------
    def _transform(self) -> optax.GradientTransformationExtraArgs:
        """The optax transformation with this optimizer's Keras update rule."""
        raise NotImplementedError(f"{type(self).__name__} must implement `_transform()`.")

    # -- learning rate ----------------------------------------------------------------
    def _set_learning_rate(self, learning_rate: Any, initial: bool = False) -> None:
        owner = type(self).__name__
        if isinstance(learning_rate, _schedules.LearningRateSchedule) or (
            callable(learning_rate) and not isinstance(learning_rate, TensorLike)
        ):
            self._learning_rate = learning_rate
            self._lr_var = None
            self._bump()
            return
        if self._lr_var is not None and isinstance(learning_rate, TensorLike) and is_traced(learning_rate._read()):
            # a traced value (set inside a compiled function): no eager check possible
            self._lr_var.assign(learning_rate._read().astype(np.float32))
            return
        value = _check_lr_number(owner, learning_rate)
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule) and not initial:
            raise TypeError(
                f"{owner}: this optimizer was created with a `LearningRateSchedule` as its `learning_rate`, "
                "hence its learning rate is not settable. Create the optimizer with a float `learning_rate` "
                f"if it must be settable. Received: learning_rate={learning_rate!r}"
            )
        if self._lr_var is None:
            self._lr_var = Variable(np.asarray(value, np.float32), trainable=False, name="learning_rate")
            self._learning_rate = self._lr_var
            self._bump()
        else:
            self._lr_var.assign(np.asarray(value, np.float32))

    @property
    def learning_rate(self) -> Any:
        """The current learning rate: the ``learning_rate`` Variable, or the schedule's value now."""
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            return self._learning_rate(self._iterations)
        if self._lr_var is not None:
            return self._lr_var
        return self._learning_rate()

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self._set_learning_rate(learning_rate)

    @property
    def iterations(self) -> Any:
        """How many updates were applied (a non-trainable integer Variable).

        With ``gradient_accumulation_steps`` it is the number of applied (averaged)
        updates, a Tensor: the Variable counts calls.
        """
        if self.gradient_accumulation_steps:
            from xlaflow.ops.binary_ops import floordiv

            return floordiv(self._iterations, self.gradient_accumulation_steps)
        return self._iterations

    @property
    def variables(self) -> list[Variable]:
        """All the optimizer's state Variables, in Keras' order."""
        out = [self._iterations]
        if self._lr_var is not None:
            out.append(self._lr_var)
        return out + self._averages + self._build_variables

    # -- building ---------------------------------------------------------------------
    def build(self, var_list: Any) -> None:
        """Creates the slot variables for ``var_list`` (once; later calls do nothing)."""
        if self.built:
            return
        self._add_variables(list(var_list), first=True)
        self.built = True

    def _add_variables(self, var_list: list, first: bool = False) -> None:
        """Slot variables for ``var_list``: at ``build``, or later for variables an optimizer
        shared by two compiled models meets in the second one (Keras 2's GAN recipe)."""
        owner = type(self).__name__
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"{owner}.build: argument `var_list` must hold xlaflow.Variable objects. Received: {v!r}")
        with capture.init_scope():  # concrete slots, one compiled program for all
            placeholders = [jax.device_put(np.zeros(tuple(v.shape), v.dtype.as_numpy_dtype)) for v in var_list]
            init_state = self._compiled_init()(placeholders)
        start = len(self._trainable_variables)
        for i, v in enumerate(var_list, start):
            self._trainable_variables_indices[id(v)] = i
        self._trainable_variables = self._trainable_variables + var_list
        if self.use_ema:
            self._averages += [self._slot(v, "average", np.zeros(tuple(v.shape), v.dtype.as_numpy_dtype)) for v in var_list]
        if self.gradient_accumulation_steps:
            self._accumulators += [self._slot(v, "gradient_accumulator", np.zeros(tuple(v.shape), v.dtype.as_numpy_dtype))
                                   for v in var_list]
        fields = init_state._fields
        if first:
            self._state_cls = type(init_state)
            for f in fields:
                value = getattr(init_state, f)
                self._field_kinds[f] = "none" if value is None else "list" if isinstance(value, (list, tuple)) else "scalar"
        layout = self._slot_layout or tuple((f,) for f in fields)
        for group in layout:
            group = [f for f in group if self._field_kinds.get(f) == "list"]
            for i, v in enumerate(var_list):
                for f in group:
                    self._slot_vars[(f, start + i)] = self._slot(v, f, np.asarray(getattr(init_state, f)[i]))
        if first:
            for f in fields:
                if self._field_kinds[f] == "scalar":
                    var = Variable(np.asarray(getattr(init_state, f)), trainable=False, name=f)
                    self._slot_vars[(f, None)] = var
                    self._build_variables.append(var)

    def _compiled_init(self) -> Any:
        """The transform's ``init``, compiled once per optimizer class and settings
        (shared by every optimizer configured alike: a second model compiles nothing)."""
        settings = tuple(sorted((k, freeze(v)) for k, v in vars(self).items() if not k.startswith("_") and k not in ("name", "built")))
        transform = self._transform()
        return cache.cached(("optimizer-init", type(self), settings), lambda: compiler.jit(transform.init))

    def _slot(self, ref: Variable, slot: str, value: Any) -> Variable:
        base = re.sub(r":\d+$", "", ref.name).replace("/", "_")
        var = Variable(value, trainable=False, name=f"{base}_{slot}")
        if slot != "average":
            self._build_variables.append(var)
        return var

    def _state_for(self, indices: list[int], donate: bool = False) -> dict:
        """The transform state's fields for the variables ``indices`` (values read now);
        with ``donate``, buffers a compiled call may consume (copies where anything
        besides the slot variable holds one; eager use only)."""
        read = (lambda var: owned(state.storage(var))) if donate else (lambda var: var._read())
        values: dict[str, Any] = {}
        for f, kind in self._field_kinds.items():
            if kind == "none":
                values[f] = None
            elif kind == "scalar":
                values[f] = read(self._slot_vars[(f, None)])
            else:
                values[f] = [read(self._slot_vars[(f, i)]) for i in indices]
        return values

    def _write_state(self, indices: list[int], state: Any) -> None:
        for f, kind in self._field_kinds.items():
            new = getattr(state, f)
            if kind == "scalar":
                self._slot_vars[(f, None)].assign(new)
            elif kind == "list":
                for i, value in zip(indices, new):
                    self._slot_vars[(f, i)].assign(value)

    # -- weight decay -----------------------------------------------------------------
    def exclude_from_weight_decay(self, var_list: Any = None, var_names: Any = None) -> None:
        """Excludes variables (by object, or by a substring/regex of their name) from weight decay."""
        if self.built:
            raise ValueError(f"{type(self).__name__}: `exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_ids = {id(v) for v in (var_list or [])}
        self._exclude_pattern = re.compile("|".join(sorted(set(var_names)))) if var_names else None

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        return not (self._exclude_pattern is not None and re.search(self._exclude_pattern, variable.name))

    # -- serialization ----------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict (Keras' keys)."""
        if isinstance(self._learning_rate, _schedules.LearningRateSchedule):
            lr = _schedules.serialize(self._learning_rate)
        elif self._lr_var is not None:
            lr = float(np.asarray(self._lr_var._read()))
        else:
            lr = self._learning_rate
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "global_clipnorm": self.global_clipnorm,
            "clipvalue": self.clipvalue,
            "use_ema": self.use_ema,
            "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Optimizer":
        """Creates an optimizer from :meth:`get_config`'s output."""
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = _schedules.deserialize(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r} built={self.built}>"
