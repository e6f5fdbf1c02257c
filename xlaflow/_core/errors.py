"""TensorFlow's exception classes, and the one helper that formats their messages.

TF code catches ``tf.errors.InvalidArgumentError`` and friends; xlaflow raises the
same names so that such ``except`` clauses keep working. Every message built with
:func:`describe` follows one shape: the op, the argument, what was expected and what
was received, so a user never has to read a JAX stack trace to find their mistake.
"""

from __future__ import annotations

from typing import Any


class OpError(Exception):
    """Base class of the errors an op raises while running (TF's ``OpError``)."""

    def __init__(self, node_def: Any = None, op: Any = None, message: str = "", *args: Any):
        # TF's signature is (node_def, op, message); accept a lone message too.
        if message == "" and isinstance(node_def, str) and op is None:
            node_def, message = None, node_def
        super().__init__(message)
        self.node_def = node_def
        self.op = op
        self.message = message


class CancelledError(OpError):
    pass


class UnknownError(OpError):
    pass


class InvalidArgumentError(OpError, ValueError):
    """An op received an argument of the wrong shape, dtype or value.

    It is also a ``ValueError``, so code written for NumPy's or Keras' conventions
    catches it as well.
    """


class IndexOutOfRangeError(InvalidArgumentError, IndexError):
    """An index lies outside the dimension it indexes (an ``IndexError`` too)."""


class DeadlineExceededError(OpError):
    pass


class NotFoundError(OpError):
    pass


class AlreadyExistsError(OpError):
    pass


class PermissionDeniedError(OpError):
    pass


class ResourceExhaustedError(OpError):
    pass


class FailedPreconditionError(OpError):
    pass


class AbortedError(OpError):
    pass


class OutOfRangeError(OpError):
    pass


class UnimplementedError(OpError):
    pass


class InternalError(OpError):
    pass


class UnavailableError(OpError):
    pass


class DataLossError(OpError):
    pass


def describe(op: str, arg: str, expected: str, received: Any) -> str:
    """The one message format: ``op: argument `arg` must be EXPECTED. Received: ...``."""
    return f"{op}: argument `{arg}` must be {expected}. Received: {received}"


__all__ = [
    "OpError",
    "CancelledError",
    "UnknownError",
    "InvalidArgumentError",
    "IndexOutOfRangeError",
    "DeadlineExceededError",
    "NotFoundError",
    "AlreadyExistsError",
    "PermissionDeniedError",
    "ResourceExhaustedError",
    "FailedPreconditionError",
    "AbortedError",
    "OutOfRangeError",
    "UnimplementedError",
    "InternalError",
    "UnavailableError",
    "DataLossError",
]
