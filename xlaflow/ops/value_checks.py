"""TensorFlow's run-time value checks, written once for every op that needs them.

Each function states the bad condition and TF's message through
:func:`xlaflow.engine.checks.check`: concrete values (eager) raise at once; traced
values inside an engine program become error flags, raised after the dispatch with
the step's state left as it was. Ops attach them with ``@op(..., check=...)``.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow._core import errors
from xlaflow.engine import checks


def _host_or_device(x: Any) -> Any:
    return np.asarray(x) if isinstance(x, np.ndarray) else x


def label_range(labels: Any, num_classes: int, op: str = "sparse_softmax_cross_entropy_with_logits") -> None:
    """Class ids must lie in ``[0, num_classes)`` (TF's sparse softmax cross-entropy)."""
    labels = _host_or_device(labels)
    if getattr(labels, "size", 1) == 0:
        return
    xp = np if isinstance(labels, np.ndarray) else jnp
    bad = (labels < 0) | (labels >= num_classes)
    checks.check(bad, errors.InvalidArgumentError,
                 op + ": Received a label value of {0} which is outside the valid range of [0, {1}).",
                 checks.first_bad(labels, bad) if xp is jnp else _first(labels, bad), num_classes)


def index_range(indices: Any, limit: int, arg: str = "indices", op: str = "gather") -> None:
    """Indices must lie in ``[0, limit)`` (TF's gather: ``indices[i] = v is not in [0, n)``)."""
    indices = _host_or_device(indices)
    if getattr(indices, "size", 1) == 0:
        return
    bad = (indices < 0) | (indices >= limit)
    if isinstance(indices, np.ndarray):
        if bad.any():
            where = np.unravel_index(int(np.argmax(bad)), indices.shape)
            raise errors.IndexOutOfRangeError(f"{op}: {arg}[{','.join(map(str, where))}] = {indices[where]} is not in [0, {limit})")
        return
    flat = jnp.argmax(jnp.ravel(bad))
    where = jnp.unravel_index(flat, indices.shape) if indices.ndim else ()
    n = len(where)
    position = ",".join("{%d}" % i for i in range(n))
    checks.check(bad, errors.IndexOutOfRangeError, op + ": " + arg + "[" + position + "] = {%d} is not in [0, {%d})" % (n, n + 1),
                 *where, jnp.ravel(indices)[flat], limit)


def _first(values: np.ndarray, bad: np.ndarray) -> Any:
    return values.ravel()[int(np.argmax(bad.ravel()))] if bad.any() else 0
