"""``MultiHeadAttention``: scaled dot-product attention over several heads (Keras 3's
MultiHeadAttention).

Query, key and value are projected by einsum projections whose weights have Keras'
shapes and order (``query/kernel (dim, heads, key_dim)``, ``query/bias (heads,
key_dim)``, then key, value, and ``attention_output/kernel (heads, value_dim,
out...)``), so ``set_weights(keras_layer.get_weights())`` reproduces a Keras layer.

Keras computes the attention two ways and both are reproduced here, because they
differ where a query row is fully masked: when there is no dropout, no returned
scores and rank-3 inputs it uses the fused ``dot_product_attention`` (masked logits
set to ``-0.7 * float32.max``: a fully masked row attends uniformly); otherwise it
scales the query, masks the scores with ``-1e9`` and zeroes masked probabilities
(a fully masked row gives zeros).
"""

from __future__ import annotations

import math
from typing import Any

from xlaflow import constraints, initializers, regularizers
from xlaflow.layers.attention_ops import (
    Projection, attention_equations, attention_probabilities, combine_masks, dot_product_attention, projection_equation,
)
from xlaflow.layers.layer import Layer
from xlaflow.ops.contract_ops import einsum
from xlaflow.ops.stat_ops import dropout as _dropout

def _shape_of(x: Any) -> tuple:
    return tuple(x.shape.as_list()) if hasattr(x.shape, "as_list") else tuple(x.shape)


class MultiHeadAttention(Layer):
    """Multi-head attention: ``softmax(Q K^T / sqrt(key_dim)) V`` per head, with
    learned projections of query, key and value and of the concatenated heads.

    Args:
      num_heads: the number of heads.
      key_dim: the size of each head for query and key.
      value_dim: the size of each head for value (``key_dim`` when None).
      dropout: dropout rate on the attention probabilities (in training).
      use_bias: whether the projections have biases.
      output_shape: the trailing output shape (an int or tuple); the query's last
        dimension when None.
      attention_axes: the axes attention runs over (all but batch, heads and
        features when None).
      sliding_window: attend only to keys within ``sliding_window - 1`` positions.
      flash_attention: accepted; XLA chooses the kernel.
      kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: for the projections.
      use_gate: multiply the heads by a sigmoid gate projected from the query.
      seed: op seed of the dropout.

    Call arguments: ``query (B, T, dim)``, ``value (B, S, dim)``, ``key`` (``value``
    when None), ``attention_mask`` (bool ``(B, T, S)``, true where attention is
    allowed), ``return_attention_scores``, ``training``, ``use_causal_mask``, and the
    Keras masks ``query_mask``/``value_mask``/``key_mask`` (taken from the inputs'
    masks when not given).
    """

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: Any = None, attention_axes: Any = None,
                 sliding_window: int | None = None, flash_attention: Any = None, kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, bias_constraint: Any = None,
                 use_gate: bool = False, seed: int | None = None, **kwargs: Any):
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"MultiHeadAttention: argument `{arg}` must be a positive int. Received: {arg}={value!r}")
        if value_dim is not None and (isinstance(value_dim, bool) or not isinstance(value_dim, int) or value_dim <= 0):
            raise ValueError(
                f"MultiHeadAttention: argument `value_dim` must be a positive int or None. Received: value_dim={value_dim!r}"
            )
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
            raise ValueError(f"MultiHeadAttention: argument `dropout` must be a float in [0, 1). Received: dropout={dropout!r}")
        super().__init__(**kwargs)
        self._num_heads, self._key_dim = num_heads, key_dim
        self._value_dim = value_dim if value_dim else key_dim
        self._dropout = float(dropout)
        self._use_bias = bool(use_bias)
        self._use_gate = bool(use_gate)
        if output_shape:
            output_shape = (output_shape,) if isinstance(output_shape, int) else output_shape
            try:
                output_shape = tuple(int(d) for d in output_shape)
            except (TypeError, ValueError):
                raise ValueError(
                    "MultiHeadAttention: argument `output_shape` must be an int or a tuple/list of ints. "
                    f"Received: output_shape={output_shape!r}"
                ) from None
        self._output_shape = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None and not isinstance(attention_axes, (list, tuple)):
            raise ValueError(
                f"MultiHeadAttention: argument `attention_axes` must be an int, list or tuple. Received: {attention_axes!r}"
            )
        self._attention_axes = None if attention_axes is None else tuple(attention_axes)
        if sliding_window is not None and (isinstance(sliding_window, bool) or not isinstance(sliding_window, int)
                                           or sliding_window <= 0):
            raise ValueError(
                f"MultiHeadAttention: argument `sliding_window` must be None or a positive int. Received: {sliding_window!r}"
            )
        self._sliding_window = sliding_window
        if flash_attention and self._dropout > 0:
            raise ValueError("MultiHeadAttention: dropout is not supported with flash attention. Received: "
                             f"flash_attention=True, dropout={dropout}")
        self._flash_attention = flash_attention
        self._kernel_initializer = initializers.get(kernel_initializer)
        self._bias_initializer = initializers.get(bias_initializer)
        self._kernel_regularizer = regularizers.get(kernel_regularizer)
        self._bias_regularizer = regularizers.get(bias_regularizer)
        self._activity_regularizer = regularizers.get(activity_regularizer)
        self._kernel_constraint = constraints.get(kernel_constraint)
        self._bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self.supports_masking = True
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(key_dim))
        self._shapes: tuple | None = None

    num_heads = property(lambda self: self._num_heads)
    key_dim = property(lambda self: self._key_dim)
    value_dim = property(lambda self: self._value_dim)
    dropout = property(lambda self: self._dropout)
    use_bias = property(lambda self: self._use_bias)
    attention_axes = property(lambda self: self._attention_axes)

    # -- building --------------------------------------------------------------------
    def _common(self) -> dict:
        return {"kernel_initializer": self._kernel_initializer, "bias_initializer": self._bias_initializer,
                "kernel_regularizer": self._kernel_regularizer, "bias_regularizer": self._bias_regularizer,
                "activity_regularizer": self._activity_regularizer, "kernel_constraint": self._kernel_constraint,
                "bias_constraint": self._bias_constraint}

    def _projection(self, rank: int, bound: int, out: tuple, name: str, activation: Any = None) -> Projection:
        equation = projection_equation(rank - bound, bound, len(out))
        return Projection(equation, out, self._use_bias, self._common(), name, activation, dtype=self._dtype)

    def build(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> None:
        """Creates the projections for inputs of these shapes (``value_shape`` defaults
        to ``query_shape``, ``key_shape`` to ``value_shape``)."""
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        rank = len(query_shape)
        heads = self._num_heads
        self.query_dense = self._projection(rank, 1, (heads, self._key_dim), "query")
        self.query_dense.build(query_shape, self.name)
        self.key_dense = self._projection(rank, 1, (heads, self._key_dim), "key")
        self.key_dense.build(key_shape, self.name)
        if self._use_gate:
            from xlaflow import activations

            self.gate_dense = self._projection(rank, 1, (heads, self._value_dim), "gate", activations.get("sigmoid"))
            self.gate_dense.build(query_shape, self.name)
        self.value_dense = self._projection(rank, 1, (heads, self._value_dim), "value")
        self.value_dense.build(value_shape, self.name)
        out = self._output_shape or (query_shape[-1],)
        self.output_dense = self._projection(rank + 1, 2, tuple(out), "attention_output")
        self.output_dense.build(query_shape[:-1] + (heads, self._value_dim), self.name)
        projected_rank = rank + 1
        if self._attention_axes is None:
            self._attention_axes = tuple(range(1, projected_rank - 2))
        else:
            self._attention_axes = tuple(a if a >= 0 else projected_rank - 1 + a for a in self._attention_axes)
        if any(not 0 < a < rank - 1 for a in self._attention_axes):
            raise ValueError(
                f'MultiHeadAttention "{self.name}": `attention_axes` must name axes between the batch and the '
                f"feature axis of inputs of rank {rank}. Received: attention_axes={self._attention_axes}"
            )
        self._dot_equation, self._combine_equation, scores_rank = attention_equations(projected_rank, self._attention_axes)
        n = len(self._attention_axes)
        self._softmax_axes = tuple(range(scores_rank - n, scores_rank))
        self._shapes = (query_shape, value_shape, key_shape)
        self.built = True

    def _check_shapes(self, query_shape: tuple, value_shape: tuple, key_shape: tuple) -> None:
        head = f'MultiHeadAttention "{self.name}":'
        if len(query_shape) < 3:
            raise ValueError(f"{head} `query` must have rank >= 3 (batch, ..., features). Received: query.shape={query_shape}")
        if len(value_shape) != len(query_shape) or len(key_shape) != len(query_shape):
            raise ValueError(
                f"{head} `query`, `value` and `key` must have the same rank. Received: query.shape={query_shape}, "
                f"value.shape={value_shape}, key.shape={key_shape}"
            )
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f"{head} all dimensions of `value` and `key`, except the last one, must be equal. "
                f"Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        if self._shapes is not None:
            for arg, got, want in zip(("query", "value", "key"), (query_shape, value_shape, key_shape), self._shapes):
                if got[-1] != want[-1]:
                    raise ValueError(
                        f'Input {arg!r} of layer "{self.name}" is incompatible with the layer: expected last dimension '
                        f"{want[-1]} (the layer was built for {arg}.shape={want}). Received: {arg}.shape={got}"
                    )

    # -- calling -----------------------------------------------------------------------
    def __call__(self, query: Any, value: Any = None, key: Any = None, **kwargs: Any) -> Any:
        if value is None:
            raise TypeError(f'MultiHeadAttention "{self.name}": missing the required argument `value`. Received: value=None')
        value = self._convert_inputs(value)
        key = value if key is None else self._convert_inputs(key)
        query = self._convert_inputs(query)
        self._check_shapes(_shape_of(query), _shape_of(value), _shape_of(key))
        if not self.built:
            self.build(_shape_of(query), _shape_of(value), _shape_of(key))
        for name, tensor in (("value_mask", value), ("key_mask", key)):
            if kwargs.get(name) is None:
                kwargs[name] = getattr(tensor, "_keras_mask", None)
        return super().__call__(query, value, key, **kwargs)

    def call(self, query: Any, value: Any, key: Any = None, query_mask: Any = None, value_mask: Any = None,
             key_mask: Any = None, attention_mask: Any = None, return_attention_scores: bool = False,
             training: Any = None, use_causal_mask: bool = False) -> Any:
        key = value if key is None else key
        if query_mask is None:
            query_mask = getattr(query, "_keras_mask", None)
        t, src = _shape_of(query)[1], _shape_of(value)[1]
        mask = None
        if any(m is not None for m in (query_mask, value_mask, key_mask, attention_mask)) or use_causal_mask \
                or self._sliding_window is not None:
            mask = combine_masks(attention_mask, query_mask, value_mask, key_mask, steps=(t, src),
                                  causal=bool(use_causal_mask), window=self._sliding_window)
        gate = self.gate_dense(query) if self._use_gate else None
        q = self.query_dense(query)
        k = self.key_dense(key)
        v = self.value_dense(value)
        out, scores = self._compute_attention(q, k, v, mask, training, return_attention_scores)
        if gate is not None:
            out = out * gate
        out = self.output_dense(out)
        return (out, scores) if return_attention_scores else out

    def _compute_attention(self, query: Any, key: Any, value: Any, mask: Any, training: Any,
                           return_attention_scores: bool) -> tuple:
        """Dot-product attention of projected ``(B, T, N, key_dim)`` tensors (or their
        higher-rank forms): ``(output, scores or None)``."""
        fused = not (self._dropout > 0 or return_attention_scores or query.shape.rank != 4)
        static = dict(dot_equation=self._dot_equation, axes=self._softmax_axes, fused=fused,
                      expand_axis=-len(self._attention_axes) * 2 - 1, scale=self._inverse_sqrt_key_dim)
        if self._dropout > 0 and training:
            probs = attention_probabilities(query, key, mask, **static)
            out = einsum(self._combine_equation, _dropout(probs, self._dropout, seed=self.seed), value)
        else:
            out, probs = dot_product_attention(query, key, value, mask, combine_equation=self._combine_equation, **static)
        return out, (None if fused else probs)

    def compute_output_shape(self, query_shape: Any, value_shape: Any = None, key_shape: Any = None) -> Any:
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        if value_shape[1:-1] != key_shape[1:-1]:
            raise ValueError(
                f'MultiHeadAttention "{self.name}": all dimensions of `value` and `key`, except the last one, must be '
                f"equal. Received: value_shape={value_shape} and key_shape={key_shape}"
            )
        return query_shape[:-1] + self._output_shape if self._output_shape else query_shape

    def get_config(self) -> dict:
        config = super().get_config()
        ser = lambda obj, mod: None if obj is None else mod.serialize(obj)  # noqa: E731
        config.update({
            "num_heads": self._num_heads,
            "key_dim": self._key_dim,
            "value_dim": self._value_dim,
            "dropout": self._dropout,
            "use_bias": self._use_bias,
            "use_gate": self._use_gate,
            "output_shape": self._output_shape,
            "attention_axes": self._attention_axes,
            "sliding_window": self._sliding_window,
            "kernel_initializer": initializers.serialize(self._kernel_initializer),
            "bias_initializer": initializers.serialize(self._bias_initializer),
            "kernel_regularizer": ser(self._kernel_regularizer, regularizers),
            "bias_regularizer": ser(self._bias_regularizer, regularizers),
            "activity_regularizer": ser(self._activity_regularizer, regularizers),
            "kernel_constraint": ser(self._kernel_constraint, constraints),
            "bias_constraint": ser(self._bias_constraint, constraints),
            "seed": self.seed,
        })
        return config
