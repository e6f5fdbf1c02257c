"""``tf.io.read_file`` and ``tf.io.write_file`` on local paths.

xlaflow has no string Tensor, so ``read_file`` returns the file's contents as Python
``bytes`` (what the ``decode_*`` functions take, and what string elements of a
``tf.data`` pipeline are); a path may be ``str``, ``bytes``, ``os.PathLike`` or a 0-d
NumPy string array. Missing files raise ``tf.errors.NotFoundError`` as in TF.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from xlaflow._core.errors import NotFoundError, PermissionDeniedError


def as_path(value: Any, fn: str, arg: str = "filename") -> str:
    """A local path from ``str``/``bytes``/``PathLike``/0-d string arrays (or ``.numpy()`` values)."""
    if hasattr(value, "numpy") and not isinstance(value, np.ndarray):
        value = value.numpy()
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bytes, np.bytes_)):
        return os.fsdecode(bytes(value))
    if isinstance(value, (str, os.PathLike)):
        return os.fspath(value)
    raise TypeError(f"{fn}: argument `{arg}` must be a path (str, bytes or os.PathLike). Received: {type(value).__name__}")


def os_error(e: OSError, fn: str, path: str) -> Exception:
    """The TF error for an ``OSError`` raised while accessing ``path``."""
    if isinstance(e, FileNotFoundError):
        return NotFoundError(f"{fn}: {path}: No such file or directory")
    if isinstance(e, PermissionError):
        return PermissionDeniedError(f"{fn}: {path}: Permission denied")
    return e


def read_file(filename, name=None):
    """The whole contents of ``filename`` as ``bytes``.

    Raises:
      NotFoundError: the file does not exist.
    """
    path = as_path(filename, "read_file")
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise os_error(e, "read_file", path) from None


def write_file(filename, contents, name=None):
    """Writes ``contents`` (bytes or str) to ``filename``, creating or replacing it."""
    path = as_path(filename, "write_file")
    if hasattr(contents, "numpy") and not isinstance(contents, np.ndarray):
        contents = contents.numpy()
    if isinstance(contents, np.ndarray) and contents.ndim == 0:
        contents = contents[()]
    if isinstance(contents, str):
        contents = contents.encode()
    if not isinstance(contents, (bytes, bytearray, memoryview, np.bytes_)):
        raise TypeError(f"write_file: argument `contents` must be bytes or str. Received: {type(contents).__name__}")
    try:
        with open(path, "wb") as f:
            f.write(bytes(contents))
    except OSError as e:
        raise os_error(e, "write_file", path) from None
