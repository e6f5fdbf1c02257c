"""The time loops of the built-in recurrent cells, each ONE xlaflow op.

``simple_rnn_scan``, ``lstm_scan`` and ``gru_scan`` take the sequences, the cell's
kernels and bias, the initial states (None: zeros), the optional ``(batch, steps)``
mask and the optional dropout masks as tensors, and the activations / direction /
output options as static attributes. Their pure JAX implementations run the
recurrence with ``jax.lax.scan``, so a layer call is one compiled program eagerly,
one recorded op under ``GradientTape`` (differentiated with ``jax.vjp``) and inlined
inside ``xlaflow.function``.

Keras' rules (the JAX backend's ``rnn``): a masked step keeps the previous states and
outputs the previous first state (``h``), or zeros with ``zero_output_for_mask``;
with ``unroll`` a masked step repeats the previous *output* (zeros before the first).
``go_backwards`` reads the sequence from its end and returns outputs in processing
order. Dropout masks have shape ``(g, batch, features)`` with ``g`` 1 (one mask for
all gates) or the number of gates (one per gate, Keras' ``implementation=1``).
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp

from xlaflow import activations
from xlaflow.ops.dispatch import op, recorders_paused
from xlaflow.ops.tensor import Tensor

_TENSORS = ("inputs", "kernel", "recurrent_kernel", "bias", "mask", "dropout_mask", "recurrent_dropout_mask")


def _on_arrays(activation: Callable | None) -> Callable:
    """A Keras activation (working on Tensors) as a function of JAX arrays.

    The common ones map straight to their JAX functions (the same math, and XLA fuses
    them into the loop body); others run through their xlaflow op.
    """
    if activation is None or activation is activations.linear:
        return lambda a: a
    if activation is activations.tanh:
        return jnp.tanh
    if activation is activations.sigmoid:
        return jax.nn.sigmoid

    def apply(a: Any) -> Any:
        with recorders_paused():
            try:
                out = activation(Tensor._wrap(a))
            except (TypeError, ValueError):  # a function of JAX arrays (jax.nn.relu ...)
                out = activation(a)
        return out._read() if hasattr(out, "_read") else jnp.asarray(out)

    return apply


def _project(x: Any, kernel: Any, bias: Any, dropout_mask: Any, gates: int) -> Any:
    """``x @ kernel + bias`` for one step ``(batch, features)``, with the input dropout
    mask(s) applied to ``x``."""
    if dropout_mask is None:
        z = x @ kernel
    elif dropout_mask.shape[0] == 1:
        z = (x * dropout_mask[0]) @ kernel
    else:
        parts = jnp.split(kernel, gates, axis=1)
        z = jnp.concatenate([(x * dropout_mask[g]) @ parts[g] for g in range(gates)], axis=-1)
    return z if bias is None else z + bias


def _recurrent(h: Any, kernel: Any, dropout_mask: Any, gates: int) -> Any:
    """``h @ kernel`` with the recurrent dropout mask(s) applied to ``h``."""
    if dropout_mask is None:
        return h @ kernel
    if dropout_mask.shape[0] == 1:
        return (h * dropout_mask[0]) @ kernel
    parts = jnp.split(kernel, gates, axis=1)
    return jnp.concatenate([(h * dropout_mask[g]) @ parts[g] for g in range(gates)], axis=-1)


def _zeros_if_none(state: Any, inputs: Any, units: int) -> Any:
    return jnp.zeros((inputs.shape[0], units), inputs.dtype) if state is None else state


def time_loop(step: Callable, inputs: Any, states: tuple, mask: Any, go_backwards: bool, return_sequences: bool,
              zero_output_for_mask: bool, unroll: bool) -> tuple:
    """Runs ``step(x_t, states) -> (output_t, new_states)`` over ``inputs`` ``(batch, steps, ...)``.

    The step's output must be its first new state (true of every built-in cell), so
    the last output needs no carry of its own unless a masked step outputs something
    else (``zero_output_for_mask``, or the unrolled rule). Each step's input
    projection is computed inside the loop: on CPU that is faster than projecting
    all steps at once (less memory traffic in the backward pass).

    Returns ``(output, final_states)``: ``output`` is ``(batch, steps, units)`` in
    processing order with ``return_sequences``, else the last output.
    """
    xs = jnp.swapaxes(inputs, 0, 1)
    steps = xs.shape[0]
    carry_output = mask is not None and (unroll or zero_output_for_mask)
    if mask is None:
        def body(carry, x_t):
            out, new = step(x_t, carry)
            return tuple(new), (out if return_sequences else None)
        init: Any = tuple(states)
        scan_xs: Any = xs
    else:
        keep = jnp.swapaxes(mask.astype(bool), 0, 1)[..., None]  # (steps, batch, 1)

        def body(carry, inp):
            old, prev = carry if carry_output else (carry, None)
            x_t, keep_t = inp
            out, new = step(x_t, old)
            if unroll:
                fallback = prev
            elif zero_output_for_mask:
                fallback = jnp.zeros_like(out)
            else:
                fallback = old[0]
            out = jnp.where(keep_t, out, fallback)
            new = tuple(jnp.where(keep_t, n, o) for n, o in zip(new, old))
            return ((new, out) if carry_output else new), (out if return_sequences else None)
        init = (tuple(states), jnp.zeros_like(states[0])) if carry_output else tuple(states)
        scan_xs = (xs, keep)
    result, ys = jax.lax.scan(body, init, scan_xs, reverse=bool(go_backwards), unroll=max(int(steps), 1) if unroll else 1)
    final, last = result if carry_output else (result, result[0])
    if not return_sequences:
        return last, final
    if go_backwards:
        ys = jnp.flip(ys, axis=0)
    return jnp.swapaxes(ys, 0, 1), final


@op("SimpleRNNScan", tensors=_TENSORS + ("initial_h",))
def simple_rnn_scan(inputs, kernel, recurrent_kernel, bias=None, initial_h=None, mask=None, dropout_mask=None,
                    recurrent_dropout_mask=None, activation=None, go_backwards=False, return_sequences=False,
                    zero_output_for_mask=False, unroll=False):
    """A SimpleRNN over ``inputs`` ``(batch, steps, features)``: ``h = act(x @ W + b + h @ U)``.

    Returns ``(output, h)``.
    """
    act = _on_arrays(activation)

    def step(x_t, states):
        z = _project(x_t, kernel, bias, dropout_mask, 1)
        h = act(z + _recurrent(states[0], recurrent_kernel, recurrent_dropout_mask, 1))
        return h, (h,)

    initial_h = _zeros_if_none(initial_h, inputs, recurrent_kernel.shape[0])
    out, (h,) = time_loop(step, inputs, (initial_h,), mask, go_backwards, return_sequences, zero_output_for_mask, unroll)
    return out, h


@op("LSTMScan", tensors=_TENSORS + ("initial_h", "initial_c"))
def lstm_scan(inputs, kernel, recurrent_kernel, bias=None, initial_h=None, initial_c=None, mask=None, dropout_mask=None,
              recurrent_dropout_mask=None, activation=None, recurrent_activation=None, go_backwards=False,
              return_sequences=False, zero_output_for_mask=False, unroll=False):
    """An LSTM over ``inputs``; gates in Keras' order i, f, c, o along the kernels' last axis.

    Returns ``(output, h, c)``.
    """
    act, rec_act = _on_arrays(activation), _on_arrays(recurrent_activation)

    def step(x_t, states):
        h_tm1, c_tm1 = states
        z = _project(x_t, kernel, bias, dropout_mask, 4) + _recurrent(h_tm1, recurrent_kernel, recurrent_dropout_mask, 4)
        z_i, z_f, z_c, z_o = jnp.split(z, 4, axis=-1)
        c = rec_act(z_f) * c_tm1 + rec_act(z_i) * act(z_c)
        h = rec_act(z_o) * act(c)
        return h, (h, c)

    units = recurrent_kernel.shape[0]
    initial_h, initial_c = _zeros_if_none(initial_h, inputs, units), _zeros_if_none(initial_c, inputs, units)
    out, (h, c) = time_loop(step, inputs, (initial_h, initial_c), mask, go_backwards, return_sequences,
                            zero_output_for_mask, unroll)
    return out, h, c


@op("GRUScan", tensors=_TENSORS + ("initial_h",))
def gru_scan(inputs, kernel, recurrent_kernel, bias=None, initial_h=None, mask=None, dropout_mask=None,
             recurrent_dropout_mask=None, activation=None, recurrent_activation=None, reset_after=True,
             go_backwards=False, return_sequences=False, zero_output_for_mask=False, unroll=False):
    """A GRU over ``inputs``; gates z, r, h. With ``reset_after`` (Keras 3's default) the
    bias is ``(2, 3*units)`` (input and recurrent bias) and the reset gate multiplies
    ``h @ U_h + b_h``; otherwise it multiplies ``h`` before the matmul.

    Returns ``(output, h)``.
    """
    act, rec_act = _on_arrays(activation), _on_arrays(recurrent_activation)
    input_bias = recurrent_bias = None
    if bias is not None:
        input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, None)
    units = recurrent_kernel.shape[0]

    def step(x_t, states):
        h_tm1 = states[0]
        x_z, x_r, x_h = jnp.split(_project(x_t, kernel, input_bias, dropout_mask, 3), 3, axis=-1)
        if reset_after:
            inner = _recurrent(h_tm1, recurrent_kernel, recurrent_dropout_mask, 3)
            if recurrent_bias is not None:
                inner = inner + recurrent_bias
            r_z, r_r, r_h = jnp.split(inner, 3, axis=-1)
            z = rec_act(x_z + r_z)
            r = rec_act(x_r + r_r)
            r_h = r * r_h
        else:
            rdm = recurrent_dropout_mask
            two = None if rdm is None else (rdm if rdm.shape[0] == 1 else rdm[:2])
            inner = _recurrent(h_tm1, recurrent_kernel[:, : 2 * units], two, 2)
            r_z, r_r = jnp.split(inner, 2, axis=-1)
            z = rec_act(x_z + r_z)
            r = rec_act(x_r + r_r)
            h_in = h_tm1 if rdm is None else h_tm1 * rdm[-1]
            r_h = (r * h_in) @ recurrent_kernel[:, 2 * units:]
        hh = act(x_h + r_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, (h,)

    initial_h = _zeros_if_none(initial_h, inputs, units)
    out, (h,) = time_loop(step, inputs, (initial_h,), mask, go_backwards, return_sequences, zero_output_for_mask, unroll)
    return out, h
