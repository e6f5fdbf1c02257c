"""``CompiledMetrics``: what ``compile(metrics=..., weighted_metrics=...)`` turns into.

Metric identifiers are resolved to Metric objects once the shapes of the first batch
are known (``"accuracy"`` becomes binary, sparse or categorical accuracy by Keras 3's
rule), and matched to outputs like losses are: a flat list applies to every output,
a nested list gives one list per output, a dict maps output names to lists. A metric
given as a string is named by that string (``"mse"`` logs as ``mse``); with several
outputs, names get the output's name as a prefix (``out_accuracy``).

``metrics`` ignore ``sample_weight``; ``weighted_metrics`` use it. Both ignore
padded rows (the row mask is their sample weight).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp

from xlaflow.metrics import registry as metric_registry
from xlaflow.metrics.base import Metric
from xlaflow.metrics.reduction import MeanMetricWrapper
from xlaflow.ops.tensor import Tensor, TensorLike


def resolve_metric(identifier: Any, loss: Any, y_true: Any, y_pred: Any) -> Metric:
    """A Metric object for one ``compile(metrics=[...])`` entry (Keras 3's naming)."""
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        return metric_registry.resolve_accuracy(loss, y_true, y_pred, name=identifier)
    try:
        obj = metric_registry.get(identifier)
    except ValueError as e:
        raise ValueError(f"compile: argument `metrics`: {e}") from None
    if not isinstance(obj, Metric):
        if not callable(obj):
            raise ValueError(f"compile: argument `metrics` must hold metric names, functions or Metric objects. "
                             f"Received: {identifier!r}")
        obj = MeanMetricWrapper(obj, name=getattr(obj, "__name__", "metric"))
    if isinstance(identifier, str):
        obj.name = identifier
    return obj


def _per_output(spec: Any, names: list[str], arg: str) -> list[list]:
    n = len(names)
    if spec is None:
        return [[] for _ in names]
    if isinstance(spec, dict):
        unknown = set(spec) - set(names)
        if unknown:
            raise ValueError(f"compile: argument `{arg}` has keys {sorted(unknown)} that are not outputs of the model. "
                             f"Outputs: {names}")
        return [_as_list(spec.get(name)) for name in names]
    if isinstance(spec, (list, tuple)):
        if n > 1 and len(spec) == n and all(isinstance(s, (list, tuple)) or s is None for s in spec):
            return [_as_list(s) for s in spec]
        return [list(spec) for _ in names]
    return [[spec] for _ in names]


def _as_list(s: Any) -> list:
    return [] if s is None else list(s) if isinstance(s, (list, tuple)) else [s]


class CompiledMetrics:
    """The metrics of a compiled model, matched to its outputs.

    It is itself one entry of ``model.metrics``, named ``compile_metrics`` as in Keras 3:
    ``update_state(y, y_pred)`` updates them all and ``result()`` is the dict of their
    results, so a custom ``train_step`` that loops over ``self.metrics`` works.
    """

    name = "compile_metrics"

    def __init__(self, metrics: Any = None, weighted_metrics: Any = None):
        self._spec = metrics
        self._weighted_spec = weighted_metrics
        self.metrics: list[tuple[int, Metric, bool]] = []  # (output index, metric, weighted)
        self.built = False
        self.loss_source: Any = None  # the CompiledLoss (metrics like "accuracy" resolve by the loss)

    def build(self, y_true: list, y_pred: list, losses: list, names: list[str]) -> None:
        """Creates the metric objects for flattened outputs (arrays or shapes)."""
        if self.built:
            return
        prefix = len(names) > 1
        for weighted, spec in ((False, self._spec), (True, self._weighted_spec)):
            for i, ids in enumerate(_per_output(spec, names, "weighted_metrics" if weighted else "metrics")):
                for identifier in ids:
                    m = resolve_metric(identifier, losses[i], y_true[i], y_pred[i])
                    if prefix:
                        m.name = f"{names[i]}_{m.name}"
                    self.metrics.append((i, m, weighted))
        self.built = True

    @property
    def objects(self) -> list[Metric]:
        return [m for _, m, _ in self.metrics]

    def update(self, y_true: list, y_pred: list, sample_weight: list, row_mask: Any) -> None:
        """Updates every metric (inside the compiled step)."""
        for i, m, weighted in self.metrics:
            if y_true[i] is None:
                continue
            sw = sample_weight[i] if weighted else None
            if row_mask is not None:
                sw = row_mask if sw is None else sw * row_mask.reshape(row_mask.shape + (1,) * (sw.ndim - 1))
            m.update_state(Tensor._wrap(y_true[i]), Tensor._wrap(y_pred[i]),
                           sample_weight=None if sw is None else Tensor._wrap(sw))

    # -- the Keras API a custom train_step calls ----------------------------------------
    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Keras' ``compiled_metrics.update_state`` (nested ``y``/``y_pred`` as the
        model's outputs); builds the metrics on first use."""
        is_tensor = lambda t: isinstance(t, TensorLike)  # noqa: E731
        arr = lambda t: None if t is None else t._read() if is_tensor(t) else jnp.asarray(t)  # noqa: E731
        preds = [arr(p) for p in jax.tree_util.tree_leaves(y_pred, is_leaf=is_tensor)]
        trues = [arr(t) for t in jax.tree_util.tree_leaves(y_true, is_leaf=lambda t: t is None or is_tensor(t))]
        if y_true is None:
            trues = [None] * len(preds)
        if not self.built:
            names = sorted(y_pred) if isinstance(y_pred, dict) else (
                ["output"] if len(preds) == 1 else [f"output_{i}" for i in range(len(preds))])
            losses = self.loss_source.losses if self.loss_source is not None and self.loss_source.losses else [None] * len(preds)
            self.build(trues, preds, losses, names)
        weights = [arr(w) for w in jax.tree_util.tree_leaves(sample_weight, is_leaf=is_tensor)]
        weights = [None] * len(preds) if sample_weight is None else weights * len(preds) if len(weights) == 1 else weights
        self.update(trues, preds, weights, None)

    @property
    def has_metrics(self) -> bool:
        """Whether ``compile`` named any metric."""
        return bool(_as_list(self._spec) or _as_list(self._weighted_spec)) if not isinstance(
            self._spec, dict) and not isinstance(self._weighted_spec, dict) else True

    @property
    def variables(self) -> list:
        return [v for m in self.objects for v in m.variables]

    def reset_state(self) -> None:
        for m in self.objects:
            m.reset_state()

    def result(self) -> dict:
        """``{name: result}`` of every compiled metric."""
        return {m.name: m.result() for m in self.objects}
