"""The Keras 3 step API of ``Model``: ``train_step``, ``test_step``, ``predict_step``,
``compute_loss``, ``compute_metrics``, and the Keras 2 spellings custom steps use.

``fit``/``evaluate``/``predict`` and the ``*_on_batch`` calls run the built-in steps
(:mod:`xlaflow.training.steps`) unless a subclass overrides one of these methods;
then its own method is traced into the same compiled engine step
(:meth:`StepAPI.has_custom_step`). The defaults here are Keras 3's, written with
xlaflow's public API, so an override can call ``super().train_step(data)`` and gets
the same numbers as the built-in step.

Keras 2 spellings also work inside a custom step: ``self.compiled_loss(y, y_pred,
sample_weight, regularization_losses=self.losses)`` (which, as in Keras 2, also
updates the ``loss`` tracker), ``self.compiled_metrics.update_state(y, y_pred)``,
``self.optimizer.minimize(loss, var_list, tape=tape)`` and returning
``{m.name: m.result() for m in self.metrics}``.
"""

from __future__ import annotations

from typing import Any

import jax

from xlaflow.metrics.base import Metric
from xlaflow.ops.tensor import TensorLike
from xlaflow.utils.packing import unpack_x_y_sample_weight


def _rows(x: Any) -> Any:
    from xlaflow.ops.array_ops import shape

    first = jax.tree_util.tree_leaves(x, is_leaf=lambda t: isinstance(t, TensorLike))[0]
    return shape(first)[0] if isinstance(first, TensorLike) else len(first)


class StepAPI:
    """Mixed into ``Trainer``: the methods a subclass may override (module docstring)."""

    _STEP_METHODS = ("train_step", "test_step", "predict_step")

    def has_custom_step(self, kind: str | None = None) -> bool:
        """Whether a subclass overrides ``<kind>_step`` (any step when ``kind`` is None),
        ``compute_loss`` or ``compute_metrics`` (those change the built-in steps too)."""
        names = self._STEP_METHODS if kind is None else (f"{kind}_step",)
        names = (*names, "compute_loss", "compute_metrics") if kind != "predict" else names
        return any(getattr(type(self), n) is not getattr(StepAPI, n) for n in names)

    # -- the default steps (Keras 3) ------------------------------------------------------
    def train_step(self, data: Any) -> dict:
        """One training step on ``data`` (``x``, ``(x, y)`` or ``(x, y, sample_weight)``);
        returns the logs: every metric's result."""
        from xlaflow.autodiff import GradientTape

        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.update_state(loss, sample_weight=_rows(x))
        trainable = self._step_trainable_weights()
        if trainable:
            grads = tape.gradient(loss, trainable)
            self.optimizer.apply_gradients(zip(grads, trainable))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data: Any) -> dict:
        """One evaluation step on ``data``; returns the logs."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self._call_compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss, sample_weight=_rows(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data: Any) -> Any:
        """The model's outputs for the ``x`` of ``data``."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, sample_weight: Any = None,
                     training: bool = True) -> Any:
        """The total loss: the compiled loss plus every loss added by the layers (a
        float32 scalar; 0 when there is none)."""
        from xlaflow.ops.array_ops import cast
        from xlaflow.ops.creation_ops import zeros
        from xlaflow.ops.reduce_ops import reduce_sum

        total = None
        compiled = getattr(self, "compiled_loss", None)
        if compiled is not None and y is not None:
            total = compiled.keras_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            extra = cast(reduce_sum(extra), "float32")
            total = extra if total is None else total + extra
        return zeros(()) if total is None else total

    def compute_metrics(self, x: Any, y: Any, y_pred: Any, sample_weight: Any = None) -> dict:
        """Updates the compiled metrics with this batch; returns every metric's result."""
        if self.compiled_metrics is not None:
            self.compiled_metrics.update_state(y, y_pred, sample_weight=sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """``{name: result}`` of ``self.metrics`` (a metric returning a dict adds its keys)."""
        out: dict = {}
        for metric in self.metrics:
            result = metric.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[metric.name] = result
        return out

    # -- helpers ----------------------------------------------------------------------------
    def _call_compute_loss(self, x: Any, y: Any, y_pred: Any, sample_weight: Any, training: bool) -> Any:
        import inspect

        if "training" in inspect.signature(self.compute_loss).parameters:
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)  # overrides before Keras 3.3

    def _step_trainable_weights(self) -> list:
        snapshot = getattr(self, "_trainable_snapshot", None)
        if snapshot is None:
            return list(self.trainable_weights)
        from xlaflow.training.trainer import _captured_trainable

        return _captured_trainable(self, snapshot)

    def _tracked_metrics(self) -> list:
        """Metric objects assigned as attributes of the model (Keras 3 tracks them)."""
        return [v for k, v in vars(self).items() if isinstance(v, Metric) and not k.startswith("_")]
