"""Raw strings in ``fit``/``evaluate``/``predict``: the host stage in front of the compiled step.

A model whose first layer is a host layer (``TextVectorization``, ``StringLookup``,
``Hashing``: see :mod:`xlaflow.layers.host_stage`) takes raw strings. These methods
run that *head* on the host and hand its numeric output to the usual compiled step
(:class:`~xlaflow.training.Trainer`), inside which the head's layers pass their input
through. How the head runs:

* **datasets and generators**: per batch (``dataset.map``), as Keras runs it;
* **in-memory arrays** whose head output has a fixed width (``output_sequence_length``
  set, or an encoding mode): once over the whole array before training -- the same
  numbers as per batch, computed once instead of every epoch -- when the result
  takes at most :data:`WHOLE_ARRAY_BYTES`; otherwise per batch, through a Dataset
  that shuffles (``shuffle=True``) and batches as ``fit`` would.

Strings given to a model *without* such a head are a ``ValueError`` naming the
argument and pointing to ``StringLookup``/``TextVectorization`` (string labels too).
"""

from __future__ import annotations

import inspect
from typing import Any

import jax
import numpy as np

from xlaflow.layers import host_stage
from xlaflow.ops.string_tensor import StringTensor, is_string_data
from xlaflow.ops.tensor import TensorLike

WHOLE_ARRAY_BYTES = 256 * 2**20


def _leaf(x: Any) -> bool:
    return isinstance(x, (TensorLike, np.ndarray, str, bytes)) or x is None or (
        isinstance(x, list) and (not x or not isinstance(x[0], (np.ndarray, TensorLike, dict))))


def _has_strings(tree: Any) -> bool:
    if _is_iterator(tree):  # datasets and generators are checked batch by batch (xlaflow.training.data)
        return False
    return any(is_string_data(v) for v in jax.tree_util.tree_leaves(tree, is_leaf=_leaf) if v is not None)


def _describe(tree: Any) -> str:
    for v in jax.tree_util.tree_leaves(tree, is_leaf=_leaf):
        if is_string_data(v):
            if isinstance(v, np.ndarray):
                return f"an array of dtype {v.dtype} and shape {v.shape}"
            if isinstance(v, StringTensor):
                return f"a string tensor of shape {tuple(v.shape.as_list())}"
            return f"a {type(v).__name__} of strings"
    return "strings"


def string_error(owner: str, arg: str, value: Any) -> ValueError:
    """The error for strings given where a model takes numbers (issue 18, item 10)."""
    if arg == "x":
        how = ("Map them to numbers first: make a StringLookup or TextVectorization layer the model's first layer "
               "(xlaflow then runs it on the host for each batch), or apply one in the input pipeline "
               "(dataset.map(vectorize_layer)).")
    else:
        how = ("Labels must be numbers: map them with a StringLookup layer (adapt it on the labels) in the input "
               "pipeline or before calling this method.")
    return ValueError(f"{owner}: argument `{arg}` holds strings, but the model computes on numbers. {how} "
                      f"Received: {arg}={_describe(value)}")


def _batch_of(value: Any) -> Any:
    """A string leaf as a host array a host layer takes (lists become arrays)."""
    if isinstance(value, list) and value and isinstance(value[0], (str, bytes)):
        return np.asarray(value, dtype=object)
    return value


def apply_head(model: Any, head: Any, x: Any) -> Any:
    """``x`` with the host head applied (NumPy outputs), structured as the model's inputs."""
    if isinstance(head, dict):
        if isinstance(x, dict):
            names = getattr(model, "input_names", [])
            return {k: (_host_call(head[names.index(k)], v) if k in names and names.index(k) in head else v)
                    for k, v in x.items()}
        if isinstance(x, (list, tuple)) and len(getattr(model, "inputs", [])) > 1:
            return type(x)(_host_call(head[i], v) if i in head else v for i, v in enumerate(x))
        return _host_call(head[0], x) if 0 in head else x
    out = _batch_of(x)
    for layer in head:
        out = _host_call(layer, out)
    return out


def _host_call(layer: Any, value: Any) -> Any:
    out = layer.call(_batch_of(value))  # not layer(...): the pass-through switch may be on (it is for the step)
    if type(out).__name__ == "RaggedTensor":
        raise ValueError(f"{type(layer).__name__} ({layer.name}) returns a RaggedTensor (ragged=True), which a compiled "
                         "model cannot take; use ragged=False with output_sequence_length.")
    return np.asarray(out)


def _fixed_width(head: Any) -> bool:
    """Whether the head's output width is the same for every batch."""
    for layer in host_stage.layers_of(head):
        if type(layer).__name__ == "TextVectorization" and layer._output_mode == "int" and (
                layer._output_sequence_length is None or layer._ragged):
            return False
    return True


def _rows(x: Any) -> int:
    leaf = jax.tree_util.tree_leaves(x, is_leaf=_leaf)[0]
    return len(leaf)


class StringInputsMixin:
    """``fit``/``evaluate``/``predict``/``*_on_batch`` taking raw strings (module docstring)."""

    def _string_head(self) -> Any:
        return host_stage.head_of(self)

    def _bind(self, method: str, args: tuple, kwargs: dict) -> inspect.BoundArguments:
        parent = getattr(super(StringInputsMixin, self), method)
        bound = inspect.signature(parent).bind(*args, **kwargs)
        bound.apply_defaults()
        return bound

    def _check_labels(self, owner: str, bound: inspect.BoundArguments) -> None:
        for arg in ("y", "sample_weight"):
            value = bound.arguments.get(arg)
            if value is not None and _has_strings(value):
                raise string_error(owner, arg, value)

    def _with_head(self, method: str, args: tuple, kwargs: dict) -> Any:
        owner = f"{type(self).__name__}.{method}"
        bound = self._bind(method, args, kwargs)
        parent = getattr(super(StringInputsMixin, self), method)
        x = bound.arguments.get("x")
        self._check_labels(owner, bound)
        head = self._string_head()
        if head is None:
            if x is not None and _has_strings(x):
                raise string_error(owner, "x", x)
            return parent(*bound.args, **bound.kwargs)
        layers = host_stage.layers_of(head)
        if x is not None and not _is_iterator(x) and not _has_strings(x):
            raise ValueError(f"{owner}: argument `x` must hold strings: the model's first layer "
                             f"{type(layers[0]).__name__} ({layers[0].name}) takes raw text. Received: numbers")
        if x is not None:
            self._build_on(head, x)
            self._feed(method, bound, head)
        with host_stage.passing_through(layers):
            return parent(*bound.args, **bound.kwargs)

    def _build_on(self, head: Any, x: Any) -> None:
        """Builds the model by calling it once eagerly on one raw example (so every layer
        sees the shapes the head really produces)."""
        if getattr(self, "built", False):
            return
        if _is_iterator(x):
            return
        sample = jax.tree_util.tree_map(lambda v: _batch_of(v)[:1], x, is_leaf=_leaf)
        self(sample)

    def _feed(self, method: str, bound: inspect.BoundArguments, head: Any) -> None:
        """Replaces the raw inputs in ``bound`` by what the compiled step takes."""
        args = bound.arguments
        x = args["x"]
        if _is_iterator(x):
            args["x"] = _map_iterable(self, head, x)
        elif method.endswith("_on_batch") or self._whole(head, x):
            args["x"] = apply_head(self, head, x)
        else:
            args["x"], extra = _as_dataset(self, head, args, method)
            for k, v in extra.items():
                args[k] = v
        val = args.get("validation_data")
        if val is not None:
            args["validation_data"] = _feed_validation(self, head, val)

    def _whole(self, head: Any, x: Any) -> bool:
        if not _fixed_width(head):
            return False
        sample = apply_head(self, head, jax.tree_util.tree_map(lambda v: _batch_of(v)[:1], x, is_leaf=_leaf))
        per_row = sum(np.asarray(v).nbytes for v in jax.tree_util.tree_leaves(sample))
        return per_row * _rows(x) <= WHOLE_ARRAY_BYTES

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        return self._with_head("fit", args, kwargs)

    def evaluate(self, *args: Any, **kwargs: Any) -> Any:
        return self._with_head("evaluate", args, kwargs)

    def predict(self, *args: Any, **kwargs: Any) -> Any:
        return self._with_head("predict", args, kwargs)

    def train_on_batch(self, *args: Any, **kwargs: Any) -> Any:
        return self._with_head("train_on_batch", args, kwargs)

    def test_on_batch(self, *args: Any, **kwargs: Any) -> Any:
        return self._with_head("test_on_batch", args, kwargs)

    def predict_on_batch(self, *args: Any, **kwargs: Any) -> Any:
        return self._with_head("predict_on_batch", args, kwargs)


def _is_iterator(x: Any) -> bool:
    from xlaflow.training import data

    return data.is_iterator_input(x)


def _element_mapper(model: Any, head: Any) -> Any:
    def mapped(*element: Any) -> Any:
        if len(element) == 1:
            return apply_head(model, head, element[0])
        return (apply_head(model, head, element[0]),) + tuple(element[1:])
    return mapped


def _map_iterable(model: Any, head: Any, x: Any) -> Any:
    if hasattr(x, "element_spec"):  # a Dataset: per batch, in the pipeline
        return x.map(_element_mapper(model, head))
    return ((apply_head(model, head, e[0]),) + tuple(e[1:]) if isinstance(e, tuple) else apply_head(model, head, e)
            for e in x)


def _feed_validation(model: Any, head: Any, val: Any) -> Any:
    if _is_iterator(val):
        return _map_iterable(model, head, val)
    items = tuple(val)
    return (apply_head(model, head, items[0]),) + items[1:]


def _as_dataset(model: Any, head: Any, args: dict, method: str) -> tuple:
    """Arrays as a Dataset running the head per batch, plus the arguments it replaces."""
    from xlaflow.data import Dataset
    from xlaflow.training import data

    x, y, sw = args.get("x"), args.get("y"), args.get("sample_weight")
    x = jax.tree_util.tree_map(_batch_of, x, is_leaf=_leaf)
    extra: dict = {}
    val = None
    split = args.get("validation_split") or 0.0
    if split and args.get("validation_data") is None:
        n = _rows(x)
        cut = int(n * (1.0 - split))
        take = lambda t, s: None if t is None else jax.tree_util.tree_map(lambda a: a[s], t, is_leaf=_leaf)  # noqa: E731
        val = tuple(v for v in (take(x, slice(cut, None)), take(y, slice(cut, None)), take(sw, slice(cut, None))) if v is not None)
        x, y, sw = take(x, slice(None, cut)), take(y, slice(None, cut)), take(sw, slice(None, cut))
        extra["validation_split"] = 0.0
    if args.get("class_weight") is not None:
        sw = data.class_weights(y, args["class_weight"], sw)
        extra["class_weight"] = None
    element = tuple(v for v in (x, y, sw) if v is not None)
    if sw is not None and y is None:
        raise ValueError(f"{method}: argument `sample_weight` needs `y`")
    ds = Dataset.from_tensor_slices(element if len(element) > 1 else element[0])
    if args.get("shuffle"):
        ds = ds.shuffle(_rows(x), reshuffle_each_iteration=True)
        extra["shuffle"] = False
    batch = args.get("batch_size") or 32
    ds = ds.batch(int(batch)).map(_element_mapper(model, head))
    for k in ("y", "sample_weight", "batch_size"):
        if args.get(k) is not None:
            extra[k] = None
    if val is not None:
        extra["validation_data"] = Dataset.from_tensor_slices(val if len(val) > 1 else val[0]).batch(int(batch))
    return ds, extra
