"""``xlaflow.random``: TensorFlow's ``tf.random`` namespace (seeded sampling).

Re-exports only: the ops are defined once in :mod:`xlaflow.ops.random_ops`, and the
seed rules (global seed, op seeds) live in :mod:`xlaflow.ops.rng`.
"""

from xlaflow.ops.random_ops import (  # noqa: F401
    categorical,
    gamma,
    normal,
    poisson,
    set_seed,
    shuffle,
    stateless_categorical,
    stateless_gamma,
    stateless_normal,
    stateless_poisson,
    stateless_truncated_normal,
    stateless_uniform,
    truncated_normal,
    uniform,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.random")
