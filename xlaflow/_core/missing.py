"""Clear errors for TensorFlow/Keras names xlaflow does not have yet.

Each public namespace module ends with ``__getattr__ = missing("tf.math")`` (its
TensorFlow path): ``tf.math.foo`` then raises :class:`NotImplementedByXlaflow`,
an ``AttributeError`` subclass (so ``hasattr`` and ``getattr(..., default)`` keep
working) whose message names the TensorFlow API, instead of a bare
``module 'xlaflow.math' has no attribute 'foo'``.
"""

from __future__ import annotations

from typing import Callable, NoReturn


class NotImplementedByXlaflow(AttributeError):
    """A TensorFlow/Keras name that xlaflow does not implement (yet)."""


def missing(namespace: str) -> Callable[[str], NoReturn]:
    """A module ``__getattr__`` for the TF namespace ``namespace`` (e.g. ``"tf.keras.layers"``)."""

    def __getattr__(name: str) -> NoReturn:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # dunder probes (copy, pickle, doctest): the ordinary error
        raise NotImplementedByXlaflow(f"xlaflow does not implement {namespace}.{name} yet")

    return __getattr__
