"""XLA's run-time errors as TensorFlow's error types.

A program that fails while it runs (out of memory, a bad argument found by XLA)
raises ``jax.errors.JaxRuntimeError``. TF code catches ``tf.errors.*``: the batch-size
back-off loop ``except tf.errors.ResourceExhaustedError``. :func:`translated` turns
the one into the other wherever the engine runs a program.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import jax

from xlaflow._core import errors

_BY_STATUS = {
    "RESOURCE_EXHAUSTED": errors.ResourceExhaustedError,
    "INVALID_ARGUMENT": errors.InvalidArgumentError,
    "OUT_OF_RANGE": errors.OutOfRangeError,
    "NOT_FOUND": errors.NotFoundError,
    "UNIMPLEMENTED": errors.UnimplementedError,
    "INTERNAL": errors.InternalError,
    "FAILED_PRECONDITION": errors.FailedPreconditionError,
    "DEADLINE_EXCEEDED": errors.DeadlineExceededError,
    "UNAVAILABLE": errors.UnavailableError,
    "ABORTED": errors.AbortedError,
    "CANCELLED": errors.CancelledError,
}
_TYPES: dict = {}


def tf_error_type(status: str) -> type:
    """A class that is both the ``tf.errors`` type for ``status`` and JAX's runtime
    error, so either ``except`` clause catches it."""
    base = _BY_STATUS.get(status, errors.UnknownError)
    cls = _TYPES.get(base)
    if cls is None:
        cls = _TYPES[base] = type(base.__name__, (base, jax.errors.JaxRuntimeError), {"__module__": "xlaflow.errors"})
    return cls


@contextlib.contextmanager
def translated(what: str) -> Iterator[None]:
    """Re-raises XLA run-time errors inside the block as ``tf.errors`` types."""
    try:
        yield
    except jax.errors.JaxRuntimeError as e:
        if isinstance(e, errors.OpError):
            raise
        text = str(e)
        status = text.split(":", 1)[0].strip()
        raise tf_error_type(status)(f"{what}: {text}") from e
