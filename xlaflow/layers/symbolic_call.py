"""Keras' symbolic tensors: ``keras.Input`` and layer calls on symbolic tensors.

The Functional API is built on the graph nodes of :mod:`xlaflow.graph`:

* ``keras.Input(shape)`` makes an :class:`~xlaflow.layers.input_layer.InputLayer` and a
  placeholder node (its symbolic output, batch dimension ``None``).
* Calling a layer on a symbolic tensor (``Dense(4)(x)``) builds the layer from the
  symbolic shape, then adds ONE ``call`` node whose function runs the layer on
  concrete Tensors (:func:`symbolic_call`). The node's arguments are ``(inputs, args,
  kwargs, input masks)``; its result is ``(outputs, output masks)``, so a mask made by
  ``Embedding(mask_zero=True)`` reaches the next layer as in Keras. Output shapes come
  from the graph builder's shape inference (``None`` batch kept).
* Ops on symbolic tensors between layers (``x + 1``, ``xlaflow.concat``) become op
  nodes through dispatch with no code here.

Every output gets ``_keras_history = (layer, node_index, tensor_index)`` and the node
is appended to ``layer._inbound_nodes``: what :class:`~xlaflow.models.functional.
Functional` reads to list layers, evaluate the graph and write its config.

The nodes live in one Keras graph of their own (not TF1's default graph), which keeps
no list of its nodes: a model that is dropped is freed with its layers.
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from xlaflow.graph import build
from xlaflow.graph.graph import Graph
from xlaflow.graph.node import SymbolicTensor
from xlaflow.ops import convert
from xlaflow.ops.tensor import Tensor, TensorLike


class _KerasGraph(Graph):
    """The graph of Keras symbolic tensors: nodes are reachable only from the tensors
    that use them (no global list), so unused models can be garbage-collected."""

    def add(self, node: Any) -> Any:
        return node


_graph: _KerasGraph | None = None


def keras_graph() -> Graph:
    """The graph holding every ``keras.Input`` and layer-call node."""
    global _graph
    if _graph is None:
        _graph = _KerasGraph()
    return _graph


def _sym_leaf(x: Any) -> bool:
    return x is None or isinstance(x, (SymbolicTensor, TensorLike))


def flat_symbolic(tree: Any) -> list:
    """The symbolic tensors in a structure (lists, tuples, dicts), in pytree order."""
    return [x for x in jax.tree_util.tree_leaves(tree, is_leaf=_sym_leaf) if isinstance(x, SymbolicTensor)]


def has_symbolic(tree: Any) -> bool:
    """Whether a structure of call arguments holds a symbolic tensor (cheap for one tensor)."""
    if isinstance(tree, SymbolicTensor):
        return True
    if isinstance(tree, (TensorLike, np.ndarray, jax.Array)) or tree is None:
        return False
    return any(isinstance(x, SymbolicTensor) for x in jax.tree_util.tree_leaves(tree, is_leaf=_sym_leaf))


def call_is_symbolic(inputs: Any, args: tuple, kwargs: dict) -> bool:
    """Whether a layer call has a symbolic tensor among its arguments (the Functional API)."""
    if has_symbolic(inputs):
        return True
    return any(has_symbolic(a) for a in args) or any(
        v is not None and not isinstance(v, (bool, int, float, str)) and has_symbolic(v) for v in kwargs.values())


def Input(shape: Any = None, batch_size: int | None = None, dtype: Any = None, sparse: bool | None = None,  # noqa: N802
          ragged: bool | None = None, batch_shape: Any = None, name: str | None = None, tensor: Any = None,
          optional: bool = False) -> SymbolicTensor:
    """A symbolic input of a Functional model (Keras 3's ``keras.Input``).

    Args:
      shape: the shape of one example, without the batch dimension (``(20,)``).
      batch_size: a fixed batch size (optional; ``None`` accepts any).
      dtype: the inputs' dtype (float32 by default).
      sparse, ragged: must be false (JAX has no sparse or ragged tensors).
      batch_shape: the full shape including the batch (instead of ``shape``).
      name: the name of the input (and of its ``InputLayer``); unique by default
        (``input_layer``, ``input_layer_1`` ...).
      tensor: an existing symbolic tensor to use as the input.
      optional: whether the model may be called with ``None`` for this input.

    Returns:
      A symbolic tensor of shape ``(batch_size, *shape)``.

    Example::

        x = keras.Input((20,))
        y = keras.layers.Dense(1)(x)
        model = keras.Model(x, y)
    """
    from xlaflow.layers.input_layer import InputLayer

    layer = InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse, ragged=ragged,
                       batch_shape=batch_shape, input_tensor=tensor, optional=optional, name=name)
    return input_tensor_of(layer)


def input_tensor_of(layer: Any) -> SymbolicTensor:
    """The symbolic output of an ``InputLayer`` (made on first use, then kept)."""
    existing = getattr(layer, "_keras_output", None)
    if existing is not None:
        return existing
    given = getattr(layer, "_input_tensor", None)
    if given is not None:
        if given.op.kind != "placeholder":
            raise ValueError(f"Input: argument `tensor` must be a graph input (keras.Input or a placeholder), not the "
                             f"output of {given.op.type} {given.op.name!r}. Received: tensor={given}")
        out = given
    else:
        with keras_graph().as_default():
            out = build.placeholder(layer.dtype, shape=list(layer.batch_shape), name=layer.name)
    out._keras_history = (layer, 0, 0)
    out.op.attrs["keras_layer"] = layer
    object.__setattr__(layer, "_inbound_nodes", [out.op])
    object.__setattr__(layer, "_keras_output", out)
    return out


# -- a layer call on symbolic tensors ------------------------------------------------------

def _to_tensor(x: Any) -> Any:
    if isinstance(x, (jax.Array, jax.core.Tracer)):
        return Tensor._wrap(x)
    if isinstance(x, np.ndarray):
        return convert.convert_to_tensor(x)
    return x


def _wrap_tree(tree: Any) -> Any:
    return jax.tree_util.tree_map(_to_tensor, tree, is_leaf=lambda x: x is None or isinstance(x, TensorLike))


def _tensor_leaves(outputs: Any) -> list:
    return jax.tree_util.tree_leaves(outputs, is_leaf=lambda x: isinstance(x, TensorLike))


def result_tree(outputs: Any, arrays: bool) -> tuple:
    """``(outputs, masks)``: a layer's outputs and, per output leaf, its ``_keras_mask``
    (or None); with ``arrays`` every Tensor is replaced by its array (a node's result)."""
    masks = [getattr(t, "_keras_mask", None) for t in _tensor_leaves(outputs)]
    if not arrays:
        return outputs, masks
    read = lambda t: t._read() if isinstance(t, TensorLike) else t  # noqa: E731
    outs = jax.tree_util.tree_map(read, outputs, is_leaf=lambda x: isinstance(x, TensorLike))
    return outs, [None if m is None else read(m) for m in masks]


def attach_masks(inputs: Any, masks: list) -> None:
    """Sets ``_keras_mask`` on the leaves of ``inputs`` from ``masks`` (aligned)."""
    for t, m in zip(_leaves_sym(inputs), masks):
        if m is not None and isinstance(t, Tensor):
            t._keras_mask = m if isinstance(m, TensorLike) else Tensor._wrap(m)


class LayerCall:
    """The function of a layer-call node: the layer applied to concrete values."""

    __slots__ = ("layer",)

    def __init__(self, layer: Any):
        self.layer = layer

    def __call__(self, inputs: Any, args: tuple, kwargs: dict, masks: list) -> tuple:
        inputs = _wrap_tree(inputs)
        attach_masks(inputs, masks)
        outputs = self.layer(inputs, *_wrap_tree(args), **_wrap_tree(kwargs))
        return result_tree(outputs, arrays=True)

    def __repr__(self) -> str:
        return f"<layer call {self.layer.name}>"


def _shapes(tree: Any) -> Any:
    return jax.tree_util.tree_map(lambda t: tuple(t.shape.as_list()) if isinstance(t, SymbolicTensor) else t, tree,
                                  is_leaf=_sym_leaf)


def _materialize(layer: Any, inputs: Any, args: tuple, kwargs: dict) -> None:
    """Calls ``layer`` once eagerly on zeros (unknown dimensions as 1) so that sub-layers
    built lazily in ``call`` (a subclassed model's) create their weights outside the
    shape-inference trace."""
    from xlaflow.ops import dispatch

    def zeros(x: Any) -> Any:
        if not isinstance(x, SymbolicTensor):
            return x
        shape = tuple(1 if d is None else d for d in x.shape.as_list())
        return convert.convert_to_tensor(np.zeros(shape, x.dtype.as_numpy_dtype))

    concrete = jax.tree_util.tree_map(zeros, (inputs, args, kwargs), is_leaf=_sym_leaf)
    with dispatch.recorders_paused():
        layer(concrete[0], *concrete[1], **concrete[2])


def symbolic_call(layer: Any, inputs: Any, args: tuple, kwargs: dict) -> Any:
    """``layer(inputs, *args, **kwargs)`` on symbolic tensors: builds the layer from the
    symbolic shapes (batch ``None``) and returns the symbolic outputs of a new node."""
    from xlaflow.layers.input_spec import check_input

    flat = flat_symbolic(inputs)
    if not layer.built:
        layer.build(_shapes(inputs))
        layer.built = True
    if any(not sub.built for sub in layer._flatten_layers()):
        _materialize(layer, inputs, args, kwargs)
    if layer.input_spec is not None and flat and isinstance(inputs, SymbolicTensor):
        check_input(layer, layer.input_spec, flat[0])
    if kwargs.get("training", 0) is None:
        kwargs = {k: v for k, v in kwargs.items() if k != "training"}  # decided when the model runs
    masks = [getattr(t, "_keras_mask", None) for t in _leaves_sym(inputs)]
    if all(m is None for m in masks):
        masks = []
    graph = build.graph_of((inputs, args, kwargs), type(layer).__name__) if flat else keras_graph()
    specs = layer._symbolic_specs(inputs) if hasattr(layer, "_symbolic_specs") else None  # host layers: not traceable
    outs, out_masks = build.call_node(LayerCall(layer), inputs, tuple(args), dict(kwargs), masks, name=layer.name,
                                      type_name=type(layer).__name__, graph=graph, reads=list(layer.weights), specs=specs)
    node = flat_symbolic((outs, out_masks))[0].op if flat_symbolic((outs, out_masks)) else None
    inbound = getattr(layer, "_inbound_nodes", None)
    if inbound is None:
        inbound = []
        object.__setattr__(layer, "_inbound_nodes", inbound)
    if node is not None:
        node.attrs["keras_layer"] = layer
        node.attrs["keras_outputs"] = len(_leaves_sym(outs))
        node_index = len(inbound)
        inbound.append(node)
        for i, t in enumerate(_leaves_sym(outs)):
            t._keras_history = (layer, node_index, i)
    for t, m in zip(_leaves_sym(outs), out_masks):
        if m is not None:
            t._keras_mask = m
    return outs


def _leaves_sym(tree: Any) -> list:
    return [x for x in jax.tree_util.tree_leaves(tree, is_leaf=_sym_leaf) if x is not None]
