"""``Functional``: a model defined by symbolic inputs and outputs (Keras 3's Functional API).

``keras.Model(inputs, outputs)`` returns one (``Model.__new__`` picks this class when
``inputs`` and ``outputs`` are given, as Keras 3 does). The graph between them is made
of the nodes :mod:`xlaflow.layers.symbolic_call` records: one node per layer call,
one per op on symbolic tensors, one placeholder per ``keras.Input``.

At construction the graph is mapped once (:func:`map_graph`): the nodes to run, in
topological order, and the layers in Keras' order (by depth from the outputs, ties by
traversal order, so ``InputLayer``s of the longest paths come first). ``call`` runs
those nodes on Tensors -- each layer is called on the Tensors its node receives, each
op node calls its op through dispatch -- so a functional model works as any layer
does: eagerly, under ``GradientTape`` (every op is recorded), inside
``xlaflow.function`` and inside the training core's compiled step. ``training`` given
to the model overrides the value a layer call was recorded with (Keras 3's rule).

The Keras 3 config layout (``layers`` with ``inbound_nodes``, ``input_layers``,
``output_layers``) lives in :mod:`xlaflow.models.functional_config`.
"""

from __future__ import annotations

from typing import Any

import jax

from xlaflow.graph.build import OpFn
from xlaflow.graph.node import CALL, PLACEHOLDER, SymbolicTensor
from xlaflow.layers import structure
from xlaflow.layers.input_layer import InputLayer
from xlaflow.layers.symbolic_call import _sym_leaf, flat_symbolic, result_tree
from xlaflow.models.model import Model
from xlaflow.ops import convert, dispatch
from xlaflow.ops.array_ops import cast, reshape
from xlaflow.ops.tensor import Tensor, TensorLike


def _flatten(tree: Any) -> tuple[list, Any]:
    return jax.tree_util.tree_flatten(tree, is_leaf=_sym_leaf)


def _parents(node: Any) -> list:
    if node.kind == PLACEHOLDER:
        return []
    return [t.op for t in node.inputs]


def _op_key(node: Any) -> int:
    layer = node.attrs.get("keras_layer")
    return id(layer) if layer is not None else id(node)


def map_graph(name: str, inputs: list, outputs: list) -> tuple[list, list]:
    """``(nodes in run order, layers in Keras' order)`` of the graph from ``inputs`` to
    ``outputs``; raises ValueError when an output needs a tensor that is not an input."""
    fed = {id(t) for t in inputs}
    pre_index: dict = {}
    status: dict = {}
    post: list = []
    for out in outputs:
        stack = [(out.op, False)]
        while stack:
            node, done = stack.pop()
            if done:
                post.append(node)
                continue
            if id(node) in status:
                continue
            status[id(node)] = True
            pre_index.setdefault(_op_key(node), len(pre_index))
            if node.kind == PLACEHOLDER and id(node.outputs[0]) not in fed:
                t = node.outputs[0]
                raise ValueError(
                    f"Functional model {name!r}: the graph is disconnected: the outputs depend on {t.name!r} "
                    f"(shape {t.shape}), which is not one of the model's inputs. Pass it in `inputs`. "
                    f"Received: inputs={[x.name for x in inputs]}"
                )
            if node.kind not in (CALL, PLACEHOLDER):
                raise ValueError(f"Functional model {name!r}: the graph holds a {node.kind!r} node ({node.name}), which "
                                 "a Keras model cannot run; only layer calls and ops on symbolic tensors can.")
            stack.append((node, True))
            stack.extend((p, False) for p in reversed(_parents(node)) if id(p) not in status)
    # Keras' depth rule: a node is one deeper than the deepest node it feeds; a layer
    # called several times takes the largest depth of its calls.
    node_depth: dict = {}
    op_depth: dict = {}
    owners: dict = {}
    for node in reversed(post):
        key = _op_key(node)
        depth = max(node_depth.get(id(node), 0), op_depth.get(key, 0))
        op_depth[key] = node_depth[id(node)] = depth
        owners.setdefault(key, node.attrs.get("keras_layer"))
        for p in _parents(node):
            node_depth[id(p)] = max(depth + 1, node_depth.get(id(p), 0))
    layers = [owners[k] for k in sorted((k for k in op_depth if owners[k] is not None),
                                        key=lambda k: (-op_depth[k], pre_index[k]))]
    return post, layers


def _fmt_shape(shape: Any) -> str:
    return "(" + ", ".join(str(d) for d in shape.as_list()) + ")" if shape.rank is not None else "?"


class Functional(Model):
    """A model whose layers are the graph between symbolic ``inputs`` and ``outputs``.

    Args:
      inputs: a ``keras.Input`` tensor, or a list/tuple/dict of them.
      outputs: a symbolic tensor computed from ``inputs``, or a list/tuple/dict of them.
      name: the model's name (``functional``, ``functional_1`` ... by default).
      trainable: whether the model's weights are trained.

    Example::

        x = keras.Input((20,))
        h = keras.layers.Dense(16, activation="relu")(x)
        model = keras.Model(x, keras.layers.Dense(1)(h))
    """

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, trainable: bool = True, **kwargs: Any):
        Model.__init__(self, trainable=True, name=name, **kwargs)
        flat_in, in_tree = _flatten(inputs)
        flat_out, out_tree = _flatten(outputs)
        for arg, flat, value in (("inputs", flat_in, inputs), ("outputs", flat_out, outputs)):
            if not flat or not all(isinstance(t, SymbolicTensor) for t in flat):
                raise ValueError(f"Functional model {self.name!r}: all `{arg}` values must be symbolic tensors "
                                 f"(keras.Input or a layer's output). Received: {arg}={value!r:.200}")
        for t in flat_in:
            history = getattr(t, "_keras_history", None)
            if history is None or not isinstance(history[0], InputLayer):
                raise ValueError(f"Functional model {self.name!r}: every input must be a tensor made by keras.Input(). "
                                 f"Received: {t.name!r}, the output of {t.op.type} {t.op.name!r}")
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self._in_tree = in_tree
        self._out_tree = out_tree
        self.inputs = flat_in
        self.outputs = flat_out
        self._run_order, layers = map_graph(self.name, flat_in, flat_out)
        self._node_ids = {id(n) for n in self._run_order}
        self._layers.extend(layers)
        structure.changed()
        self.output_names = [self._tensor_name(t) for t in flat_out]
        self._output_shapes = self._layer_shapes()
        self.input_spec = None
        self.built = True
        if not trainable:
            self.trainable = False

    @staticmethod
    def _tensor_name(t: SymbolicTensor) -> str:
        history = getattr(t, "_keras_history", None)
        return history[0].name if history is not None else t.op.name

    def _layer_shapes(self) -> dict:
        shapes = {}
        for node in self._run_order:
            layer = node.attrs.get("keras_layer")
            if layer is None:
                continue
            outs = node.outputs[: node.attrs.get("keras_outputs", 1)]
            texts = [_fmt_shape(t.shape) for t in outs]
            shapes[id(layer)] = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
        return shapes

    def _summary_connections(self) -> dict | None:
        """Keras' "Connected to" column (``layer[node][tensor]`` per input of each of the
        layer's calls in this model), or None when the model is a plain chain."""
        layer_nodes = [id(n.attrs["keras_layer"]) for n in self._run_order if n.attrs.get("keras_layer") is not None]
        chain = (len(self.inputs) == 1 and len(self.outputs) == 1 and len(set(layer_nodes)) == len(layer_nodes)
                 and all(len(_call_inputs(n)) <= 1 for n in self._run_order))
        if chain:  # Keras' "sequential-like": no shared layer, one input per call
            return None
        index: dict = {}
        for layer in self._layers:
            kept = 0
            for node in getattr(layer, "_inbound_nodes", []):
                if id(node) in self._node_ids:
                    index[id(node)] = kept
                    kept += 1
        out: dict = {}
        for node in self._run_order:
            layer = node.attrs.get("keras_layer")
            if layer is None or node.kind == PLACEHOLDER:
                continue
            names = []
            for t in _call_inputs(node):
                history = getattr(t, "_keras_history", None)
                names.append(f"{history[0].name}[{index.get(id(t.op), 0)}][{history[2]}]" if history else t.op.name)
            text = ", ".join(names)
            out[id(layer)] = f"{out[id(layer)]}, {text}" if id(layer) in out else text
        return out

    # -- Keras attributes -----------------------------------------------------------------
    @property
    def input(self) -> Any:
        """The model's symbolic inputs, in the structure given (one tensor if only one)."""
        return self._inputs_struct

    @property
    def output(self) -> Any:
        return self._outputs_struct

    @property
    def input_names(self) -> list[str]:
        """The names of the input layers, in ``inputs`` order."""
        return [self._tensor_name(t) for t in self.inputs]

    @property
    def input_shape(self) -> Any:
        shapes = [tuple(t.shape.as_list()) for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self) -> Any:
        shapes = [tuple(t.shape.as_list()) for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def build(self, input_shape: Any = None) -> None:
        """A functional model is built when it is made; nothing to do."""
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = [tuple(t.shape.as_list()) for t in self.outputs]
        return jax.tree_util.tree_unflatten(self._out_tree, shapes)

    # -- calling ----------------------------------------------------------------------------
    def _standardize_inputs(self, inputs: Any) -> list:
        names = self.input_names
        n = len(self.inputs)
        where = f"Functional model {self.name!r}"
        if isinstance(inputs, dict) and not isinstance(self._inputs_struct, dict):
            missing = [k for k in names if k not in inputs]
            if missing:
                raise ValueError(f"{where}: the input dict has no entry for input(s) {missing}; the model's inputs are "
                                 f"{names}. Received: keys {sorted(inputs)}")
            flat = [inputs[k] for k in names]
        elif isinstance(self._inputs_struct, dict) and isinstance(inputs, dict):
            missing = [k for k in self._inputs_struct if k not in inputs]
            if missing:
                raise ValueError(f"{where}: the input dict has no entry for input(s) {missing}; the model's inputs are "
                                 f"{sorted(self._inputs_struct)}. Received: keys {sorted(inputs)}")
            flat = jax.tree_util.tree_leaves({k: inputs[k] for k in self._inputs_struct},
                                             is_leaf=lambda x: x is None or isinstance(x, TensorLike))
        elif isinstance(inputs, (list, tuple)) and (n > 1 or isinstance(self._inputs_struct, (list, tuple)) or (
                len(inputs) == 1 and (inputs[0] is None or hasattr(inputs[0], "shape")))):
            flat = list(inputs)
        else:
            flat = [inputs]
        if len(flat) != n:
            raise ValueError(f"{where} expects {n} input(s) ({names}), but it received {len(flat)} input tensors. "
                             f"Received: inputs={_describe(inputs)}")
        return [self._conform(x, t, name) for x, t, name in zip(flat, self.inputs, names)]

    def _conform(self, x: Any, ref: SymbolicTensor, name: str) -> Any:
        if x is None:
            if getattr(ref._keras_history[0], "optional", False):
                return None
            raise ValueError(f"Functional model {self.name!r}: the input {name!r} is not optional, but None was passed.")
        if not isinstance(x, TensorLike):
            x = convert.convert_to_tensor(x)
        if ref.dtype == "string" and x.dtype != ref.dtype:
            return x  # the host stage of fit/predict already vectorized this string input (models/string_inputs.py)
        if x.dtype != ref.dtype:
            x = cast(x, ref.dtype)
        want = ref.shape.as_list()
        got = x.shape.as_list()
        if len(got) == len(want) + 1 and got[-1] == 1:  # Keras 3 adjusts a trailing 1
            x = reshape(x, [-1 if g is None else g for g in got[:-1]])
            got = got[:-1]
        elif len(got) == len(want) - 1 and want[-1] == 1:
            x = reshape(x, [-1 if g is None else g for g in got] + [1])
            got = got + [1]
        if len(got) != len(want) or any(w is not None and g is not None and w != g for w, g in zip(want, got)):
            raise ValueError(f"Functional model {self.name!r}: input {name!r} must have shape {tuple(want)} (None: any "
                             f"size). Received: shape {tuple(got)}")
        return x

    def call(self, inputs: Any, training: Any = None, mask: Any = None) -> Any:
        """Runs the model's graph on ``inputs`` (Tensors or arrays, in the structure of the
        model's inputs, or a dict keyed by input names)."""
        flat = self._standardize_inputs(inputs)
        if mask is not None:
            for x, m in zip(flat, mask if isinstance(mask, (list, tuple)) else [mask]):
                if m is not None and isinstance(x, Tensor):
                    x._keras_mask = convert.convert_to_tensor(m)
        env = {id(t): x for t, x in zip(self.inputs, flat)}
        for node in self._run_order:
            if node.kind == PLACEHOLDER:
                continue
            for sym, value in zip(node.outputs, _run_node(node, env, training)):
                env[id(sym)] = value
        return jax.tree_util.tree_unflatten(self._out_tree, [env[id(t)] for t in self.outputs])

    # -- configuration ------------------------------------------------------------------------
    def get_config(self) -> dict:
        """Keras 3's functional config: ``name``, ``trainable``, ``layers`` (each with its
        ``inbound_nodes``), ``input_layers`` and ``output_layers``. A subclass with its own
        constructor (``super().__init__(inputs, outputs)`` inside) gives its constructor's
        arguments instead, as Keras 3 does."""
        from xlaflow.models.functional_config import functional_config

        if type(self).__init__ is not Functional.__init__ and getattr(self, "_auto_config", None) is not None:
            return Model.get_config(self)

        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "Functional":
        """Rebuilds a functional model from :meth:`get_config` output (or real Keras 3's)."""
        from xlaflow.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects)


def _describe(inputs: Any) -> str:
    leaves = jax.tree_util.tree_leaves(inputs, is_leaf=lambda x: x is None or isinstance(x, TensorLike))
    shapes = [None if x is None else tuple(getattr(x, "shape", ())) for x in leaves]
    return f"{type(inputs).__name__} of {len(leaves)} with shapes {shapes}"


def _call_inputs(node: Any) -> list:
    """The symbolic tensors a node is called on (a layer call's masks left out)."""
    if node.attrs.get("keras_layer") is not None and node.kind != PLACEHOLDER:
        return flat_symbolic(node.args[:3])
    return node.inputs


def _resolve(tree: Any, env: dict) -> Any:
    return jax.tree_util.tree_map(lambda x: env[id(x)] if isinstance(x, SymbolicTensor) else x, tree, is_leaf=_sym_leaf)


def _tensor_leaves(tree: Any) -> list:
    return jax.tree_util.tree_leaves(tree, is_leaf=lambda x: isinstance(x, TensorLike))


def _run_node(node: Any, env: dict, training: Any) -> list:
    """The output values (Tensors) of one node, given the values of its inputs."""
    layer = node.attrs.get("keras_layer")
    if layer is not None:
        inputs, args, kwargs, _ = _resolve(node.args, env)
        if training is not None and getattr(layer, "_call_has_training", False):
            kwargs = dict(kwargs, training=training)
        outputs, masks = result_tree(layer(inputs, *args, **kwargs), arrays=False)
        leaves = _tensor_leaves(outputs)
        present = [m for m in masks if m is not None]
        return leaves + present if len(leaves) + len(present) == len(node.outputs) else leaves
    if isinstance(node.fn, OpFn):
        tensors = _resolve(node.args[0], env)
        dyn = _resolve(node.args[1], env) if len(node.args) > 1 else {}
        return _tensor_leaves(dispatch.call(node.fn.op, (), {**tensors, **node.fn.statics, **dyn}))
    values = jax.tree_util.tree_map(lambda x: x._read() if isinstance(x, TensorLike) else x, _resolve(node.args, env),
                                    is_leaf=lambda x: x is None or isinstance(x, TensorLike))
    return [Tensor._wrap(v) for v in jax.tree_util.tree_leaves(node.fn(*values))]

