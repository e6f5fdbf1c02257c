"""The Keras 3 config of a functional model, and rebuilding a model from one.

Layout (as Keras 3 writes it, so configs travel both ways)::

    {"name": ..., "trainable": ...,
     "layers": [{"module", "class_name", "config", "registered_name", "build_config",
                 "name": <layer name>,
                 "inbound_nodes": [{"args": [...], "kwargs": {...}}, ...]}, ...],
     "input_layers": [name, node_index, tensor_index] or a list/dict of them,
     "output_layers": the same for the outputs}

A symbolic tensor inside a node's ``args``/``kwargs`` is written as
``{"class_name": "__keras_tensor__", "config": {"shape", "dtype", "keras_history":
[layer name, node index, tensor index]}}``. Node indices count only the calls that
belong to this model; a nested functional model's first call has index 1 (Keras counts
the model's own inner node as 0).

Rebuilding creates each layer from its config through the saving package's allowlisted
loader, then replays the recorded calls on symbolic tensors, in order, deferring a call
until the tensors it needs exist. Only models made of layers can be written: an op on
symbolic tensors between layers (``x + 1``) has no Keras 3 layer config.
"""

from __future__ import annotations

import copy
from typing import Any

import jax

from xlaflow.graph.node import PLACEHOLDER, SymbolicTensor
from xlaflow.layers.symbolic_call import _sym_leaf, input_tensor_of


def _offset(layer: Any) -> int:
    from xlaflow.models.functional import Functional

    return 1 if isinstance(layer, Functional) else 0


def functional_config(model: Any) -> dict:
    """``model.get_config()`` for a :class:`~xlaflow.models.functional.Functional` model."""
    from xlaflow.saving.serialization import serialize_keras_object

    for node in model._run_order:
        if node.attrs.get("keras_layer") is None:
            raise NotImplementedError(
                f"Functional model {model.name!r}: get_config() supports models made only of layers; the op "
                f"{node.type!r} ({node.name}) applied to symbolic tensors has no layer config. Wrap it in a "
                "keras.layers.Lambda or a custom layer to save the model's config."
            )
    reindex: dict = {}
    for layer in model.layers:
        kept = _offset(layer)
        for node in getattr(layer, "_inbound_nodes", []):
            if id(node) in model._node_ids:
                reindex[id(node)] = kept
                kept += 1

    def history(t: SymbolicTensor) -> list:
        layer, _, index = t._keras_history
        return [layer.name, reindex[id(t.op)], index]

    def tensor_config(x: Any) -> Any:
        if isinstance(x, SymbolicTensor):
            return {"class_name": "__keras_tensor__",
                    "config": {"shape": x.shape.as_list(), "dtype": x.dtype.name, "keras_history": history(x)}}
        return serialize_keras_object(x)

    def tree_config(tree: Any) -> Any:
        return jax.tree_util.tree_map(tensor_config, tree, is_leaf=_sym_leaf)

    layers = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["config"].pop("batch_input_shape", None)
        nodes = []
        for node in getattr(layer, "_inbound_nodes", []):
            if id(node) not in model._node_ids or node.kind == PLACEHOLDER:
                continue
            inputs, args, kwargs, _ = node.args
            nodes.append({"args": [tree_config(inputs)] + [tree_config(a) for a in args],
                          "kwargs": {k: tree_config(v) for k, v in kwargs.items()}})
            if "build_config" not in entry:
                shapes = jax.tree_util.tree_map(lambda t: t.shape.as_list(), inputs, is_leaf=_sym_leaf)
                entry["build_config"] = {"input_shape": shapes}
        entry["name"] = layer.name
        entry["inbound_nodes"] = nodes
        layers.append(entry)

    def io(tree: Any) -> Any:
        return jax.tree_util.tree_map(history, tree, is_leaf=_sym_leaf)

    return copy.deepcopy({"name": model.name, "trainable": model.trainable, "layers": layers,
                          "input_layers": io(model._inputs_struct), "output_layers": io(model._outputs_struct)})


def _is_history(value: Any) -> bool:
    return (isinstance(value, (list, tuple)) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) for v in value[1:]))


def functional_from_config(cls: type, config: dict, custom_objects: dict | None = None) -> Any:
    """Rebuilds a functional model (class ``cls``, or ``Functional`` for ``Model``) from
    its Keras 3 config."""
    from xlaflow.layers.input_layer import InputLayer
    from xlaflow.layers.layer import Layer
    from xlaflow.models.functional import Functional
    from xlaflow.saving.serialization import deserialize_keras_object

    where = f"{cls.__name__}.from_config"
    if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
        raise ValueError(f"{where}: a functional config must be a dict with a 'layers' list. Received: {config!r:.200}")
    created: dict = {}
    pending: list = []  # (layer, node_data) in the order they appear
    for data in config["layers"]:
        if not isinstance(data, dict) or "class_name" not in data:
            raise ValueError(f"{where}: each entry of 'layers' must be a layer config dict. Received: {data!r:.200}")
        # build_config is not needed: replaying the calls builds each layer
        inner = {k: v for k, v in data.items() if k not in ("inbound_nodes", "name", "build_config")}
        layer = deserialize_keras_object(inner, custom_objects, prefer="layers")
        if not isinstance(layer, Layer):
            raise ValueError(f"{where}: entry {data.get('name')!r} is not a layer. Received: {type(layer).__name__}")
        name = data.get("name", layer.name)
        created[name] = layer
        if isinstance(layer, InputLayer):
            input_tensor_of(layer)
        nodes = data.get("inbound_nodes") or []
        if not isinstance(nodes, list):
            raise ValueError(f"{where}: 'inbound_nodes' of layer {name!r} must be a list. Received: {nodes!r:.200}")
        pending += [(layer, node) for node in nodes]

    def tensor(hist: Any) -> SymbolicTensor:
        name, node_index, tensor_index = hist
        layer = created.get(name)
        if layer is None:
            raise ValueError(f"{where}: a node refers to layer {name!r}, which the config does not define.")
        if isinstance(layer, InputLayer):
            return input_tensor_of(layer)
        nodes = getattr(layer, "_inbound_nodes", [])
        index = node_index - _offset(layer)
        if index >= len(nodes):
            raise LookupError(name)  # not created yet: the call is replayed later
        node = nodes[index]
        return node.outputs[: node.attrs.get("keras_outputs", 1)][tensor_index]

    def revive(value: Any) -> Any:
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return tensor(value["config"]["keras_history"])
        if isinstance(value, dict) and "class_name" in value:
            return deserialize_keras_object(value, custom_objects)
        if isinstance(value, dict):
            return {k: revive(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [revive(v) for v in value]
        return value

    while pending:
        progress = []
        for item in pending:
            layer, node = item
            try:
                args = revive(node.get("args", []) if isinstance(node, dict) else node)
                kwargs = revive(node.get("kwargs", {})) if isinstance(node, dict) else {}
            except LookupError:
                continue
            kwargs = {k: v for k, v in kwargs.items() if not (k == "mask" and v is None)}
            if not args:
                raise ValueError(f"{where}: a node of layer {layer.name!r} has no input. Received: {node!r:.200}")
            layer(*args, **kwargs)
            progress.append(item)
        if not progress:
            names = sorted({layer.name for layer, _ in pending})
            raise ValueError(f"{where}: cannot rebuild the calls of layers {names}: they need tensors that no "
                             "other node of the config produces.")
        pending = [item for item in pending if all(item is not p for p in progress)]

    def io(value: Any, what: str) -> Any:
        if _is_history(value):
            return tensor(value)
        if isinstance(value, dict):
            return {k: io(v, what) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [io(v, what) for v in value]
        raise ValueError(f"{where}: '{what}' must hold [layer_name, node_index, tensor_index] entries. Received: {value!r:.200}")

    inputs = io(config.get("input_layers"), "input_layers")
    outputs = io(config.get("output_layers"), "output_layers")
    model = None
    if cls is not Functional and not issubclass(cls, Functional) and cls.__name__ != "Model":
        # a subclass of keras.Model built functionally (its own train_step, compute_loss ...):
        # revived as itself when its constructor takes (inputs, outputs), as Keras 3 does
        try:
            model = cls(inputs, outputs, name=config.get("name"))
        except TypeError:
            model = None
    if model is None:
        target = cls if issubclass(cls, Functional) and cls.__init__ is Functional.__init__ else Functional
        model = target(inputs, outputs, name=config.get("name"))
    if config.get("trainable") is False:
        model.trainable = False
    return model
