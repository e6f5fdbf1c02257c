"""Zip archives (the ``.keras`` container): writing, and reading with safety checks.

Reading never extracts anything to disk and never trusts the archive:

* every member name is checked before anything is read: no ``..`` or ``.``
  component, no absolute path or drive letter, no backslash, no NUL, no duplicate;
* symlink members (Unix mode bits in ``external_attr``), encrypted members and
  compression methods other than stored/deflated are rejected;
* zip bombs are rejected *before reading*: each member's declared uncompressed size
  must be within a limit, a stored member's sizes must agree, a deflated member
  may not declare more than ``MAX_RATIO`` times its compressed size, and the
  declared compressed sizes must fit in the file. ``zipfile`` never returns more
  than the declared size, so these checks bound the memory a read can take;
* JSON members are read with a size bound (``MAX_JSON_BYTES``) and must decode to
  a dict.

Anything wrong raises :class:`~xlaflow.saving.errors.LoadError` (or its subclass
``UnsafeContentError`` for the security checks).
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
import zipfile
from typing import IO, Iterable

from xlaflow.saving.atomic import atomic_path
from xlaflow.saving.errors import LoadError, UnsafeContentError

MAX_MEMBERS = 10_000
MAX_NAME_LENGTH = 1024
MAX_JSON_BYTES = 32 * 2**20  # config.json / metadata.json
MAX_MEMBER_BYTES = 64 * 2**30  # any member (weights included)
MAX_RATIO = 200  # declared uncompressed / compressed size, for members over RATIO_FLOOR
RATIO_FLOOR = 2**20
_DRIVE = re.compile(r"^[A-Za-z]:")


def check_member_name(name: str) -> None:
    """Raises ``UnsafeContentError`` unless ``name`` is a plain relative path."""
    if not name or len(name) > MAX_NAME_LENGTH:
        raise UnsafeContentError(f"Archive member name is empty or too long. Received: {name[:80]!r}")
    if "\\" in name or "\x00" in name:
        raise UnsafeContentError(f"Archive member name contains a backslash or NUL byte. Received: {name!r}")
    if name.startswith("/") or _DRIVE.match(name):
        raise UnsafeContentError(f"Archive member name is an absolute path. Received: {name!r}")
    parts = name.rstrip("/").split("/")
    if any(p in ("..", ".", "") for p in parts):
        raise UnsafeContentError(f"Archive member name has a '..', '.' or empty component. Received: {name!r}")


def check_member(info: zipfile.ZipInfo, archive_size: int) -> None:
    """Checks one member's name, type and declared sizes (nothing is read)."""
    check_member_name(info.filename)
    mode = (info.external_attr >> 16) & 0xFFFF
    if mode and stat.S_ISLNK(mode):
        raise UnsafeContentError(f"Archive member {info.filename!r} is a symbolic link; links are not allowed.")
    if info.flag_bits & 0x1:
        raise UnsafeContentError(f"Archive member {info.filename!r} is encrypted; encrypted members are not allowed.")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise LoadError(
            f"Archive member {info.filename!r} uses compression method {info.compress_type}; "
            "expected stored (0) or deflated (8)."
        )
    if info.file_size < 0 or info.compress_size < 0 or info.compress_size > archive_size:
        raise LoadError(f"Archive member {info.filename!r} declares sizes that do not fit in the archive.")
    if info.file_size > MAX_MEMBER_BYTES:
        raise UnsafeContentError(
            f"Archive member {info.filename!r} declares {info.file_size} bytes uncompressed, more than the "
            f"limit of {MAX_MEMBER_BYTES} (a zip bomb?)."
        )
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise UnsafeContentError(
            f"Archive member {info.filename!r} is stored uncompressed but declares {info.file_size} bytes "
            f"in {info.compress_size} (a zip bomb?)."
        )
    if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        raise UnsafeContentError(
            f"Archive member {info.filename!r} declares {info.file_size} bytes uncompressed from "
            f"{info.compress_size} compressed, a ratio over {MAX_RATIO} (a zip bomb?)."
        )


class SafeZipReader:
    """A read-only view of a zip archive whose every member passed :func:`check_member`.

    Use as a context manager::

        with SafeZipReader("model.keras") as z:
            config = z.read_json("config.json")
            with z.open("model.weights.h5") as f:
                ...
    """

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        try:
            size = os.path.getsize(self.path)
            self._zip = zipfile.ZipFile(self.path, "r")
        except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError) as e:
            raise LoadError(f"Could not open {self.path!r} as a zip archive: {e}") from e
        try:
            infos = self._zip.infolist()
            if len(infos) > MAX_MEMBERS:
                raise UnsafeContentError(f"Archive {self.path!r} has {len(infos)} members; the limit is {MAX_MEMBERS}.")
            self._infos: dict[str, zipfile.ZipInfo] = {}
            total = 0
            for info in infos:
                check_member(info, size)
                if info.filename in self._infos:
                    raise UnsafeContentError(f"Archive {self.path!r} has two members named {info.filename!r}.")
                self._infos[info.filename] = info
                total += info.compress_size
            if total > size:
                raise LoadError(f"Archive {self.path!r}: the members' declared sizes exceed the file size.")
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> "SafeZipReader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    @property
    def names(self) -> list[str]:
        return list(self._infos)

    def info(self, name: str) -> zipfile.ZipInfo:
        if name not in self._infos:
            raise LoadError(f"Archive {self.path!r} has no member {name!r}. Members: {sorted(self._infos)[:20]}")
        return self._infos[name]

    def read(self, name: str, limit: int) -> bytes:
        """The member's bytes; refuses members that declare more than ``limit`` bytes."""
        info = self.info(name)
        if info.file_size > limit:
            raise UnsafeContentError(
                f"Archive member {name!r} declares {info.file_size} bytes; the limit for it is {limit}."
            )
        try:
            with self._zip.open(info, "r") as f:
                data = f.read(limit + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, NotImplementedError) as e:
            raise LoadError(f"Archive member {name!r} of {self.path!r} is corrupted: {e}") from e
        if len(data) > limit:
            raise UnsafeContentError(f"Archive member {name!r} is larger than its limit of {limit} bytes.")
        return data

    def read_json(self, name: str, limit: int | None = None) -> dict:
        """The member decoded as a JSON object (at most ``limit`` bytes, ``MAX_JSON_BYTES`` by default)."""
        data = self.read(name, MAX_JSON_BYTES if limit is None else limit)
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            raise LoadError(f"Archive member {name!r} of {self.path!r} is not valid JSON: {e}") from e
        if not isinstance(value, dict):
            raise LoadError(f"Archive member {name!r} must hold a JSON object. Received: {type(value).__name__}")
        return value

    def open(self, name: str) -> IO[bytes]:
        """A seekable, read-only stream of the member (bounded by its checked size)."""
        try:
            return self._zip.open(self.info(name), "r")
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as e:
            raise LoadError(f"Archive member {name!r} of {self.path!r} is corrupted: {e}") from e


def write_archive(path: str | os.PathLike, members: Iterable[tuple[str, bytes]]) -> None:
    """Writes a zip of ``(name, bytes)`` members (stored, as Keras writes them), atomically."""
    stamp = time.localtime()[:6]
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as raw:
            with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED) as zf:
                for name, data in members:
                    check_member_name(name)
                    info = zipfile.ZipInfo(name, date_time=stamp)
                    info.compress_type = zipfile.ZIP_STORED
                    info.external_attr = 0o644 << 16
                    zf.writestr(info, data)
            raw.flush()
            os.fsync(raw.fileno())


def is_zip(path: str | os.PathLike) -> bool:
    """Whether ``path`` starts like a zip file (no parsing)."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError:
        return False


__all__ = ["SafeZipReader", "write_archive", "check_member_name", "check_member", "is_zip"]
