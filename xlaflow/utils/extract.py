"""Safe extraction of downloaded tar and zip archives (``get_file(..., extract=True)``).

An archive from the network is not trusted. Before anything is written, every member
is checked with the same rules the ``.keras`` loader applies
(:mod:`xlaflow.saving.archive`):

* names: :func:`~xlaflow.saving.archive.check_member_name` (no ``..`` or ``.``
  component, no absolute path or drive letter, no backslash or NUL, no duplicate);
* types: symbolic and hard links, devices and FIFOs are refused (the ``.keras``
  loader refuses links too); only regular files and directories are written;
* bombs: at most ``MAX_MEMBERS`` members, none declaring more than
  ``MAX_MEMBER_BYTES``, and the declared total may not exceed ``MAX_RATIO`` times
  the archive's size on disk (zip members are also checked one by one with
  :func:`~xlaflow.saving.archive.check_member`). Writing copies at most the declared
  size of each member.

Extraction goes to a temporary directory beside the target, which is renamed into
place only when every member was written: a failed or interrupted extraction never
leaves a half-filled target directory. Anything refused raises
:class:`~xlaflow.saving.errors.UnsafeContentError` (a ``LoadError``/``ValueError``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tarfile
import tempfile
import zipfile
from typing import IO, Iterator

from xlaflow.saving.archive import (
    MAX_MEMBER_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    RATIO_FLOOR,
    SafeZipReader,
    check_member_name,
)
from xlaflow.saving.errors import LoadError, UnsafeContentError

_CHUNK = 1 << 20


def archive_kind(path: str, archive_format: str | list | tuple | None = "auto") -> str | None:
    """``"tar"`` or ``"zip"`` if ``path`` is such an archive (among ``archive_format``), else None."""
    if archive_format is None:
        return None
    formats = ["tar", "zip"] if archive_format == "auto" else [archive_format] if isinstance(archive_format, str) else list(archive_format)
    for kind in formats:
        if kind not in ("tar", "zip"):
            raise ValueError(f"get_file: argument `archive_format` must be 'auto', 'tar', 'zip', a list of them or None. "
                             f"Received: {archive_format!r}")
        if kind == "tar" and tarfile.is_tarfile(path):
            return "tar"
        if kind == "zip" and zipfile.is_zipfile(path):
            return "zip"
    return None


def _check_totals(path: str, count: int, total: int) -> None:
    if count > MAX_MEMBERS:
        raise UnsafeContentError(f"Archive {path!r} has more than {MAX_MEMBERS} members.")
    size = os.path.getsize(path)
    if total > RATIO_FLOOR and total > MAX_RATIO * max(size, 1):
        raise UnsafeContentError(
            f"Archive {path!r} declares {total} bytes of content in {size} bytes, a ratio over {MAX_RATIO} (an archive bomb?)."
        )


def _tar_members(path: str, tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """The checked members of an open tar file (headers only; nothing is written)."""
    members, seen, total = [], set(), 0
    for info in tar:
        name = info.name.rstrip("/")
        check_member_name(info.name)
        if info.issym() or info.islnk():
            raise UnsafeContentError(f"Archive member {info.name!r} is a link; links are not allowed.")
        if not (info.isfile() or info.isdir()):
            raise UnsafeContentError(f"Archive member {info.name!r} is a device, FIFO or other special file; not allowed.")
        if name in seen:
            raise UnsafeContentError(f"Archive {path!r} has two members named {name!r}.")
        if info.size > MAX_MEMBER_BYTES:
            raise UnsafeContentError(
                f"Archive member {info.name!r} declares {info.size} bytes, more than the limit of {MAX_MEMBER_BYTES} (an archive bomb?)."
            )
        seen.add(name)
        total += info.size
        members.append(info)
        _check_totals(path, len(members), total)
    return members


def _copy(src: IO[bytes], dest: str, size: int) -> None:
    """Copies at most ``size`` bytes of ``src`` to a new file ``dest``."""
    with open(dest, "xb") as out:
        left = size
        while left > 0:
            chunk = src.read(min(_CHUNK, left))
            if not chunk:
                break
            out.write(chunk)
            left -= len(chunk)


def _target(root: str, name: str) -> str:
    return os.path.join(root, *name.rstrip("/").split("/"))


def _extract_tar(path: str, root: str) -> None:
    with tarfile.open(path, "r:*") as tar:
        members = _tar_members(path, tar)
        for info in members:
            dest = _target(root, info.name)
            if info.isdir():
                os.makedirs(dest, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            src = tar.extractfile(info)
            if src is None:  # pragma: no cover - regular files always have data
                raise LoadError(f"Archive member {info.name!r} of {path!r} has no data.")
            with src:
                _copy(src, dest, info.size)


def _extract_zip(path: str, root: str) -> None:
    with SafeZipReader(path) as z:  # checks every member's name, type and sizes
        infos = [z.info(n) for n in z.names]
        _check_totals(path, len(infos), sum(i.file_size for i in infos))
        for info in infos:
            dest = _target(root, info.filename)
            if info.is_dir():
                os.makedirs(dest, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with z.open(info.filename) as src:
                _copy(src, dest, info.file_size)


@contextlib.contextmanager
def _staging(target: str) -> Iterator[str]:
    """A temporary directory beside ``target`` that replaces it when the block succeeds."""
    parent = os.path.dirname(os.path.abspath(target))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.", suffix=".extracting", dir=parent)
    try:
        yield tmp
        if os.path.isdir(target):
            shutil.rmtree(target)
        elif os.path.exists(target):
            os.remove(target)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            shutil.rmtree(tmp, ignore_errors=True)


def extract_archive(path: str, target: str, archive_format: str | list | tuple | None = "auto") -> bool:
    """Extracts the tar or zip archive ``path`` into the directory ``target`` (replacing it).

    Args:
      path: the archive (tar, optionally gzip/bz2/xz compressed, or zip).
      target: the directory that will hold the archive's members.
      archive_format: ``"auto"`` (tar or zip), ``"tar"``, ``"zip"``, a list of them, or None.

    Returns:
      True if ``path`` was an archive of an accepted format and was extracted, False otherwise.

    Raises:
      UnsafeContentError: a member is unsafe (see the module docstring); nothing is extracted.
      LoadError: the archive is corrupted.
    """
    kind = archive_kind(path, archive_format)
    if kind is None:
        return False
    try:
        with _staging(target) as tmp:
            (_extract_tar if kind == "tar" else _extract_zip)(path, tmp)
    except (tarfile.TarError, zipfile.BadZipFile, EOFError, OSError) as e:
        raise LoadError(f"Could not extract {path!r}: {type(e).__name__}: {e}") from e
    return True


__all__ = ["archive_kind", "extract_archive"]
