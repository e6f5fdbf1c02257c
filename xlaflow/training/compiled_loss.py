"""``CompiledLoss``: what ``compile(loss=..., loss_weights=...)`` turns into.

It resolves loss identifiers (strings, functions, ``Loss`` objects) once, matches
them to the model's outputs (one loss for every output, a list in output order, or
a dict by output name, as Keras 3 does) and computes the total training loss:
``sum(loss_weight_i * loss_i) + sum(model.losses)``.

Padding: the training core pads a ragged batch with dummy rows and passes their
``row_mask`` (1 real, 0 padding). Padded rows get sample weight 0, and the averaging
reductions are rescaled from "divide by the padded row count" to "divide by the real
row count", so a padded batch has exactly the loss of the unpadded one.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow.losses import registry as loss_registry
from xlaflow.losses.base import Loss, LossFunctionWrapper
from xlaflow.ops import dispatch
from xlaflow.ops.tensor import Tensor, TensorLike

_AVERAGING = ("sum_over_batch_size", "mean")
_CATEGORICAL = {"categorical_crossentropy", "CategoricalCrossentropy", "categorical_focal_crossentropy",
                "CategoricalFocalCrossentropy", "categorical_hinge", "CategoricalHinge"}


def resolve_loss(identifier: Any, owner: str = "compile") -> Loss | None:
    """A ``Loss`` object for ``identifier`` (functions are wrapped, as Keras does)."""
    if identifier is None:
        return None
    try:
        obj = loss_registry.get(identifier)
    except ValueError as e:
        raise ValueError(f"{owner}: argument `loss`: {e}") from None
    if isinstance(obj, Loss):
        return obj
    if callable(obj):
        return LossFunctionWrapper(obj, name=getattr(obj, "__name__", None))
    raise ValueError(f"{owner}: argument `loss` must be a loss name, function or Loss. Received: loss={identifier!r}")


def _loss_name(loss: Loss) -> str:
    fn = getattr(loss, "fn", None)
    return getattr(fn, "__name__", None) or type(loss).__name__


def check_labels(loss: Loss, y_true: Any, y_pred: Any, output: str) -> None:
    """Raises a clear error for integer class labels given to a categorical loss."""
    if _loss_name(loss) not in _CATEGORICAL:
        return
    t_shape, p_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if not p_shape or p_shape[-1] == 1:
        return
    if len(t_shape) < len(p_shape) or (t_shape and t_shape[-1] == 1):
        raise ValueError(
            f"fit/train_on_batch: argument `y`{output} has shape {t_shape}, which looks like integer class labels, "
            f"but the loss {_loss_name(loss)!r} expects one-hot targets of the output's shape {p_shape}. Use "
            "loss='sparse_categorical_crossentropy' for integer labels, or one-hot encode them with "
            "keras.utils.to_categorical(y, num_classes)."
        )
    if t_shape[-1] != p_shape[-1]:
        raise ValueError(
            f"fit/train_on_batch: argument `y`{output} has shape {t_shape}, but the model's output has shape "
            f"{p_shape}: the last dimensions must match for the loss {_loss_name(loss)!r}."
        )


class CompiledLoss:
    """The losses of a compiled model, matched to its outputs.

    Args:
      loss: a loss identifier, or a list/dict of them (one per output).
      loss_weights: None, a list, or a dict of scalar weights per output.
    """

    def __init__(self, loss: Any, loss_weights: Any = None):
        self._spec = loss
        self._weights_spec = loss_weights
        self.losses: list[Loss | None] | None = None  # per flattened output, once built
        self.weights: list[float] = []
        self.names: list[str] = []
        self.tracker: Any = None  # the model's loss tracker (Keras 2's compiled_loss updates it)
        self._op: Any = None

    def build(self, y_pred: Any, output_names: list[str]) -> None:
        """Matches the losses to the flattened outputs ``y_pred`` (shapes only)."""
        leaves = jax.tree_util.tree_leaves(y_pred, is_leaf=lambda t: isinstance(t, TensorLike))
        n = len(leaves)
        spec, wspec = self._spec, self._weights_spec
        if isinstance(spec, dict):
            unknown = set(spec) - set(output_names)
            if unknown:
                raise ValueError(f"compile: argument `loss` has keys {sorted(unknown)} that are not outputs of the model. "
                                 f"Outputs: {output_names}")
            specs = [spec.get(name) for name in output_names]
        elif isinstance(spec, (list, tuple)):
            if len(spec) != n:
                raise ValueError(f"compile: argument `loss` is a list of {len(spec)} losses but the model has {n} outputs. "
                                 f"Received: loss={spec!r}")
            specs = list(spec)
        else:
            specs = [spec] * n
        self.losses = [resolve_loss(s) for s in specs]
        if wspec is None:
            self.weights = [1.0] * n
        elif isinstance(wspec, dict):
            self.weights = [float(wspec.get(name, 1.0)) for name in output_names]
        elif isinstance(wspec, (list, tuple)):
            if len(wspec) != n:
                raise ValueError(f"compile: argument `loss_weights` has {len(wspec)} entries for {n} outputs. "
                                 f"Received: loss_weights={wspec!r}")
            self.weights = [float(w) for w in wspec]
        else:
            self.weights = [float(wspec)] * n
        self.names = list(output_names)

    def compute(self, y_true: list, y_pred: list, sample_weight: list, row_mask: Any, regularization: list) -> tuple:
        """The total loss and the per-output losses (flattened outputs; arrays)."""
        total = jnp.zeros((), jnp.float32)
        per_output = []
        for i, (loss, w) in enumerate(zip(self.losses, self.weights)):
            if loss is None or y_true[i] is None:
                per_output.append(None)
                continue
            sw = sample_weight[i]
            if row_mask is not None:
                sw = row_mask if sw is None else sw * _expand(row_mask, sw)
            value = loss(y_true[i], y_pred[i], sample_weight=None if sw is None else Tensor._wrap(sw))._read()
            if row_mask is not None and loss.reduction in _AVERAGING:
                # averaged over padded rows: rescale to the real rows
                value = value * (row_mask.shape[0] / jnp.maximum(jnp.sum(row_mask), 1.0))
            per_output.append(value)
            total = total + w * value.astype(jnp.float32)
        for r in regularization:
            total = total + jnp.sum(r._read() if isinstance(r, TensorLike) else r).astype(jnp.float32)
        return total, per_output


    # -- the Keras API a custom train_step calls ----------------------------------------
    def keras_loss(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        """Keras 3's compiled loss of one batch (nested ``y``/``y_pred`` as the model's
        outputs); builds on first use. A float32 scalar Tensor, or None with no loss."""
        preds = jax.tree_util.tree_leaves(y_pred, is_leaf=lambda t: isinstance(t, TensorLike))
        if self.losses is None:
            names = sorted(y_pred) if isinstance(y_pred, dict) else (
                ["output"] if len(preds) == 1 else [f"output_{i}" for i in range(len(preds))])
            self.build(y_pred, names)
        if all(loss is None for loss in self.losses):
            return None
        trues = jax.tree_util.tree_leaves(y_true, is_leaf=lambda t: t is None or isinstance(t, TensorLike))
        if len(trues) != len(preds):
            raise ValueError(f"compiled loss: argument `y_true` has {len(trues)} arrays but `y_pred` has {len(preds)}")
        weights = jax.tree_util.tree_leaves(sample_weight, is_leaf=lambda t: isinstance(t, TensorLike))
        weights = [None] * len(preds) if sample_weight is None else weights * len(preds) if len(weights) == 1 else weights
        if self._op is None:  # one recorded op, so a GradientTape in the step differentiates it
            def compiled_loss(y_true, y_pred, sample_weight):
                return self.compute(list(y_true), list(y_pred), list(sample_weight), None, [])[0]

            self._op = dispatch.Op("CompiledLoss", compiled_loss, ("y_true", "y_pred", "sample_weight"),
                                   ("y_true", "y_pred", "sample_weight"), (), jit=False)
        return dispatch.call(self._op, (trues, preds, weights), {})

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None, regularization_losses: Any = None) -> Any:
        """Keras 2's ``model.compiled_loss(...)``: the compiled loss plus
        ``regularization_losses``; updates the ``loss`` tracker, as Keras 2 did."""
        total = self.keras_loss(y_true, y_pred, sample_weight)
        total = Tensor._wrap(jnp.zeros((), jnp.float32)) if total is None else total
        for r in regularization_losses or []:
            total = total + Tensor._wrap(jnp.sum(r._read() if isinstance(r, TensorLike) else jnp.asarray(r)).astype(jnp.float32))
        if self.tracker is not None:
            rows = jax.tree_util.tree_leaves(y_pred, is_leaf=lambda t: isinstance(t, TensorLike))[0]
            self.tracker.update_state(total, sample_weight=Tensor._wrap(jnp.asarray(rows.shape[0], jnp.float32)))
        return total


def _expand(mask: Any, like: Any) -> Any:
    return mask.reshape(mask.shape + (1,) * (like.ndim - 1))
