"""tf.data's constants and ``Options``.

``AUTOTUNE`` (``tf.data.AUTOTUNE`` and ``tf.data.experimental.AUTOTUNE``) is -1, as
in TF; ``INFINITE_CARDINALITY`` is -1 and ``UNKNOWN_CARDINALITY`` -2 (the values
``Dataset.cardinality()`` returns). ``Options`` holds the few settings this pipeline
reads; unknown TF option names are accepted and ignored so that TF code runs.
"""

from __future__ import annotations

import os
from typing import Any

AUTOTUNE = -1
INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2

# What AUTOTUNE means here (fixed rules, not a runtime tuner): the prefetch buffer
# holds about AUTOTUNE_PREFETCH_BYTES of elements (between 2 and AUTOTUNE_PREFETCH
# elements, judged by the first element), a parallel map runs AUTOTUNE_PARALLELISM
# threads.
AUTOTUNE_PREFETCH = 64
AUTOTUNE_PREFETCH_BYTES = 32 << 20
AUTOTUNE_PARALLELISM = max(1, min(8, os.cpu_count() or 1))


class Options:
    """Dataset options (``tf.data.Options``).

    Attributes:
      deterministic: whether parallel transformations keep the input order (default
        True; xlaflow always keeps it, the flag is accepted for compatibility).
      experimental_optimization, experimental_distribute, threading: accepted,
        ignored (TF's option groups).
    """

    def __init__(self) -> None:
        self.deterministic: bool | None = None
        self.experimental_optimization = _Group()
        self.experimental_distribute = _Group()
        self.threading = _Group()

    def merge(self, other: "Options") -> "Options":
        out = Options()
        out.__dict__.update(self.__dict__)
        out.__dict__.update({k: v for k, v in other.__dict__.items() if v is not None})
        return out

    def __repr__(self) -> str:
        return f"Options(deterministic={self.deterministic})"


class _Group:
    """An option group: any attribute may be set and read (None when unset)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return None


def buffer_size(value: Any, op: str, arg: str = "buffer_size") -> int:
    """``value`` as a positive buffer size or AUTOTUNE; errors name ``op``."""
    from xlaflow.data.dataset import as_int

    n = as_int(value, op, arg)
    if n == AUTOTUNE:
        return AUTOTUNE
    if n < 0:
        from xlaflow._core import errors

        raise errors.InvalidArgumentError(f"{op}: argument `{arg}` must be a positive integer or tf.data.AUTOTUNE. Received: {value!r}")
    return n
