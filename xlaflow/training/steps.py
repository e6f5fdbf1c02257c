"""The train, test and predict steps of a compiled Keras model, written once.

Each step is Python over Variables that the engine
(:class:`~xlaflow.engine.program.StatefulProgram`) compiles into one pure XLA program:

* **train** — forward with ``training=True``, the compiled loss (sample weights,
  padding mask, regularization penalties), ``jax.value_and_grad`` with respect to the
  trainable weights captured at ``compile``, the optimizer update (inlined: clipping,
  weight decay, schedule), the loss tracker and metric updates.
* **test** — forward with ``training=False``, loss and metrics.
* **predict** — forward with ``training=False``.

The gradient is taken the way Keras' ``stateless_call`` does it: the forward pass runs
in a child state scope in which the trainable Variables are bound to the values being
differentiated; whatever else the forward pass writes (BatchNormalization statistics,
the RNG key, stateful RNN states) comes out as auxiliary values and is written to the
step's scope afterwards. The same Python runs inline when ``train_on_batch`` is called
inside an ``xlaflow.function`` and eagerly under ``run_eagerly=True``.

A batch reaches a step in one of three forms: ``{"x", "y", "sw", "mask"}`` (one batch
of arrays); ``{"idx", "mask"}`` with the whole dataset ``{"x", "y", "sw"}`` shared by
all steps — the device-resident path of ``fit``, where a step gathers its rows; or
``{"start", "mask"}`` with the dataset as :class:`~xlaflow.training.host_rows.HostRows`
— batches in order, read in place on the CPU backend.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow._core import rows, state
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.training.host_rows import HostRows
from xlaflow.utils.packing import pack_x_y_sample_weight


def _arr(t: Any) -> Any:
    return t._read() if isinstance(t, TensorLike) else t


def _leaves(tree: Any) -> list:
    return jax.tree_util.tree_leaves(tree, is_leaf=lambda t: t is None or isinstance(t, TensorLike))


def unpack(per_step: dict, shared: Any) -> tuple:
    """``(x, y, sample_weight, mask)`` as arrays (pytrees) for one step."""
    mask = _arr(per_step.get("mask"))
    if "start" in per_step:  # batch number `start` of HostRows read in place
        start = _arr(per_step["start"])
        read = lambda r: None if r is None else r.batch(start)  # noqa: E731
        rows = jax.tree_util.tree_map(read, shared, is_leaf=lambda t: isinstance(t, HostRows))
        return rows["x"], rows.get("y"), rows.get("sw"), mask
    if "idx" in per_step:
        idx = _arr(per_step["idx"])
        take = lambda a: None if a is None else jnp.take(_arr(a), idx, axis=0)  # noqa: E731
        x = jax.tree_util.tree_map(take, shared["x"], is_leaf=lambda t: isinstance(t, TensorLike))
        y = jax.tree_util.tree_map(take, shared.get("y"), is_leaf=lambda t: isinstance(t, TensorLike))
        sw = jax.tree_util.tree_map(take, shared.get("sw"), is_leaf=lambda t: isinstance(t, TensorLike))
        return x, y, sw, mask
    conv = lambda tree: jax.tree_util.tree_map(_arr, tree, is_leaf=lambda t: isinstance(t, TensorLike))  # noqa: E731
    return conv(per_step["x"]), conv(per_step.get("y")), conv(per_step.get("sw")), mask


def _wrap(tree: Any) -> Any:
    return jax.tree_util.tree_map(lambda a: Tensor._wrap(a), tree)


class Steps:
    """The step functions of one compiled model (see the module docstring)."""

    def __init__(self, model: Any, trainable: list, loss: Any, metrics: Any, loss_tracker: Any,
                 output_trackers: list | None = None):
        self.model = model
        self.trainable = trainable
        self.loss = loss
        self.metrics = metrics
        self.loss_tracker = loss_tracker
        self.output_trackers = output_trackers or []  # Keras 3's "<output>_loss" with several outputs
        self.log_names: list[str] = []  # the order of the logs (pytrees sort dict keys)

    # -- pieces ---------------------------------------------------------------------
    def _targets(self, y: Any, sw: Any, y_pred: Any) -> tuple:
        pred = [_arr(p) for p in _leaves(y_pred)]
        n = len(pred)
        true = [None] * n if y is None else _leaves(y)
        if len(true) != n:
            raise ValueError(f"fit/train_on_batch: argument `y` has {len(true)} arrays but the model has {n} outputs")
        if sw is None:
            weights = [None] * n
        else:
            weights = _leaves(sw)
            if len(weights) == 1 and n > 1:
                weights = weights * n
        return true, pred, weights

    def _forward_loss(self, x: Any, y: Any, sw: Any, mask: Any, training: bool) -> tuple:
        for layer in self.model._flatten_layers():
            layer._losses = []
        with rows.row_mask(mask):
            y_pred = self.model(_wrap(x), training=training)
        true, pred, weights = self._targets(y, sw, y_pred)
        total, per_output = self.loss.compute(true, pred, weights, mask, self.model.losses)
        return total, (true, pred, weights, per_output)

    def _track(self, total: Any, aux: tuple, mask: Any, batch_rows: int) -> dict:
        true, pred, weights, per_output = aux
        n_real = Tensor._wrap(jnp.sum(mask) if mask is not None else jnp.asarray(batch_rows, jnp.float32))
        self.loss_tracker.update_state(Tensor._wrap(total), sample_weight=n_real)
        for tracker, value in zip(self.output_trackers, per_output):
            if tracker is not None and value is not None:
                tracker.update_state(Tensor._wrap(value), sample_weight=n_real)
        self.metrics.update(true, pred, weights, mask)
        return self.logs()

    def logs(self) -> dict:
        out = {"loss": self.loss_tracker.result()}
        for tracker in self.output_trackers:
            if tracker is not None:
                out[tracker.name] = tracker.result()
        for m in self.metrics.objects:
            result = m.result()
            if isinstance(result, dict):
                out.update(result)
            else:
                out[m.name] = result
        self.log_names = list(out)
        return out

    def packed(self, logs: dict) -> Any:
        """The logs as one float32 vector in :attr:`log_names` order (one transfer), if all are scalars."""
        values = [_arr(v) for v in logs.values()]
        if all(v.ndim == 0 for v in values):
            return jnp.stack([v.astype(jnp.float32) for v in values])
        return logs

    def ordered(self, logs: Any) -> dict:
        """``logs`` (a dict, or a :meth:`packed` vector) in the order the step made them."""
        if not isinstance(logs, dict):
            return dict(zip(self.log_names, logs))
        return {k: logs[k] for k in self.log_names if k in logs} if self.log_names else logs

    def _reset(self) -> None:
        self.loss_tracker.reset_state()
        for tracker in self.output_trackers:
            if tracker is not None:
                tracker.reset_state()
        for m in self.metrics.objects:
            m.reset_state()

    # -- the steps ------------------------------------------------------------------
    def train(self, per_step: dict, shared: Any = None, *, reset: bool = False, pack: bool = False) -> Any:
        x, y, sw, mask = unpack(per_step, shared)
        if reset:
            self._reset()
        parent = state.current()
        trainable = self.trainable
        written: list = []

        def loss_fn(values: list) -> tuple:
            child = state.StateScope(parent=parent, tracing=parent.tracing)
            for v, val in zip(trainable, values):
                child.bind(v, val)
            with state.state_scope(child):
                total, aux = self._forward_loss(x, y, sw, mask, training=True)
            trainable_ids = {id(v) for v in trainable}
            writes = [(v, val) for v, val in child.written() if id(v) not in trainable_ids]
            written[:] = [v for v, _ in writes]
            return total, (aux, [val for _, val in writes])

        values = [v._read() for v in trainable]
        (total, (aux, new_values)), grads = jax.value_and_grad(loss_fn, has_aux=True)(values)
        for v, val in zip(written, new_values):
            v.assign(val)
        if trainable:
            self.model.optimizer.apply_gradients(zip([Tensor._wrap(g) for g in grads], trainable))
        logs = self._track(total, aux, mask, _rows(x))
        return self.packed(logs) if pack else logs

    def test(self, per_step: dict, shared: Any = None, *, reset: bool = False, pack: bool = False) -> Any:
        x, y, sw, mask = unpack(per_step, shared)
        if reset:
            self._reset()
        total, aux = self._forward_loss(x, y, sw, mask, training=False)
        logs = self._track(total, aux, mask, _rows(x))
        return self.packed(logs) if pack else logs

    def predict(self, per_step: dict, shared: Any = None) -> Any:
        x, _, _, mask = unpack(per_step, shared)
        with rows.row_mask(mask):
            return self.model(_wrap(x), training=False)

    # -- a subclass's own train_step / test_step / predict_step -----------------------
    def custom(self, kind: str, per_step: dict, shared: Any = None, *, reset: bool = False, pack: bool = False) -> Any:
        """The model's ``<kind>_step(data)`` on one (unpadded) batch; its dict is the logs."""
        x, y, sw, _ = unpack(per_step, shared)
        model = self.model
        layers = model._flatten_layers()
        for layer in layers:
            layer._losses = []
        if reset and kind != "predict":
            model.reset_metrics()
        data = pack_x_y_sample_weight(_wrap(x), None if y is None else _wrap(y), None if sw is None else _wrap(sw))
        try:
            out = getattr(model, f"{kind}_step")(data)
        finally:
            for layer in layers:
                layer._losses = []  # traced values never outlive the step
        if kind == "predict":
            return out
        logs = _flat_logs(out, f"{type(model).__name__}.{kind}_step")
        self.log_names = list(logs)
        return self.packed(logs) if pack else logs


def _flat_logs(out: Any, owner: str) -> dict:
    """A custom step's returned logs as ``{name: array}`` (a metric's dict result merged in)."""
    if not isinstance(out, dict):
        raise TypeError(f"{owner} must return a dict of logs, e.g. {{'loss': loss}} or "
                        f"{{m.name: m.result() for m in self.metrics}}. Received: {type(out).__name__}")
    logs: dict = {}
    for name, value in out.items():
        if isinstance(value, dict):
            logs.update(_flat_logs(value, owner))
        else:
            logs[name] = _arr(value) if isinstance(value, TensorLike) else jnp.asarray(value)
    return logs


def _rows(x: Any) -> int:
    return int(jax.tree_util.tree_leaves(x)[0].shape[0])
