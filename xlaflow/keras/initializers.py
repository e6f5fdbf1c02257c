"""``keras.initializers``: Keras 3's weight initializers (classes and their lowercase
aliases) and ``get``/``serialize``/``deserialize``.

Re-exports only: the classes are defined once in :mod:`xlaflow.initializers`.
"""

from xlaflow.initializers import (  # noqa: F401
    Constant,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    Identity,
    IdentityInitializer,
    Initializer,
    LecunNormal,
    LecunUniform,
    Ones,
    Orthogonal,
    OrthogonalInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    constant,
    deserialize,
    get,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    identity,
    lecun_normal,
    lecun_uniform,
    ones,
    orthogonal,
    random_normal,
    random_uniform,
    serialize,
    truncated_normal,
    variance_scaling,
    zeros,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.initializers")
