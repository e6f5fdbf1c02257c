"""``GRUCell`` and ``GRU`` (Keras' Gated Recurrent Unit, Cho et al. 2014).

Gates z (update), r (reset), h (candidate) in that order. Keras 3's default
``reset_after=True`` (the cuDNN-compatible form) has a ``(2, 3*units)`` bias, input
and recurrent rows; ``reset_after=False`` a ``(3*units,)`` one. The time loop is the
``GRUScan`` op of :mod:`xlaflow.layers.rnn_scan`.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.input_spec import InputSpec
from xlaflow.layers.rnn import RNN
from xlaflow.layers.rnn_cell import CellLayerMixin, RecurrentCell, fused
from xlaflow.layers.rnn_scan import gru_scan


class GRUCell(RecurrentCell):
    """One GRU step: ``call(inputs, states)`` -> ``(h, [h])`` (``h`` alone when ``states``
    is a single tensor). Arguments as in :class:`GRU`."""

    gates = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0, reset_after: bool = True,
                 seed: Any = None, **kwargs: Any):
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, **kwargs)
        self.reset_after = bool(reset_after)

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _fused_loop(self, sequences: Any, states: list, mask: Any, training: bool, **options: Any) -> tuple:
        dp, rdp = self._dropout_masks(sequences, training)
        out, h = gru_scan(inputs=sequences, kernel=self.kernel, recurrent_kernel=self.recurrent_kernel, bias=self.bias,
                          initial_h=states[0], mask=mask, dropout_mask=dp, recurrent_dropout_mask=rdp,
                          activation=self.activation, recurrent_activation=self.recurrent_activation,
                          reset_after=self.reset_after, **options)
        return out, [h]

    @fused
    def call(self, inputs: Any, states: Any, training: Any = False) -> Any:
        out, new = self._step(inputs, states, training)
        return out, (new if isinstance(states, (list, tuple)) else new[0])

    def get_config(self) -> dict:
        config = super().get_config()
        config["reset_after"] = self.reset_after
        return config


class GRU(CellLayerMixin, RNN):
    """Gated Recurrent Unit over ``(batch, steps, features)`` inputs.

    Args:
      units: size of the output and state.
      activation, recurrent_activation: ``"tanh"`` and ``"sigmoid"`` by default.
      reset_after: apply the reset gate after the recurrent matmul (Keras 3 default True).
      use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
      kernel_regularizer, recurrent_regularizer, bias_regularizer, activity_regularizer,
      kernel_constraint, recurrent_constraint, bias_constraint, dropout,
      recurrent_dropout, seed, use_cudnn: as in :class:`~xlaflow.layers.LSTM`.
      return_sequences, return_state, go_backwards, stateful, unroll: see :class:`RNN`.

    Returns ``output`` or ``[output, h]`` with ``return_state``.
    """

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: Any = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, reset_after: bool = True,
                 use_cudnn: Any = "auto", **kwargs: Any):
        cell = GRUCell(units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
                       kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                       bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                       recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
                       kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
                       bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
                       reset_after=reset_after, seed=seed, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True),
                       name="gru_cell", implementation=kwargs.pop("implementation", 2))
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
                         stateful=stateful, unroll=unroll, activity_regularizer=activity_regularizer, **kwargs)
        if use_cudnn not in ("auto", True, False):
            raise ValueError(f"GRU: invalid value received for argument `use_cudnn`. Expected one of {{'auto', True, False}}. "
                             f"Received: use_cudnn={use_cudnn!r}")
        self.use_cudnn = use_cudnn
        self.input_spec = InputSpec(ndim=3)

    reset_after = property(lambda self: self.cell.reset_after)

    def call(self, sequences: Any, initial_state: Any = None, mask: Any = None, training: Any = None) -> Any:
        return super().call(sequences, initial_state=initial_state, mask=mask, training=training)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(self._cell_config())
        return config
