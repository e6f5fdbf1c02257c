"""Keras 3 initializers (``keras.initializers``): callables ``init(shape, dtype=None)``
returning an xlaflow Tensor.

One file per family: ``constant`` (Zeros, Ones, Constant, Identity), ``random``
(the seeding rule; RandomNormal, RandomUniform, TruncatedNormal),
``variance_scaling`` (VarianceScaling, Glorot/He/LeCun), ``orthogonal``; the base
class is in ``initializer`` and name lookup in ``registry``. Keras' lowercase names
(``glorot_uniform`` ...) are the classes themselves, as in Keras.
"""

from xlaflow.initializers.constant import Constant, Identity, Ones, Zeros
from xlaflow.initializers.initializer import Initializer
from xlaflow.initializers.orthogonal import Orthogonal
from xlaflow.initializers.random import RandomInitializer, RandomNormal, RandomUniform, TruncatedNormal
from xlaflow.initializers.registry import deserialize, get, serialize
from xlaflow.initializers.variance_scaling import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    VarianceScaling,
    compute_fans,
)

# Keras' lowercase aliases (each is the class).
constant = Constant
identity = IdentityInitializer = Identity
ones = Ones
zeros = Zeros
orthogonal = OrthogonalInitializer = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform

__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity", "IdentityInitializer",
    "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "OrthogonalInitializer", "RandomInitializer",
    "RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "Zeros", "compute_fans", "constant",
    "deserialize", "get", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal",
    "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "serialize", "truncated_normal",
    "variance_scaling", "zeros",
]
