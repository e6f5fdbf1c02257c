"""``tf.io.gfile`` on the local file system: ``GFile``, ``exists``, ``glob``, ``listdir``,
``makedirs``, ``mkdir``, ``isdir``, ``remove``, ``rmtree``, ``copy``, ``rename``, ``walk``,
``stat`` and ``join``.

Paths with a URL scheme (``gs://``, ``s3://``, ``hdfs://``) need TensorFlow's file
systems and raise ``UnimplementedError``. Missing paths raise
``tf.errors.NotFoundError`` and existing targets ``AlreadyExistsError``, as in TF.
"""

from __future__ import annotations

import glob as _glob
import os
import re
import shutil
from typing import Any, Iterator, NamedTuple

from xlaflow._core.errors import AlreadyExistsError, NotFoundError, UnimplementedError
from xlaflow.io.files import as_path, os_error

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _local(path: Any, fn: str, arg: str = "path") -> str:
    p = as_path(path, f"gfile.{fn}", arg)
    if _SCHEME.match(p) and not p.startswith("file://"):
        raise UnimplementedError(f"gfile.{fn}: xlaflow reads local paths only; {p!r} needs TensorFlow's file systems.")
    return p[len("file://"):] if p.startswith("file://") else p


class GFile:
    """A file object (``tf.io.gfile.GFile``): ``open`` with TF's method names.

    Args:
      name: the path.
      mode: ``"r"``, ``"w"``, ``"a"`` (text) or with ``"b"`` (bytes), optionally ``"+"``.
    """

    def __init__(self, name: Any, mode: str = "r"):
        self.name = _local(name, "GFile", "name")
        self.mode = mode
        try:
            self._f = open(self.name, mode)
        except OSError as e:
            raise os_error(e, "gfile.GFile", self.name) from None

    def __enter__(self) -> "GFile":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __iter__(self) -> Iterator:
        return iter(self._f)

    def __next__(self) -> Any:
        return next(self._f)

    def read(self, n: int = -1) -> Any:
        return self._f.read(n)

    def readline(self) -> Any:
        return self._f.readline()

    def readlines(self) -> list:
        return self._f.readlines()

    def write(self, data: Any) -> None:
        self._f.write(data)

    def flush(self) -> None:
        self._f.flush()

    def close(self) -> None:
        self._f.close()

    def seek(self, offset: int | None = None, whence: int = 0, position: int | None = None) -> int:
        return self._f.seek(position if offset is None else offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def size(self) -> int:
        return os.path.getsize(self.name)

    def seekable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._f.closed


class FileStatistics(NamedTuple):
    """``gfile.stat``'s result."""

    length: int
    mtime_nsecs: int
    is_directory: bool


def exists(path):
    """Whether ``path`` exists."""
    return os.path.exists(_local(path, "exists"))


def isdir(path):
    """Whether ``path`` is a directory."""
    return os.path.isdir(_local(path, "isdir"))


def glob(pattern):
    """The paths matching ``pattern`` (``*``, ``?``, ``[...]``), sorted."""
    return sorted(_glob.glob(_local(pattern, "glob", "pattern")))


def listdir(path):
    """The names of the entries of directory ``path``.

    Raises:
      NotFoundError: ``path`` is not a directory.
    """
    p = _local(path, "listdir")
    if not os.path.isdir(p):
        raise NotFoundError(f"gfile.listdir: could not find directory {p}")
    return os.listdir(p)


def makedirs(path):
    """Creates ``path`` and its missing parents (no error if it exists)."""
    os.makedirs(_local(path, "makedirs"), exist_ok=True)


def mkdir(path):
    """Creates the directory ``path`` (its parent must exist; no error if it exists)."""
    p = _local(path, "mkdir")
    try:
        os.mkdir(p)
    except FileExistsError:
        pass
    except OSError as e:
        raise os_error(e, "gfile.mkdir", p) from None


def remove(path):
    """Deletes the file ``path``.

    Raises:
      NotFoundError: it does not exist.
    """
    p = _local(path, "remove")
    try:
        os.remove(p)
    except OSError as e:
        raise os_error(e, "gfile.remove", p) from None


def rmtree(path):
    """Deletes the directory ``path`` and everything under it."""
    p = _local(path, "rmtree")
    if not os.path.exists(p):
        raise NotFoundError(f"gfile.rmtree: {p}: No such file or directory")
    shutil.rmtree(p)


def copy(src, dst, overwrite=False):
    """Copies the file ``src`` to ``dst``.

    Raises:
      AlreadyExistsError: ``dst`` exists and ``overwrite`` is False.
      NotFoundError: ``src`` does not exist.
    """
    s, d = _local(src, "copy", "src"), _local(dst, "copy", "dst")
    if os.path.exists(d) and not overwrite:
        raise AlreadyExistsError(f"gfile.copy: {d} already exists; pass overwrite=True to replace it.")
    try:
        shutil.copyfile(s, d)
    except OSError as e:
        raise os_error(e, "gfile.copy", s) from None


def rename(src, dst, overwrite=False):
    """Renames (moves) ``src`` to ``dst``.

    Raises:
      AlreadyExistsError: ``dst`` exists and ``overwrite`` is False.
    """
    s, d = _local(src, "rename", "src"), _local(dst, "rename", "dst")
    if os.path.exists(d) and not overwrite:
        raise AlreadyExistsError(f"gfile.rename: {d} already exists; pass overwrite=True to replace it.")
    try:
        os.replace(s, d)
    except OSError as e:
        raise os_error(e, "gfile.rename", s) from None


def walk(top, topdown=True, onerror=None):
    """Yields ``(dirname, subdirectory names, file names)`` for every directory under ``top``."""
    yield from os.walk(_local(top, "walk", "top"), topdown=topdown, onerror=onerror)


def stat(path):
    """The :class:`FileStatistics` of ``path``.

    Raises:
      NotFoundError: it does not exist.
    """
    p = _local(path, "stat")
    try:
        st = os.stat(p)
    except OSError as e:
        raise os_error(e, "gfile.stat", p) from None
    return FileStatistics(st.st_size, st.st_mtime_ns, os.path.isdir(p))


def join(path, *paths):
    """The paths joined with the separator."""
    return os.path.join(as_path(path, "gfile.join", "path"), *(as_path(p, "gfile.join", "paths") for p in paths))


__all__ = ["FileStatistics", "GFile", "copy", "exists", "glob", "isdir", "join", "listdir", "makedirs", "mkdir", "remove",
           "rename", "rmtree", "stat", "walk"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.io.gfile")
