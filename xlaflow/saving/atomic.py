"""Atomic file replacement: a save either completes or leaves the old file intact.

Every writer in :mod:`xlaflow.saving` writes into a temporary file in the *same
directory* as the target (so the final rename never crosses a file system), then
flushes and ``fsync`` s it, ``os.replace`` s it over the target (atomic on POSIX and
Windows) and ``fsync`` s the directory so the rename itself survives a power loss.
A process killed at any point leaves either the previous file or the new one —
never a torn mix — plus at worst a stray ``.<name>.*.tmp`` file that a later save of the same
target removes once it is stale.
"""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
import time
from typing import Iterator

TMP_SUFFIX = ".tmp"


def _fsync_dir(dirname: str) -> None:
    try:
        fd = os.open(dirname, os.O_RDONLY)
    except OSError:  # e.g. Windows: directories cannot be opened
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_file(path: str) -> None:
    """Flushes ``path``'s contents to stable storage."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


STALE_AFTER_S = 600.0


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open(path, "w") would give a new file


def _remove_stale(dirname: str, base: str) -> None:
    """Removes temporary files of ``base`` left by killed saves (older than
    ``STALE_AFTER_S``, so a concurrent save's file is never touched)."""
    now = time.time()
    for stale in glob.glob(os.path.join(glob.escape(dirname), f".{glob.escape(base)}.*{TMP_SUFFIX}")):
        with contextlib.suppress(OSError):
            if now - os.path.getmtime(stale) > STALE_AFTER_S:
                os.remove(stale)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yields a temporary path next to ``path``; on success it replaces ``path``.

    Write the whole new file to the yielded path (with any library: zipfile, h5py
    ...). When the block ends normally the temporary file is fsync'ed and renamed
    over ``path``; if the block raises, the temporary file is removed and ``path``
    is left as it was.

    Example::

        with atomic_path("model.keras") as tmp:
            write_everything_to(tmp)
    """
    path = os.fspath(path)
    dirname = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    os.makedirs(dirname, exist_ok=True)
    _remove_stale(dirname, base)
    fd, tmp = tempfile.mkstemp(prefix=f".{base}.", suffix=TMP_SUFFIX, dir=dirname)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, _FILE_MODE)
        fsync_file(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _fsync_dir(dirname)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
