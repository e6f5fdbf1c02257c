"""``Trainer``: ``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods.

``Model`` inherits them from this mixin. Everything runs through the three steps of
:mod:`xlaflow.training.steps`, compiled by the engine's
:class:`~xlaflow.engine.program.StatefulProgram` (one per step kind, per compile):

* ``train_on_batch``/``test_on_batch``/``predict_on_batch`` run one step on the batch,
  padded to a power-of-two bucket with a row mask when its size is not one already
  (so a loop over random batch sizes compiles a handful of programs, not one per
  size). They return Python floats; inside an ``xlaflow.function`` they run inline
  and return Tensors.
* ``fit``/``evaluate``/``predict`` on arrays keep the data on the device and run
  several steps per dispatch (``steps_per_execution``; automatic by default: one
  dispatch per batch when a callback needs per-batch hooks, else up to
  ``AUTO_STEPS_PER_EXECUTION``); on datasets and generators, one step per batch.
  ``predict``/``predict_on_batch`` also work on a model that was never compiled.

``compile`` captures which weights are trainable (``layer.trainable`` at that moment),
as Keras does: toggling ``trainable`` afterwards changes nothing until the next
``compile`` (the GAN pattern relies on this).
"""

from __future__ import annotations

import functools
import numbers
from typing import Any

import jax
import numpy as np

from xlaflow._core import state
from xlaflow.engine.program import StatefulProgram
from xlaflow.metrics.reduction import Mean
from xlaflow.ops import rng
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.optimizers import registry as optimizer_registry
from xlaflow.training import data
from xlaflow.training.compiled_loss import CompiledLoss, check_labels
from xlaflow.training.compiled_metrics import CompiledMetrics
from xlaflow.training.host_rows import HostRows
from xlaflow.training.fitting import FitMixin
from xlaflow.training.step_api import StepAPI
from xlaflow.training.steps import Steps


@functools.lru_cache(maxsize=64)
def _device_mask(n: int, size: int) -> Any:
    """The row mask of ``n`` real rows padded to ``size``, on the device once (it never changes)."""
    return jax.device_put(data.row_mask(n, size))


def _captured_trainable(model: Any, snapshot: dict) -> list:
    """The model's trainable weights under the ``trainable`` flags recorded in ``snapshot``."""
    flag = lambda layer: snapshot.get(id(layer), layer._trainable)  # noqa: E731
    if not flag(model):
        return []
    out: list = []
    for layer in model._flatten_layers():
        if flag(layer):
            out += [w for w in layer._weights if w.trainable and all(w is not o for o in out)]
    return out


class Trainer(StepAPI, FitMixin):
    """The training half of ``keras.Model`` (see the module docstring)."""

    _compiled = False
    _steps: Steps | None = None
    _programs: dict = {}
    run_eagerly = False
    stop_training = False
    history: Any = None

    # -- compile ------------------------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: Any = "auto",
                jit_compile: Any = "auto", auto_scale_loss: bool = True) -> None:
        """Configures the model for training (Keras 3 ``Model.compile``)."""
        name = type(self).__name__
        try:
            self.optimizer = optimizer_registry.get(optimizer)
        except (ValueError, TypeError) as e:
            raise ValueError(f"{name}.compile: argument `optimizer`: {e}") from None
        if steps_per_execution not in ("auto", None) and (
            isinstance(steps_per_execution, bool) or not isinstance(steps_per_execution, numbers.Integral)
            or steps_per_execution < 1
        ):
            raise ValueError(f"{name}.compile: argument `steps_per_execution` must be 'auto' or an integer >= 1. "
                             f"Received: steps_per_execution={steps_per_execution!r}")
        if loss is not None and not isinstance(loss, (dict, list, tuple)):
            from xlaflow.training.compiled_loss import resolve_loss

            resolve_loss(loss, f"{name}.compile")  # fail now on an unknown loss name
        self.loss = loss
        self._compile_args = {"optimizer": optimizer, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                              "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
                              "steps_per_execution": steps_per_execution, "jit_compile": jit_compile}
        self.compiled_loss = CompiledLoss(loss, loss_weights)
        self.compiled_metrics = CompiledMetrics(metrics, weighted_metrics)
        self._loss_tracker = Mean(name="loss")
        self.compiled_loss.tracker = self._loss_tracker
        self.compiled_metrics.loss_source = self.compiled_loss
        # jit_compile=False is accepted (Keras files saved on TF carry it): XLA compiles the
        # step all the same; run_eagerly=True is what runs it op by op.
        self.run_eagerly = bool(run_eagerly)
        self.steps_per_execution = steps_per_execution
        self._trainable_snapshot = {id(layer): layer._trainable for layer in self._flatten_layers()}
        self._steps: Steps | None = None
        self._programs: dict[str, StatefulProgram] = {}
        self._output_loss_trackers: list = []
        self._compiled = True
        self.stop_training = False

    def get_compile_config(self) -> dict | None:
        """The arguments ``compile`` was called with (Keras 3), or None."""
        return dict(self._compile_args) if self._compiled else None

    def compile_from_config(self, config: dict) -> None:
        """Compiles with the arguments :meth:`get_compile_config` returned, as objects or as
        serialized Keras configs (``{"class_name": ..., "config": ...}``, built by the safe loader)."""
        from xlaflow.saving import deserialize_keras_object

        def build(value: Any) -> Any:
            if isinstance(value, dict) and "class_name" in value:
                return deserialize_keras_object(value)
            if isinstance(value, dict):
                return {k: build(v) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(build(v) for v in value)
            return value

        self.compile(**{k: build(v) for k, v in config.items()})

    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, then the Metric objects assigned as the
        model's attributes (Keras 3's ``model.metrics``)."""
        tracked = self._tracked_metrics()
        if not self._compiled:
            return tracked
        per_output = [t for t in getattr(self, "_output_loss_trackers", []) if t is not None]
        compiled = [self.compiled_metrics] if self.compiled_metrics.has_metrics else []
        return [self._loss_tracker] + per_output + compiled + tracked

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        """Resets the loss tracker and every metric."""
        for m in self.metrics:
            m.reset_state()

    def _assert_compiled(self, method: str) -> None:
        if not self._compiled:
            raise RuntimeError(f"{type(self).__name__}.{method}: you must call `compile()` before `{method}()`, e.g. "
                               "model.compile(optimizer='adam', loss='mse').")

    # -- lazy setup on the first batch --------------------------------------------------
    def _output_names(self, n: int) -> list[str]:
        names = getattr(self, "output_names", None)
        if names and len(names) == n:
            return list(names)
        return ["output"] if n == 1 else [f"output_{i}" for i in range(n)]

    def _prepare(self, x: Any, y: Any) -> None:
        """Builds the model, losses, metrics and optimizer from a first batch (once per compile)."""
        if self._steps is not None:
            return
        rng.key_variable()
        if self.has_custom_step():
            self._prepare_custom()
            return
        y_pred = self._output_specs(x)
        if not self._compiled:  # predict only
            self._steps = Steps(self, [], None, None, None)
            self._programs = {"predict": StatefulProgram(self._steps.predict, name=f"{self.name}.predict_step")}
            return
        pred = jax.tree_util.tree_leaves(y_pred, is_leaf=lambda t: isinstance(t, TensorLike))
        # dict outputs are named by their keys (in pytree order, as the leaves are), else output_names
        names = sorted(y_pred) if isinstance(y_pred, dict) else self._output_names(len(pred))
        self.compiled_loss.build(y_pred, names)
        true = [None] * len(pred) if y is None else jax.tree_util.tree_leaves(y)
        if y is not None and len(true) != len(pred):
            raise ValueError(f"argument `y` has {len(true)} arrays but the model has {len(pred)} outputs ({names})")
        for i, (loss, t, p) in enumerate(zip(self.compiled_loss.losses, true, pred)):
            if loss is not None and t is not None:
                check_labels(loss, t, p, "" if len(pred) == 1 else f" (output {names[i]!r})")
        self.compiled_metrics.build(true, pred, self.compiled_loss.losses, names)
        trainable = _captured_trainable(self, self._trainable_snapshot)
        if trainable and self.compiled_loss.losses is not None:
            self.optimizer.build(trainable)
        self._output_loss_trackers = [Mean(name=f"{name}_loss") if loss is not None else None
                                      for name, loss in zip(names, self.compiled_loss.losses)] if len(pred) > 1 else []
        self._steps = Steps(self, trainable, self.compiled_loss, self.compiled_metrics, self._loss_tracker,
                            self._output_loss_trackers)
        self._programs = {
            "train": StatefulProgram(self._steps.train, name=f"{self.name}.train_step",
                                     version=lambda: self.optimizer._hyper_version),
            "test": StatefulProgram(self._steps.test, name=f"{self.name}.test_step"),
            "predict": StatefulProgram(self._steps.predict, name=f"{self.name}.predict_step"),
        }

    def _prepare_custom(self) -> None:
        """A subclass's own steps: traced as they are; the compiled loss and metrics, and
        the optimizers, build themselves on first use inside the first trace."""
        if not self._compiled:
            self.compiled_loss = CompiledLoss(None, None)
            self.compiled_metrics = CompiledMetrics(None, None)
            self._loss_tracker = Mean(name="loss")
        self._steps = Steps(self, [], self.compiled_loss, self.compiled_metrics, self._loss_tracker)
        version = lambda: getattr(getattr(self, "optimizer", None), "_hyper_version", 0)  # noqa: E731
        self._programs = {kind: StatefulProgram(functools.partial(self._steps.custom, kind), name=f"{self.name}.{kind}_step",
                                                version=version) for kind in ("train", "test", "predict")}

    def _output_specs(self, x: Any) -> Any:
        """The model's outputs for a one-row sample of ``x``, as shapes and dtypes.

        The forward pass runs abstractly (``jax.eval_shape``: nothing is computed or
        compiled), building the layers on the way; a model whose Python needs values
        (a branch on a tensor) runs it eagerly on the sample instead."""
        sample = jax.tree_util.tree_map(lambda a: a[:1], x)
        is_tensor = lambda t: isinstance(t, TensorLike)  # noqa: E731

        def forward(arrays: Any) -> Any:
            with state.state_scope(state.StateScope(discovering=True)):
                out = self(jax.tree_util.tree_map(Tensor._wrap, arrays), training=False)
            return jax.tree_util.tree_map(lambda t: t._read() if is_tensor(t) else t, out, is_leaf=is_tensor)

        specs = jax.tree_util.tree_map(lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), sample)
        try:
            return jax.eval_shape(forward, specs)
        except (jax.errors.ConcretizationTypeError, jax.errors.TracerBoolConversionError,
                jax.errors.TracerIntegerConversionError, jax.errors.TracerArrayConversionError):
            return forward(sample)

    def _run(self, kind: str, per_step: Any, shared: Any = None, steps: int | None = None, collect: bool = False,
             **statics: Any) -> Any:
        if self._steps is None:
            in_shared = "idx" in per_step or "start" in per_step
            source = shared if in_shared else per_step
            x, y = source["x"], source.get("y")
            if "start" in per_step:  # HostRows: build from the first batch
                x, y = jax.tree_util.tree_map(lambda r: r.batch(0), (x, y), is_leaf=lambda t: isinstance(t, HostRows))
            elif steps is not None and not in_shared:  # stacked for lax.scan: one step's worth
                x, y = jax.tree_util.tree_map(lambda a: a[0], (x, y))
            self._prepare(x, y)
        program = self._programs[kind]
        if self.run_eagerly and state.current() is None:
            return self._run_eagerly(program, per_step, shared, steps, collect, statics)
        return program.run(per_step, shared, steps=steps, collect=collect, **statics)

    def _run_eagerly(self, program: StatefulProgram, per_step: Any, shared: Any, steps: int | None, collect: bool,
                     statics: dict) -> Any:
        """``run_eagerly=True``: the same step, op by op, for debugging."""
        outs = []
        for i in range(1 if steps is None else steps):
            batch = per_step if steps is None else jax.tree_util.tree_map(lambda a: a[i], per_step)
            scope = state.StateScope()
            with state.state_scope(scope):
                out = program._fn(batch, shared, **statics)
            scope.commit()
            outs.append(jax.tree_util.tree_map(lambda t: t._read() if isinstance(t, TensorLike) else t, out,
                                               is_leaf=lambda t: isinstance(t, TensorLike)))
        if collect and steps is not None:
            return jax.tree_util.tree_map(lambda *a: np.stack(a), *outs)
        return outs[-1]

    # -- one batch ------------------------------------------------------------------------
    def _one_batch(self, method: str, x: Any, y: Any, sample_weight: Any) -> tuple:
        if method != "predict_on_batch":
            self._assert_compiled(method)
        if data.is_iterator_input(x):
            raise TypeError(f"{type(self).__name__}.{method}: argument `x` must be arrays (one batch). "
                            f"Received: {type(x).__name__}; use fit/evaluate/predict for datasets and generators")
        x, y, sample_weight, n = data.standardize(x, y, sample_weight)
        batch = {"x": x, "y": y, "sw": sample_weight}
        if self.has_custom_step():  # a custom step sees the batch as it is
            batch["mask"] = None
            return batch, n
        if state.current() is None:  # every size runs padded to its bucket, with a row mask
            size = data.bucket(n)
            if size != n:
                batch = data.pad_rows(batch, size)
            batch["mask"] = _device_mask(n, size)
        return batch, n

    def _format(self, logs: Any, return_dict: bool) -> Any:
        if state.current() is not None:  # inline in a traced function: Tensors
            logs = self._steps.ordered(logs)
            values = {k: v if isinstance(v, TensorLike) else Tensor._wrap(v) for k, v in logs.items()}
        elif isinstance(logs, dict):
            logs = self._steps.ordered(logs)
            host = jax.device_get(list(logs.values()))
            values = {k: float(v) if np.ndim(v) == 0 else np.asarray(v) for k, v in zip(logs, host)}
        else:  # one packed vector: a single transfer
            values = dict(zip(self._steps.log_names, np.asarray(logs).tolist()))
        if return_dict:
            return values
        flat = list(values.values())
        return flat[0] if len(flat) == 1 else flat

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: Any = None,
                       return_dict: bool = False, reset_metrics: bool = True) -> Any:
        """One training step on one batch; returns this batch's loss (and metric values).

        Returns a float (loss only), a list ``[loss, metric, ...]``, or a dict with
        ``return_dict=True``. With ``reset_metrics=False`` metrics accumulate over calls.
        """
        batch, _ = self._one_batch("train_on_batch", x, y, data.class_weights(y, class_weight, sample_weight))
        logs = self._run("train", batch, reset=bool(reset_metrics), pack=state.current() is None)
        return self._format(logs, return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False,
                      reset_metrics: bool = True) -> Any:
        """The loss and metrics of one batch, without training."""
        batch, _ = self._one_batch("test_on_batch", x, y, sample_weight)
        logs = self._run("test", batch, reset=bool(reset_metrics), pack=state.current() is None)
        return self._format(logs, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's outputs for one batch, as NumPy arrays."""
        batch, n = self._one_batch("predict_on_batch", x, None, None)
        out = self._run("predict", batch)
        if state.current() is not None:
            return out
        return jax.tree_util.tree_map(lambda a: np.asarray(a)[:n], out,
                                      is_leaf=lambda t: isinstance(t, TensorLike))
