"""``LSTMCell`` and ``LSTM`` (Keras' Long Short-Term Memory layer, Hochreiter 1997).

Gates i, f, c, o in that order along the kernels' last axis; with
``unit_forget_bias`` (the default) the forget block of the bias starts at 1.
The time loop is the single ``LSTMScan`` op of :mod:`xlaflow.layers.rnn_scan`.
"""

from __future__ import annotations

from typing import Any

from xlaflow import initializers
from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.rnn import RNN
from xlaflow.layers.rnn_cell import CellLayerMixin, RecurrentCell, fused
from xlaflow.layers.rnn_scan import lstm_scan
from xlaflow.ops.array_ops import concat


class LSTMCell(RecurrentCell):
    """One LSTM step: ``call(inputs, [h, c])`` -> ``(h, [h, c])``.

    Args:
      units: size of the output and of each state.
      activation: for the candidate and the output (``"tanh"``).
      recurrent_activation: for the gates (``"sigmoid"``).
      unit_forget_bias: add 1 to the forget gate's bias at initialization.
      (the rest as in :class:`LSTM`)
    """

    gates = 4

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: Any = None, **kwargs: Any):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [units, units]

    def _bias_initializer(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, base = self.units, self.bias_initializer

        def init(shape: Any, dtype: Any = None, **kwargs: Any) -> Any:
            ones = initializers.get("ones")
            return concat([base((units,), dtype=dtype), ones((units,), dtype=dtype), base((2 * units,), dtype=dtype)], 0)

        return init

    def _fused_loop(self, sequences: Any, states: list, mask: Any, training: bool, **options: Any) -> tuple:
        dp, rdp = self._dropout_masks(sequences, training)
        out, h, c = lstm_scan(inputs=sequences, kernel=self.kernel, recurrent_kernel=self.recurrent_kernel, bias=self.bias,
                              initial_h=states[0], initial_c=states[1], mask=mask, dropout_mask=dp, recurrent_dropout_mask=rdp,
                              activation=self.activation, recurrent_activation=self.recurrent_activation, **options)
        return out, [h, c]

    @fused
    def call(self, inputs: Any, states: Any, training: Any = False) -> Any:
        return self._step(inputs, states, training)

    def get_config(self) -> dict:
        config = super().get_config()
        config["unit_forget_bias"] = self.unit_forget_bias
        return config


class LSTM(CellLayerMixin, RNN):
    """Long Short-Term Memory over ``(batch, steps, features)`` inputs.

    Args:
      units: size of the output and states.
      activation, recurrent_activation: ``"tanh"`` and ``"sigmoid"`` by default.
      use_bias, unit_forget_bias: whether to use a bias; whether its forget block
        starts at 1.
      kernel_initializer, recurrent_initializer, bias_initializer: Keras defaults
        glorot_uniform, orthogonal, zeros.
      kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
      kernel_constraint, recurrent_constraint, bias_constraint: as in Dense.
      dropout, recurrent_dropout: fractions of the inputs / of the recurrent state
        dropped while training.
      seed: seed of the dropout masks.
      return_sequences, return_state, go_backwards, stateful, unroll: see :class:`RNN`.
      use_cudnn: accepted for compatibility (XLA picks the kernels).

    Returns ``output`` or ``[output, h, c]`` with ``return_state``.
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: Any = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 use_cudnn: Any = "auto", **kwargs: Any):
        cell = LSTMCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                        kernel_initializer=kernel_initializer, unit_forget_bias=unit_forget_bias,
                        recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                        kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                        bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                        recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                        recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
                        trainable=kwargs.get("trainable", True), name="lstm_cell", implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        if use_cudnn not in ("auto", True, False):
            raise ValueError(f"LSTM: invalid value received for argument `use_cudnn`. Expected one of {{'auto', True, False}}. "
                             f"Received: use_cudnn={use_cudnn!r}")
        self.use_cudnn = use_cudnn
        self.input_spec = InputSpec(ndim=3)

    unit_forget_bias = property(lambda self: self.cell.unit_forget_bias)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._cell_config())
        return config
