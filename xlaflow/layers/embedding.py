"""``Embedding``: maps integer ids to rows of a trainable table (Keras' Embedding)."""

from __future__ import annotations

from typing import Any

from xlaflow import constraints, initializers, regularizers
from xlaflow._core import dtypes
from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import cast
from xlaflow.ops.binary_ops import not_equal
from xlaflow.ops.gather_ops import gather


class Embedding(Layer):
    """Turns ids ``(batch, ...)`` into vectors ``(batch, ..., output_dim)``.

    Args:
      input_dim: the vocabulary size (ids are in ``[0, input_dim)``).
      output_dim: the size of each vector.
      embeddings_initializer: initializer of the ``(input_dim, output_dim)`` table;
        Keras' default ``"uniform"`` draws from ``[-0.05, 0.05]``.
      embeddings_regularizer, activity_regularizer: penalties added to :attr:`losses`.
      embeddings_constraint: applied by optimizers after each update.
      mask_zero: whether id 0 is padding: the output then carries the mask
        ``inputs != 0`` (:meth:`compute_mask`), which recurrent layers use.
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer: Any = "uniform",
                 embeddings_regularizer: Any = None, embeddings_constraint: Any = None, mask_zero: bool = False,
                 activity_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(f"Embedding: argument `{arg}` must be a positive int. Received: {arg}={value!r}")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.embeddings = None

    def build(self, input_shape: Any = None) -> None:
        self.embeddings = self.add_weight((self.input_dim, self.output_dim), self.embeddings_initializer, name="embeddings",
                                          regularizer=self.embeddings_regularizer, constraint=self.embeddings_constraint)
        self.built = True

    def call(self, inputs: Any) -> Any:
        if not inputs.dtype.is_integer:
            inputs = cast(inputs, dtypes.int32)
        out = gather(self.embeddings, inputs)
        if self.activity_regularizer is not None:
            self.add_loss(self.activity_regularizer(out))
        return out

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        """``inputs != 0`` with ``mask_zero``, else None."""
        if not self.mask_zero:
            return None
        return not_equal(inputs, 0)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": None if self.embeddings_regularizer is None else regularizers.serialize(self.embeddings_regularizer),
            "activity_regularizer": None if self.activity_regularizer is None else regularizers.serialize(self.activity_regularizer),
            "embeddings_constraint": None if self.embeddings_constraint is None else constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        })
        return config
