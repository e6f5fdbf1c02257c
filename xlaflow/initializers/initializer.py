"""The ``Initializer`` base class and the argument checks every initializer shares.

An initializer is a callable ``init(shape, dtype=None) -> Tensor`` with a config
(``get_config``/``from_config``/``clone``), as in ``keras.initializers``. ``dtype``
defaults to Keras' ``floatx`` (float32); 64-bit requests follow xlaflow's dtype rule
(narrowed, with one warning, while JAX's x64 mode is off).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape

FLOATX = "float32"  # Keras' default float type (keras.config.floatx())


class Initializer:
    """Base class of initializers: ``init(shape, dtype=None)`` returns a Tensor.

    Subclasses implement ``__call__`` and, when they take arguments, ``get_config``.

    Example::

        class Halves(Initializer):
            def __call__(self, shape, dtype=None):
                return xlaflow.fill(shape, 0.5)
    """

    def __call__(self, shape: Any, dtype: Any = None) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: Initializer subclasses must implement `__call__(shape, dtype=None)`.")

    def get_config(self) -> dict:
        """The constructor arguments, as a JSON-friendly dict."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Initializer":
        """An initializer built from :meth:`get_config`'s dict."""
        return cls(**config)

    def clone(self) -> "Initializer":
        """A new initializer with the same config."""
        return self.__class__.from_config(self.get_config())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def check_shape(owner: str, shape: Any) -> tuple[int, ...]:
    """``shape`` as a tuple of ints, or a ValueError naming ``owner``.

    Accepts lists, tuples, ``TensorShape`` and a single int; every dimension must be
    known and non-negative.
    """
    if isinstance(shape, TensorShape):
        shape = shape.as_list() if shape.rank is not None else None
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    ok = isinstance(shape, (list, tuple)) and all(
        isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape
    )
    if not ok:
        raise ValueError(
            f"{owner}: argument `shape` must be a fully defined shape (a tuple of non-negative ints). "
            f"Received: shape={shape!r}"
        )
    return tuple(int(d) for d in shape)


def check_dtype(owner: str, dtype: Any, floating: bool = False) -> dtypes.DType:
    """The DType for ``dtype`` (``floatx`` when None); TypeError naming ``owner`` if it
    is not a dtype, or (with ``floating``) not a floating one."""
    try:
        d = dtypes.canonical(FLOATX if dtype is None else dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{owner}: argument `dtype` must be a dtype such as 'float32'. Received: dtype={dtype!r}") from None
    if floating and not d.is_floating:
        raise TypeError(
            f"{owner}: argument `dtype` must be a floating dtype (float16, bfloat16, float32 or float64). "
            f"Received: dtype={d.name}"
        )
    return d
