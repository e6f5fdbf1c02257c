"""``xlaflow.errors``: TensorFlow's exception classes (``tf.errors.*``)."""

from xlaflow._core.errors import (  # noqa: F401
    AbortedError,
    AlreadyExistsError,
    CancelledError,
    DataLossError,
    DeadlineExceededError,
    FailedPreconditionError,
    IndexOutOfRangeError,
    InternalError,
    InvalidArgumentError,
    NotFoundError,
    OpError,
    OutOfRangeError,
    PermissionDeniedError,
    ResourceExhaustedError,
    UnavailableError,
    UnimplementedError,
    UnknownError,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.errors")
