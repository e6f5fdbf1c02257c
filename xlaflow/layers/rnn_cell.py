"""What the built-in recurrent cells share: arguments, weights, dropout masks, config.

``SimpleRNNCell``, ``LSTMCell`` and ``GRUCell`` differ only in their number of gates,
their bias and the fused op that runs them (:mod:`xlaflow.layers.rnn_scan`); this
base holds the rest. A cell's weights follow Keras exactly: ``kernel``
``(input_dim, gates*units)``, ``recurrent_kernel`` ``(units, gates*units)``, ``bias``.

Dropout follows Keras' cells: while training, one input mask and one recurrent mask
per call (the same for every timestep), scaled by ``1 / (1 - rate)``; with
``recurrent_dropout`` (Keras' ``implementation=1``) one mask per gate.
"""

from __future__ import annotations

from typing import Any

from xlaflow import activations, constraints, initializers, regularizers
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import expand_dims
from xlaflow.ops.creation_ops import ones
from xlaflow.ops.stat_ops import dropout as dropout_op


def _serialize(module: Any, value: Any) -> Any:
    return None if value is None else module.serialize(value)


def fused(call: Any) -> Any:
    """Marks a built-in cell's ``call``: the RNN layer may then run its fused op instead
    (a subclass that overrides ``call`` gets the generic per-step loop)."""
    call._xf_fused = True
    return call


class RecurrentCell(Layer):
    """Base of the built-in cells (not public): ``gates`` blocks of ``units`` each."""

    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: Any = None,
                 **kwargs: Any):
        kwargs.pop("implementation", None)
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            raise ValueError(
                f"{type(self).__name__}: received an invalid value for argument `units`, expected a positive integer. "
                f"Received: units={units!r}"
            )
        self.units = units
        self.activation = activations.get(activation)
        self.recurrent_activation = None if recurrent_activation is None else activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1.0, max(0.0, float(dropout)))
        self.recurrent_dropout = min(1.0, max(0.0, float(recurrent_dropout)))
        self.seed = seed
        self.state_size: Any = units
        self.output_size = units
        self.kernel = self.recurrent_kernel = self.bias = None

    # -- weights ------------------------------------------------------------------------
    def _bias_shape(self) -> tuple:
        return (self.gates * self.units,)

    def _bias_initializer(self) -> Any:
        return self.bias_initializer

    def build(self, input_shape: Any) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(f'{type(self).__name__} "{self.name}": the last dimension of the inputs must be known. '
                             f"Received: input_shape={tuple(input_shape)}")
        width = self.gates * self.units
        self.kernel = self.add_weight((input_dim, width), self.kernel_initializer, name="kernel",
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight((self.units, width), self.recurrent_initializer, name="recurrent_kernel",
                                                regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(self._bias_shape(), self._bias_initializer(), name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.built = True

    # -- running --------------------------------------------------------------------------
    def _dropout_masks(self, sequences: Any, training: bool) -> tuple:
        """The input and recurrent dropout masks ``(g, batch, features)`` (None when unused)."""
        if not training or not (0.0 < self.dropout < 1.0 or 0.0 < self.recurrent_dropout < 1.0):
            return None, None
        batch, input_dim = int(sequences.shape[0]), int(sequences.shape[-1])
        count = self.gates if self.recurrent_dropout > 0 else 1
        dp = rdp = None
        if 0.0 < self.dropout < 1.0:
            dp = dropout_op(ones((count, batch, input_dim), dtype=self.dtype), self.dropout, seed=self.seed)
        if 0.0 < self.recurrent_dropout < 1.0:
            rdp = dropout_op(ones((count, batch, self.units), dtype=self.dtype), self.recurrent_dropout, seed=self.seed)
        return dp, rdp

    def _fused_ok(self) -> bool:
        return getattr(type(self).call, "_xf_fused", False)

    def _fused_loop(self, sequences: Any, states: list, mask: Any, training: bool, **options: Any) -> tuple:
        """Runs the cell over ``sequences`` ``(batch, steps, features)`` as one op.

        Returns ``(output, new_states)``.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement `_fused_loop`.")

    def _step(self, inputs: Any, states: Any, training: Any) -> tuple:
        """One timestep through the fused op: ``(output, new_states list)``."""
        listed = list(states) if isinstance(states, (list, tuple)) else [states]
        return self._fused_loop(expand_dims(inputs, 1), listed, None, bool(training), go_backwards=False,
                                return_sequences=False, zero_output_for_mask=False, unroll=False)

    def get_initial_state(self, batch_size: int | None = None) -> list:
        from xlaflow.ops.creation_ops import zeros

        sizes = self.state_size if isinstance(self.state_size, (list, tuple)) else [self.state_size]
        return [zeros((batch_size, size), dtype=self.dtype) for size in sizes]

    # -- configuration ----------------------------------------------------------------------
    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(regularizers, self.kernel_regularizer),
            "recurrent_regularizer": _serialize(regularizers, self.recurrent_regularizer),
            "bias_regularizer": _serialize(regularizers, self.bias_regularizer),
            "kernel_constraint": _serialize(constraints, self.kernel_constraint),
            "recurrent_constraint": _serialize(constraints, self.recurrent_constraint),
            "bias_constraint": _serialize(constraints, self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        })
        if self.recurrent_activation is not None:
            config["recurrent_activation"] = activations.serialize(self.recurrent_activation)
        return config


class CellLayerMixin:
    """The properties a layer (``LSTM`` ...) exposes from its cell, and its config:
    the RNN options plus the cell's arguments (Keras writes no ``cell`` entry)."""

    cell: RecurrentCell

    units = property(lambda self: self.cell.units)
    activation = property(lambda self: self.cell.activation)
    recurrent_activation = property(lambda self: self.cell.recurrent_activation)
    use_bias = property(lambda self: self.cell.use_bias)
    kernel_initializer = property(lambda self: self.cell.kernel_initializer)
    recurrent_initializer = property(lambda self: self.cell.recurrent_initializer)
    bias_initializer = property(lambda self: self.cell.bias_initializer)
    kernel_regularizer = property(lambda self: self.cell.kernel_regularizer)
    recurrent_regularizer = property(lambda self: self.cell.recurrent_regularizer)
    bias_regularizer = property(lambda self: self.cell.bias_regularizer)
    kernel_constraint = property(lambda self: self.cell.kernel_constraint)
    recurrent_constraint = property(lambda self: self.cell.recurrent_constraint)
    bias_constraint = property(lambda self: self.cell.bias_constraint)
    dropout = property(lambda self: self.cell.dropout)
    recurrent_dropout = property(lambda self: self.cell.recurrent_dropout)

    def _cell_config(self) -> dict:
        cell = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell.pop(key, None)
        cell["activity_regularizer"] = _serialize(regularizers, self.activity_regularizer)  # type: ignore[attr-defined]
        return cell
