"""Keras 3 weight regularizers (``keras.regularizers``): ``penalty = reg(weight)``.

``regularizer`` holds the base class, ``penalties`` L1/L2/L1L2, ``orthogonal`` the
OrthogonalRegularizer, ``registry`` name lookup. Keras' lowercase names (``l1``,
``l2``, ``l1_l2``, ``orthogonal_regularizer``) are the classes themselves.
"""

from xlaflow.regularizers.orthogonal import OrthogonalRegularizer
from xlaflow.regularizers.penalties import L1, L1L2, L2
from xlaflow.regularizers.registry import deserialize, get, serialize
from xlaflow.regularizers.regularizer import Regularizer

l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

__all__ = [
    "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1", "l1_l2", "l2",
    "orthogonal_regularizer", "serialize",
]
