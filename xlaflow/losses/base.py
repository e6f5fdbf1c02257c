"""The Keras ``Loss`` base class, its reductions and sample-weight handling.

Keras 3 computes a loss in three steps, and so does this module:

1. ``Loss.__call__`` converts ``y_true`` and ``y_pred`` to the loss's dtype (float32);
2. ``call(y_true, y_pred)`` gives one loss value per sample (per position, for
   sequence outputs), and possibly a mask (``SparseCategoricalCrossentropy`` with
   ``ignore_class``);
3. :func:`reduce_weighted_values` multiplies by ``sample_weight`` (after squeezing or
   expanding its last axis to the rank of the values, as Keras does), applies the
   mask and reduces: ``"sum_over_batch_size"``/``"mean"`` divide the weighted sum by
   the number of values, ``"mean_with_sample_weight"`` by the sum of the weights,
   ``"sum"`` does not divide, ``"none"``/``None`` returns the values.

The per-sample formulas (``losses/regression.py`` ...) and the reduction are xlaflow
ops written once in JAX (:func:`loss_op`), so a loss works eagerly, recorded by a
``GradientTape`` (one op each), inside ``xlaflow.function`` and on symbolic inputs.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops import dispatch
from xlaflow.ops.tensor import TensorLike

EPSILON = 1e-7  # keras.backend.epsilon()
REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


class Reduction:
    """tf.keras 2's reduction names (``tf.keras.losses.Reduction.NONE`` ...), kept so
    TF code runs unchanged. ``AUTO`` means ``"sum_over_batch_size"`` outside a
    distribution strategy, as in tf.keras; Keras 3 itself takes only the strings."""

    AUTO = "auto"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple:
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key: Any) -> None:
        if key not in cls.all():
            raise ValueError(f"Reduction: argument `key` must be one of {list(cls.all())}. Received: key={key!r}")


# -- inputs ---------------------------------------------------------------------------
def as_array(value: Any, dtype: Any = None) -> Any:
    """``value`` as a JAX array (or tracer), optionally cast to ``dtype``.

    Host data (NumPy arrays, Python numbers and lists) is narrowed to 32 bits when
    JAX's 64-bit mode is off, silently, as Keras' JAX backend does.
    """
    if isinstance(value, TensorLike):
        arr = value._read()
    elif isinstance(value, (jax.Array, jax.core.Tracer)):
        arr = value
    else:
        return jnp.asarray(host_array(value, dtype))
    if dtype is not None and arr.dtype != _np_dtype(dtype):
        arr = arr.astype(_np_dtype(dtype))
    return arr


def host_array(value: Any, dtype: Any = None) -> np.ndarray:
    """Host data (NumPy, Python numbers and lists) as the NumPy array :func:`as_array`
    would put on the device."""
    host = np.asarray(value)
    if dtype is None:
        python = isinstance(value, (int, float, list, tuple))
        if host.dtype.kind == "f" and host.dtype.itemsize == 8 and (python or not dtypes.x64_enabled()):
            dtype = np.float32
        elif host.dtype.kind in "iu" and host.dtype.itemsize == 8 and (python or not dtypes.x64_enabled()):
            dtype = np.int32
    return host if dtype is None else host.astype(_np_dtype(dtype), copy=False)


def _np_dtype(dtype: Any) -> np.dtype:
    return np.dtype(dtypes.canonical(dtype).as_numpy_dtype)


def loss_input(value: Any, dtype: Any = None) -> Any:
    """``value`` ready to pass to a loss op: tensors stay tensors (cast with a recorded
    ``cast`` op when needed, so tapes differentiate through it); host data becomes a
    32-bit array."""
    if dispatch.is_symbolic(value) or isinstance(value, TensorLike):
        if dtype is not None and value.dtype != dtypes.canonical(dtype):
            from xlaflow.ops.array_ops import cast

            return cast(value, dtype)
        return value
    if value is None:
        return None
    if isinstance(value, (jax.Array, jax.core.Tracer)):
        return as_array(value, dtype)
    return host_array(value, dtype)  # the op's dispatch moves it (or passes it to a compiled call)


def loss_op(name: str, *, tensors: tuple = ("y_true", "y_pred")) -> Callable:
    """Declares a pure-JAX loss formula as an xlaflow op whose host inputs are first
    narrowed to 32 bits (see :func:`as_array`)."""

    def decorate(impl: Callable) -> Callable:
        api = dispatch.op(name, tensors=tensors)(impl)

        @functools.wraps(impl)
        def public(*args: Any, **kwargs: Any) -> Any:
            args = tuple(loss_input(a) if i < len(tensors) else a for i, a in enumerate(args))
            kwargs = {k: loss_input(v) if k in tensors else v for k, v in kwargs.items()}
            return api(*args, **kwargs)

        public.op = api.op  # type: ignore[attr-defined]
        return public

    return decorate


# -- shape rules ----------------------------------------------------------------------
def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple:
    """Keras' rule: when the ranks differ by one and the longer one ends in a size-1
    axis, drop that axis (or, if the shorter one has rank 1, add one to it)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = jnp.expand_dims(x2, -1)
        else:
            x1 = jnp.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = jnp.expand_dims(x1, -1)
        else:
            x2 = jnp.squeeze(x2, -1)
    return x1, x2


def check_broadcast(fn: str, a: Any, b: Any, names: tuple = ("y_true", "y_pred")) -> None:
    """Raises InvalidArgumentError naming ``fn`` when ``a`` and ``b`` cannot broadcast."""
    try:
        np.broadcast_shapes(tuple(a.shape), tuple(b.shape))
    except ValueError:
        raise errors.InvalidArgumentError(
            f"{fn}: arguments `{names[0]}` and `{names[1]}` must have broadcast-compatible shapes. "
            f"Received: {names[0]}.shape={tuple(a.shape)}, {names[1]}.shape={tuple(b.shape)}"
        ) from None


def check_same_shape(fn: str, a: Any, b: Any, names: tuple = ("y_true", "y_pred")) -> None:
    """Raises InvalidArgumentError naming ``fn`` when ``a`` and ``b`` differ in shape."""
    if tuple(a.shape) != tuple(b.shape):
        raise errors.InvalidArgumentError(
            f"{fn}: arguments `{names[0]}` and `{names[1]}` must have the same shape. "
            f"Received: {names[0]}.shape={tuple(a.shape)}, {names[1]}.shape={tuple(b.shape)}"
        )


def prepare(fn: str, y_true: Any, y_pred: Any) -> tuple:
    """``y_true`` cast to ``y_pred``'s dtype, both squeezed/expanded to one rank."""
    y_true = y_true.astype(y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    check_broadcast(fn, y_true, y_pred)
    return y_true, y_pred


# -- reduction ------------------------------------------------------------------------
def standardize_reduction(reduction: Any, owner: str = "Loss") -> Any:
    """Checks ``reduction`` against Keras' allowed values and returns it (tf.keras'
    ``"auto"`` becomes ``"sum_over_batch_size"``)."""
    if reduction == Reduction.AUTO:
        return "sum_over_batch_size"
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"{owner}: argument `reduction` must be one of {list(REDUCTIONS)}. Received: reduction={reduction!r}"
        )
    return reduction


def apply_mask(sample_weight: Any, mask: Any, dtype: Any, reduction: Any) -> Any:
    """Folds a boolean ``mask`` into ``sample_weight`` (JAX arrays). For the averaging
    reductions the kept entries are scaled by ``total / valid`` so the mean runs over
    the valid entries only."""
    if mask is None:
        return sample_weight
    if reduction in ("mean", "sum_over_batch_size"):
        total = jnp.asarray(mask.size, dtype)
        valid = jnp.sum(mask.astype(dtype))
        scale = jnp.where(valid == 0, jnp.zeros((), dtype), total / jnp.where(valid == 0, 1, valid))
        float_mask = jnp.where(mask.astype(bool), scale, jnp.zeros((), dtype))
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight.astype(dtype))
    return sample_weight * float_mask


def _divide_no_nan(a: Any, b: Any) -> Any:
    safe = jnp.where(b == 0, jnp.ones_like(b), b)
    return jnp.where(b == 0, jnp.zeros_like(a), a / safe)


@dispatch.op("KerasReduceWeightedLoss", tensors=("values", "sample_weight", "mask"))
def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """Weights, masks and reduces per-sample loss ``values`` the way Keras 3 does."""
    reduction = standardize_reduction(reduction, "reduce_weighted_values")
    dtype = values.dtype
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        sample_weight = sample_weight.astype(dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        check_broadcast("Loss", values, sample_weight, ("losses", "sample_weight"))
        values = values * sample_weight
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = jnp.sum(values)
    if reduction == "sum":
        return loss
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = jnp.sum(sample_weight).astype(dtype)
    else:
        divisor = jnp.asarray(values.size, dtype)
    return _divide_no_nan(loss, divisor)


# -- the base class -------------------------------------------------------------------
class Loss:
    """Base class of Keras losses: subclass it and implement ``call(y_true, y_pred)``.

    Args:
      name: the loss's name (defaults to the snake-case class name).
      reduction: ``"sum_over_batch_size"`` (default), ``"sum"``, ``"mean"``,
        ``"mean_with_sample_weight"``, ``"none"`` or ``None``.
      dtype: the dtype inputs are converted to (default float32).

    Calling ``loss(y_true, y_pred, sample_weight=None)`` returns the reduced loss.
    """

    def __init__(self, name: str | None = None, reduction: Any = "sum_over_batch_size", dtype: Any = None):
        self.name = name or _snake_case(type(self).__name__)
        self.reduction = standardize_reduction(reduction, type(self).__name__)
        self._dtype = dtypes.as_dtype(dtype or "float32").name

    @property
    def dtype(self) -> str:
        return self._dtype

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = loss_input(y_pred, self.dtype)
        y_true = loss_input(y_true, self.dtype)
        losses, out_mask = self._call_with_mask(y_true, y_pred)
        mask = _and_masks(in_mask, out_mask)
        return reduce_weighted_values(losses, loss_input(sample_weight, self.dtype), mask, reduction=self.reduction)

    def _call_with_mask(self, y_true: Any, y_pred: Any) -> tuple:
        return self.call(y_true, y_pred), None

    def call(self, y_true: Any, y_pred: Any) -> Any:
        """Per-sample losses; subclasses implement it with xlaflow ops."""
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Loss must implement `call(y_true, y_pred)`.")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name} reduction={self.reduction}>"


class LossFunctionWrapper(Loss):
    """A :class:`Loss` made from a function ``fn(y_true, y_pred, **kwargs)``."""

    def __init__(self, fn: Callable, reduction: Any = "sum_over_batch_size", name: str | None = None, dtype: Any = None, **kwargs: Any):
        if not callable(fn):
            raise TypeError(f"LossFunctionWrapper: argument `fn` must be callable. Received: fn={fn!r}")
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true: Any, y_pred: Any) -> Any:
        y_true, y_pred = _same_rank_tensors(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        from xlaflow.losses.registry import serialize

        return {**super().get_config(), "fn": serialize(self.fn), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        from xlaflow.losses.registry import deserialize

        config = dict(config)
        if "fn" in config and cls is LossFunctionWrapper:
            config["fn"] = deserialize(config["fn"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


class _KerasLoss(LossFunctionWrapper):
    """The built-in losses: a fixed function; the config holds only named options."""

    _fn: Callable = staticmethod(lambda y_true, y_pred: None)
    _options: tuple = ()

    def __init__(self, *, reduction: Any, name: str, dtype: Any, **options: Any):
        super().__init__(type(self)._fn, reduction=reduction, name=name, dtype=dtype, **options)
        for k, v in options.items():
            setattr(self, k, v)

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({k: getattr(self, k) for k in self._options})
        return config

    @classmethod
    def from_config(cls, config: dict) -> "Loss":
        return cls(**config)


def _same_rank_tensors(y_true: Any, y_pred: Any) -> tuple:
    """:func:`squeeze_or_expand_to_same_rank` on tensors, with recorded ops."""
    from xlaflow.ops.array_ops import expand_dims, squeeze

    r1, r2 = len(y_true.shape), len(y_pred.shape)
    if r1 == r2 + 1 and y_true.shape[-1] == 1:
        return (y_true, expand_dims(y_pred, -1)) if r2 == 1 else (squeeze(y_true, -1), y_pred)
    if r2 == r1 + 1 and y_pred.shape[-1] == 1:
        return (expand_dims(y_true, -1), y_pred) if r1 == 1 else (y_true, squeeze(y_pred, -1))
    return y_true, y_pred


def _and_masks(a: Any, b: Any) -> Any:
    if a is None:
        return b
    if b is None:
        return a
    from xlaflow.ops.binary_ops import logical_and

    return logical_and(a, b)


def _snake_case(name: str) -> str:
    """Keras' class-name-to-snake-case rule: ``"AUC"`` -> ``"auc"``, ``"KLDivergence"``
    -> ``"kl_divergence"``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
