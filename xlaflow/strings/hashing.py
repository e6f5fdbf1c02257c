"""``to_hash_bucket_fast`` and ``to_hash_bucket_strong``: strings to bucket numbers.

``fast`` is FarmHash ``Fingerprint64(s) % num_buckets`` and ``strong`` is
``SipHash-2-4(key, s) % num_buckets``, TF's definitions, so the buckets equal TF's.
The result is int64 (int32 while JAX's 64-bit mode is off; ``num_buckets`` must then
fit in int32).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow._core import dtypes
from xlaflow.strings._common import elementwise
from xlaflow.strings.farmhash import fingerprint64
from xlaflow.strings.siphash import siphash24


def _check_buckets(num_buckets: Any, op: str) -> int:
    if isinstance(num_buckets, bool) or not isinstance(num_buckets, (int, np.integer)) or num_buckets < 1:
        raise ValueError(f"{op}: argument `num_buckets` must be an integer >= 1. Received: num_buckets={num_buckets!r}")
    if not dtypes.x64_enabled() and num_buckets > 2**31:
        raise ValueError(f"{op}: num_buckets={num_buckets} needs int64 results; call xlaflow.config.enable_x64() "
                         "(results are int32 while 64-bit types are off)")
    return int(num_buckets)


def _index_dtype() -> Any:
    return np.int64 if dtypes.x64_enabled() else np.int32


def to_hash_bucket_fast(input: Any, num_buckets: int, name: Any = None) -> Any:  # noqa: A002
    """``Fingerprint64(s) % num_buckets`` for each string (TF's values)."""
    op = "strings.to_hash_bucket_fast"
    n = _check_buckets(num_buckets, op)
    return elementwise(input, lambda s: fingerprint64(s) % n, op, dtype=_index_dtype())


def to_hash_bucket_strong(input: Any, num_buckets: int, key: Any, name: Any = None) -> Any:  # noqa: A002
    """``SipHash-2-4(key, s) % num_buckets`` for each string; ``key`` is two ints."""
    op = "strings.to_hash_bucket_strong"
    n = _check_buckets(num_buckets, op)
    if not isinstance(key, (list, tuple)) or len(key) != 2 or not all(isinstance(k, (int, np.integer)) for k in key):
        raise ValueError(f"{op}: argument `key` must be a list of two integers. Received: key={key!r}")
    k0, k1 = int(key[0]), int(key[1])
    return elementwise(input, lambda s: siphash24(k0, k1, s) % n, op, dtype=_index_dtype())
