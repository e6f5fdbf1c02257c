"""``SimpleRNNCell`` and ``SimpleRNN``: ``h_t = activation(x_t @ W + b + h_{t-1} @ U)``
(Keras' fully-connected RNN). The time loop is the ``SimpleRNNScan`` op of
:mod:`xlaflow.layers.rnn_scan`.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.rnn import RNN
from xlaflow.layers.rnn_cell import CellLayerMixin, RecurrentCell, fused
from xlaflow.layers.rnn_scan import simple_rnn_scan


class SimpleRNNCell(RecurrentCell):
    """One SimpleRNN step: ``call(inputs, states)`` -> ``(h, [h])`` (``h`` alone when
    ``states`` is a single tensor). Arguments as in :class:`SimpleRNN`."""

    gates = 1

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: Any = None, **kwargs: Any):
        super().__init__(units, activation, None, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint, recurrent_constraint,
                         bias_constraint, dropout, recurrent_dropout, seed, **kwargs)

    def _fused_loop(self, sequences: Any, states: list, mask: Any, training: bool, **options: Any) -> tuple:
        dp, rdp = self._dropout_masks(sequences, training)
        out, h = simple_rnn_scan(inputs=sequences, kernel=self.kernel, recurrent_kernel=self.recurrent_kernel, bias=self.bias,
                                 initial_h=states[0], mask=mask, dropout_mask=dp, recurrent_dropout_mask=rdp,
                                 activation=self.activation, **options)
        return out, [h]

    @fused
    def call(self, inputs: Any, states: Any, training: Any = False) -> Any:
        out, new = self._step(inputs, states, training)
        return out, (new if isinstance(states, (list, tuple)) else new[0])


class SimpleRNN(CellLayerMixin, RNN):
    """A fully-connected RNN over ``(batch, steps, features)`` inputs.

    Args:
      units: size of the output and state.
      activation: ``"tanh"`` by default (None: linear).
      use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
      kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
      kernel_constraint, recurrent_constraint, bias_constraint, dropout,
      recurrent_dropout, seed: as in :class:`~xlaflow.layers.LSTM`.
      return_sequences, return_state, go_backwards, stateful, unroll: see :class:`RNN`.

    Returns ``output`` or ``[output, h]`` with ``return_state``.
    """

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros", kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 seed: Any = None, **kwargs: Any):
        cell = SimpleRNNCell(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                             recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                             kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                             bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                             recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
                             recurrent_dropout=recurrent_dropout, seed=seed, dtype=kwargs.get("dtype"),
                             trainable=kwargs.get("trainable", True), name="simple_rnn_cell")
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._cell_config())
        return config
