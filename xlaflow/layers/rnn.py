"""``RNN``: runs a recurrent cell over the time axis (Keras' ``keras.layers.RNN``).

The layer owns what every recurrent layer shares: the return options
(``return_sequences``, ``return_state``), ``go_backwards``, ``initial_state``, the
mask (taken from the input, e.g. after ``Masking`` or ``Embedding(mask_zero=True)``,
or passed as ``mask=``) and ``stateful`` operation. A stateful layer keeps its states
in non-trainable Variables (not among its weights, as in Keras) that each call
writes with ``assign``; so they carry over between calls, ``train_on_batch`` steps
and compiled functions, until :meth:`RNN.reset_states`.

The built-in cells (SimpleRNNCell, LSTMCell, GRUCell) run the whole loop as one op
(see :mod:`xlaflow.layers.rnn_scan`). Any other cell -- an object with ``state_size``
and ``call(inputs, states)`` returning ``(output, new_states)`` -- runs as a Python
loop over the timesteps, one cell call per step (fine for short sequences; inside
``xlaflow.function`` it is unrolled into the traced program).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow import regularizers
from xlaflow._core import state
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.layer import Layer
from xlaflow.ops import convert
from xlaflow.ops.array_ops import cast, expand_dims, stack
from xlaflow.ops.binary_ops import not_equal
from xlaflow.ops.creation_ops import zeros, zeros_like
from xlaflow.ops.gather_ops import where
from xlaflow.ops.tensor import TensorLike
from xlaflow.ops.variable import Variable


def serialize_layer(layer: Layer) -> dict:
    """A layer's Keras config dict ``{"module", "class_name", "config", "registered_name"}``."""
    return {"module": "keras.layers", "class_name": type(layer).__name__, "config": layer.get_config(),
            "registered_name": None}


def deserialize_layer(config: Any, custom_objects: dict | None = None) -> Any:
    """The layer (or cell) a :func:`serialize_layer` dict describes; objects pass through."""
    if not isinstance(config, dict):
        return config
    import xlaflow.layers as layers

    name = config.get("class_name")
    cls = (custom_objects or {}).get(name) or getattr(layers, str(name), None)
    if cls is None:
        raise ValueError(f"deserialize_layer: unknown layer class {name!r}. Pass it in `custom_objects`. Received: {config!r:.200}")
    return cls.from_config(dict(config.get("config", {})))


class RNN(Layer):
    """Base class for recurrent layers; ``RNN(cell)`` runs any cell.

    Args:
      cell: a cell: ``call(inputs, states)`` -> ``(output, new_states)`` and a
        ``state_size`` attribute (an int or a list of ints), optionally ``output_size``
        and ``get_initial_state(batch_size)``.
      return_sequences: return every step's output ``(batch, steps, units)`` instead of
        the last one.
      return_state: also return the final states: ``[output, *states]``.
      go_backwards: process the sequence from its end (outputs in processing order).
      stateful: the last states of a call are the initial states of the next call
        (per batch index) until :meth:`reset_states`.
      unroll: accepted (the loop is a compiled scan either way; with a mask, the
        unrolled masking rule of Keras is used).
      zero_output_for_mask: masked steps output zeros instead of the previous output.
    """

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, zero_output_for_mask: bool = False, **kwargs: Any):
        if isinstance(cell, (list, tuple)):
            raise ValueError(f"{type(self).__name__}: a list of cells (StackedRNNCells) is not supported. Received: cell={cell!r:.200}")
        if not hasattr(cell, "call"):
            raise ValueError(f"{type(self).__name__}: argument `cell` should have a `call` method. Received: cell={cell!r:.200}")
        state_size = getattr(cell, "state_size", None)
        if state_size is None or not isinstance(state_size, (int, list, tuple)):
            raise ValueError(
                f"{type(self).__name__}: the RNN cell should have a `state_size` attribute (an int, or a list of ints, "
                f"one per state). Received: cell={cell!r:.200} with state_size={state_size!r}"
            )
        activity_regularizer = kwargs.pop("activity_regularizer", None)
        batch_shape = kwargs.get("batch_input_shape")
        batch_arg = kwargs.get("batch_size") if batch_shape is None else tuple(batch_shape)[0]
        super().__init__(**kwargs)
        self._batch_size_arg = None if batch_arg is None else int(batch_arg)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.single_state = isinstance(state_size, int)
        self.state_size = [state_size] if self.single_state else list(state_size)
        self.states: list | None = None
        self.supports_masking = True

    # -- shapes and building --------------------------------------------------------
    def _check_rank(self, shape: tuple) -> None:
        if len(shape) < 3:
            raise ValueError(
                f'Input 0 of layer "{self.name}" is incompatible with the layer: expected ndim=3, found ndim={len(shape)}. '
                f"Full shape received: {tuple(shape)}"
            )

    def build(self, sequences_shape: Any, initial_state_shape: Any = None) -> None:
        shape = tuple(sequences_shape)
        self._check_rank(shape)
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build((shape[0],) + shape[2:])
            self.cell.built = True
        if self.input_spec is not None and shape[-1] is not None:  # the feature size is fixed from now on
            self.input_spec = InputSpec(ndim=self.input_spec.ndim, min_ndim=3, axes={-1: shape[-1]})
        batch = shape[0] if shape[0] is not None else self._batch_size_arg
        if self.stateful and batch is not None and self.states is None:
            self._create_state_variables(int(batch))
        self.built = True

    def _create_state_variables(self, batch_size: int) -> None:
        dtype = getattr(self.cell, "dtype", self.dtype)
        self.states = [Variable(zeros((batch_size, int(size)), dtype=dtype), trainable=False, name=f"{self.name}/rnn_state")
                       for size in self.state_size]

    def compute_output_shape(self, sequences_shape: Any, initial_state_shape: Any = None) -> Any:
        shape = tuple(sequences_shape)
        self._check_rank(shape)
        batch = shape[0]
        output_size = getattr(self.cell, "output_size", None) or self.state_size[0]
        out = (batch, shape[1], output_size) if self.return_sequences else (batch, output_size)
        if self.return_state:
            return (out, *[(batch, int(s)) for s in self.state_size])
        return out

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def get_initial_state(self, batch_size: int) -> list:
        """Zero states ``(batch_size, size)`` (or the cell's ``get_initial_state``)."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            states = fn(batch_size=batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [zeros((batch_size, int(size)), dtype=self.dtype) for size in self.state_size]

    def reset_states(self) -> None:
        """Sets the states of a stateful layer back to zeros (Keras' ``reset_states``)."""
        self.reset_state()

    def reset_state(self) -> None:
        if self.states is not None:
            for var in self.states:
                var.assign(zeros_like(var))

    # -- calling ----------------------------------------------------------------------
    def _initial_states(self, sequences: Any, initial_state: Any) -> tuple[list, bool]:
        """The states to start from (None entries: zeros, made inside the fused op), and
        whether to store the final ones (stateful)."""
        batch = sequences.shape[0]
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            if len(states) != len(self.state_size):
                raise ValueError(
                    f"Layer {self.name}: `initial_state` must hold {len(self.state_size)} tensor(s) (one per state of the "
                    f"cell). Received: {len(states)}"
                )
            return [cast(convert.convert_to_tensor(s), self.dtype) if not isinstance(s, TensorLike) or s.dtype != self.dtype else s
                    for s in states], self.stateful
        if self.stateful:
            if self.states is None:
                self._create_state_variables(self._batch_size_arg or batch)
            expected = int(self.states[0].shape[0])
            if batch != expected:
                scope = state.current()
                if scope is not None and scope.discovering:  # a throw-away run on a sample (e.g. fit's first batch)
                    return self.get_initial_state(batch), False
                raise ValueError(
                    f"Layer {self.name}: if an RNN is stateful, the batch size of the input sequences must be the same as the "
                    f"batch size of its states (fix it with `batch_size=` on the layer or a built batch shape). "
                    f"Expected batch size: {expected}. Received: {batch}"
                )
            return list(self.states), True
        if self._fused():
            return [None] * len(self.state_size), False
        return self.get_initial_state(batch), False

    def _fused(self) -> bool:
        return getattr(self.cell, "_fused_loop", None) is not None and self.cell._fused_ok()

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is not None:
            if not isinstance(mask, TensorLike) and not getattr(mask, "_xf_symbolic", False):
                mask = np.asarray(mask) != 0  # host data: no int64 round trip
            mask = convert.convert_to_tensor(mask)
            if not mask.dtype.is_bool:
                mask = not_equal(mask, 0)
        states, keep = self._initial_states(sequences, initial_state)
        if self._fused():
            output, new_states = self.cell._fused_loop(sequences, states, mask, bool(training), go_backwards=self.go_backwards,
                                                       return_sequences=self.return_sequences,
                                                       zero_output_for_mask=self.zero_output_for_mask, unroll=self.unroll)
        else:
            output, new_states = self._python_loop(sequences, states, mask, training)
        if keep and self.states is not None:
            for var, value in zip(self.states, new_states):
                var.assign(value)
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(output))
        if self.return_state:
            return [output, *new_states]
        return output

    def _python_loop(self, sequences: Any, states: list, mask: Any, training: Any) -> tuple:
        """The generic loop: one cell call per timestep (for cells without a fused op)."""
        cell = self.cell
        call = cell if isinstance(cell, Layer) else cell.call
        kwargs = {"training": training} if isinstance(cell, Layer) and cell._call_has_training else {}
        steps = int(sequences.shape[1])
        order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
        outputs: list = []
        prev = None
        for t in order:
            out, new = call(sequences[:, t], list(states), **kwargs)
            new = list(new) if isinstance(new, (list, tuple)) else [new]
            if mask is not None:
                keep = expand_dims(mask[:, t], -1)
                if self.unroll:
                    fallback = zeros_like(out) if prev is None else prev
                elif self.zero_output_for_mask:
                    fallback = zeros_like(out)
                else:
                    fallback = states[0]
                out = where(keep, out, fallback)
                new = [where(keep, n, s) for n, s in zip(new, states)]
            states, prev = new, out
            if self.return_sequences:
                outputs.append(out)
        return (stack(outputs, axis=1) if self.return_sequences else prev), states

    # -- configuration ------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        })
        if self._batch_size_arg is not None and config.get("batch_input_shape") is not None:
            config["batch_input_shape"] = (self._batch_size_arg,) + tuple(config["batch_input_shape"][1:])
        if type(self) is RNN:
            config["cell"] = serialize_layer(self.cell) if isinstance(self.cell, Layer) else self.cell
        return config

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> "RNN":
        config = dict(config)
        if cls is RNN:
            return cls(deserialize_layer(config.pop("cell"), custom_objects), **config)
        return cls(**config)
