"""The computations inside ``MultiHeadAttention``, as pure ops: einsum equations for
the projections and the attention, Keras' attention-mask combination, masked softmax
and the projection layer that owns Keras' ``EinsumDense`` weights.

Each op is one compiled XLA program (``@op``), so an attention call is a handful of
ops rather than a dozen, eagerly and under ``GradientTape`` alike. The softmax
follows Keras' two code paths (see :mod:`xlaflow.layers.attention`).
"""

from __future__ import annotations

import string
from typing import Any

import jax
import jax.numpy as jnp

from xlaflow.layers.layer import Layer
from xlaflow.ops.dispatch import op

_LETTERS = string.ascii_lowercase


def projection_equation(free_dims: int, bound_dims: int, output_dims: int) -> str:
    """``"<free><bound>,<bound><out>-><free><out>"``: contracts ``bound_dims`` trailing
    input axes with a kernel that adds ``output_dims`` axes."""
    free = _LETTERS[:free_dims]
    bound = _LETTERS[free_dims:free_dims + bound_dims]
    out = _LETTERS[free_dims + bound_dims:free_dims + bound_dims + output_dims]
    return f"{free}{bound},{bound}{out}->{free}{out}"


def attention_equations(rank: int, attn_axes: tuple[int, ...]) -> tuple[str, str, int]:
    """Einsum equations of the scores ``(key, query) -> scores`` and of the combination
    ``(scores, value) -> output`` for projected tensors of ``rank`` (..., heads,
    channels) attending over ``attn_axes``; the scores are laid out as (batch-like
    axes incl. heads, query attention axes, key attention axes)."""
    target = _LETTERS[:rank]
    batch_dims = [i for i in range(rank) if i not in attn_axes and i != rank - 1]
    source, extra = "", iter(_LETTERS[rank:])
    for i in range(rank):
        source += target[i] if i in batch_dims or i == rank - 1 else next(extra)
    product = "".join([target[i] for i in batch_dims] + [target[i] for i in attn_axes] + [source[i] for i in attn_axes])
    return f"{source},{target}->{product}", f"{product},{source}->{target}", len(product)


@op("AttentionMask", tensors=("attention_mask", "query_mask", "value_mask", "key_mask"))
def combine_masks(attention_mask, query_mask, value_mask, key_mask, steps, causal, window):
    """Keras' attention mask: the logical and of ``attention_mask`` (B, T, S), the
    Keras masks of query (B, T) -> (B, T, 1), value and key (B, S) -> (B, 1, S), the
    causal mask and the sliding-window band (1, T, S). Nonzero counts as true."""
    def as_bool(m):
        return m if m.dtype == jnp.bool_ else m != 0

    t, s = steps
    parts = []
    if attention_mask is not None:
        parts.append(as_bool(attention_mask))
    if query_mask is not None:
        parts.append(as_bool(query_mask)[..., :, None])
    for m in (value_mask, key_mask):
        if m is not None:
            parts.append(as_bool(m)[..., None, :])
    if causal:
        parts.append(jnp.tril(jnp.ones((t, s), jnp.bool_))[None])
    if window is not None:
        parts.append((jnp.abs(jnp.arange(t)[:, None] - jnp.arange(s)[None, :]) < window)[None])
    mask = parts[0]
    for part in parts[1:]:
        mask = jnp.logical_and(mask, part)
    return mask


def _probabilities(query, key, mask, dot_equation, axes, fused, expand_axis, scale):
    """Attention probabilities of projected ``query``/``key`` over ``axes``, with
    ``mask`` (bool; missing axes inserted at ``expand_axis``, as Keras does) applied
    the way Keras' fused (``fused``) or einsum attention path does."""
    if mask is not None:
        while mask.ndim < len(dot_equation.split("->")[1]):
            mask = jnp.expand_dims(mask, expand_axis)
    if fused:  # Keras' dot_product_attention: scaled logits, masked to -0.7 * max, softmax in float32
        scores = jnp.einsum(dot_equation, key, query) * jnp.asarray(scale, query.dtype)
        if mask is not None:
            scores = jnp.where(mask, scores, jnp.asarray(-0.7 * jnp.finfo(scores.dtype).max, scores.dtype))
        return jax.nn.softmax(scores.astype(jnp.float32), axis=-1).astype(query.dtype)
    scores = jnp.einsum(dot_equation, key, query * jnp.asarray(scale, query.dtype))
    if mask is not None:
        scores = jnp.where(mask, scores, jnp.asarray(-1e9, scores.dtype))
    if len(axes) > 1:
        probs = jnp.exp(scores - jax.nn.logsumexp(scores, axis=axes, keepdims=True))
    else:
        probs = jax.nn.softmax(scores, axis=axes[0])
    return probs if mask is None else jnp.where(mask, probs, jnp.zeros((), probs.dtype))


@op("AttentionProbabilities", tensors=("query", "key", "mask"))
def attention_probabilities(query, key, mask, dot_equation, axes, fused, expand_axis, scale):
    """The attention probabilities alone (for dropout between softmax and combination)."""
    return _probabilities(query, key, mask, dot_equation, axes, fused, expand_axis, scale)


@op("DotProductAttention", tensors=("query", "key", "value", "mask"))
def dot_product_attention(query, key, value, mask, dot_equation, combine_equation, axes, fused, expand_axis, scale):
    """``(output, probabilities)`` of dot-product attention in one compiled op."""
    probs = _probabilities(query, key, mask, dot_equation, axes, fused, expand_axis, scale)
    return jnp.einsum(combine_equation, probs, value), probs


@op("EinsumProjection", tensors=("x", "kernel", "bias"))
def project(x, kernel, bias, equation):
    """``einsum(equation, x, kernel) + bias`` (Keras' EinsumDense with bias on the output axes)."""
    out = jnp.einsum(equation, x, kernel)
    return out if bias is None else out + bias


class Projection(Layer):
    """An einsum projection with a kernel and an optional bias over the output axes
    (the weights of Keras' ``EinsumDense`` inside MultiHeadAttention)."""

    def __init__(self, equation: str, output_dims: tuple, use_bias: bool, common: dict, name: str,
                 activation: Any = None, dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.equation = equation
        self.output_dims = tuple(output_dims)
        self.use_bias = use_bias
        self.common = common
        self.activation = activation
        self.kernel = self.bias = None

    def build(self, input_shape: Any, scope: str | None = None) -> None:
        """Creates kernel and bias; their Variable names start with ``scope/`` (the
        attention layer's name) so that they read ``mha/query/kernel``."""
        short = self.name
        if scope:
            self.name = f"{scope}/{short}"
        try:
            self._build(input_shape)
        finally:
            self.name = short

    def _build(self, input_shape: Any) -> None:
        inputs, kernel = self.equation.split("->")[0].split(",")
        bound = [input_shape[inputs.index(c)] for c in kernel[:len(kernel) - len(self.output_dims)]]
        c = self.common
        self.kernel = self.add_weight(tuple(bound) + self.output_dims, c["kernel_initializer"], name="kernel",
                                      regularizer=c["kernel_regularizer"], constraint=c["kernel_constraint"])
        if self.use_bias:
            self.bias = self.add_weight(self.output_dims, c["bias_initializer"], name="bias",
                                        regularizer=c["bias_regularizer"], constraint=c["bias_constraint"])
        self.built = True

    def call(self, inputs: Any) -> Any:
        out = project(inputs, self.kernel, self.bias, self.equation)
        if self.activation is not None:
            out = self.activation(out)
        if self.common["activity_regularizer"] is not None:
            self.add_loss(self.common["activity_regularizer"](out))
        return out
