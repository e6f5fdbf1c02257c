"""``keras.utils.get_file``: a file from a URL, cached where Keras caches it.

The cache layout is Keras' own, so files Keras already downloaded are reused and
files placed by hand are found: ``$KERAS_HOME/<cache_subdir>/<fname>``, with
``KERAS_HOME`` defaulting to ``~/.keras`` and ``cache_subdir`` to ``"datasets"``
(``~/.keras/datasets/mnist.npz``). When the cache directory cannot be written, Keras'
fallback ``/tmp/.keras`` is used (a file already present in the read-only directory
is still used). Archives follow Keras 3's naming: with ``extract=True`` and
``fname="cifar-10-batches-py-target"`` the archive is cached as
``...-target_archive`` and extracted into ``.../cifar-10-batches-py-target/``; a
``fname`` with a dot (``"flowers.tgz"``) is extracted into ``flowers_extracted/``.

A download streams into a temporary file beside the target, is checked against
``file_hash`` (sha256 or md5, chosen by the hash's length as Keras does), and only
then renamed over the target: an interrupted or corrupted download never becomes the
cached file. Progress is shown with :class:`~xlaflow.callbacks.Progbar`. Without
network access the error names the URL and the exact path where the file can be
placed by hand; with ``XLAFLOW_OFFLINE=1`` nothing is downloaded, and a cached file
whose hash differs (a synthetic or older copy placed by hand) is used with a warning
instead of being replaced. Archives are extracted by :mod:`xlaflow.utils.extract` (path,
link and bomb checks). One difference from Keras: an archive's extraction is
reused while its directory exists, where Keras extracts again on every call.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
from typing import Any

from xlaflow.saving.atomic import atomic_path
from xlaflow.utils.extract import extract_archive

_CHUNK = 1 << 16
OFFLINE_ENV = "XLAFLOW_OFFLINE"


class DownloadError(OSError):
    """A file could not be downloaded (no network, HTTP error, bad URL)."""


def keras_home() -> str:
    """Keras' base directory: ``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` when
    the home directory cannot be written). Read on every call, so tests may set it."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    home = os.path.expanduser("~")
    return os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")


def _resolve_hasher(algorithm: str, file_hash: str | None = None) -> Any:
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return hashlib.sha256()
    if algorithm in ("md5", "auto"):
        return hashlib.md5()
    raise ValueError(f"get_file: argument `hash_algorithm` must be 'auto', 'sha256' or 'md5'. Received: {algorithm!r}")


def hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The hex digest of a file (``algorithm``: ``"sha256"``, ``"md5"`` or ``"auto"`` = sha256)."""
    hasher = _resolve_hasher("sha256" if algorithm == "auto" else algorithm)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto", chunk_size: int = 65535) -> bool:
    """Whether ``fpath``'s digest equals ``file_hash`` (``"auto"``: sha256 for a
    64-character hash, md5 otherwise)."""
    hasher = _resolve_hasher(algorithm, file_hash)
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest() == str(file_hash)


def _algorithm_name(algorithm: str, file_hash: str) -> str:
    return _resolve_hasher(algorithm, file_hash).name


def _cache_dirs(cache_dir: str | None, cache_subdir: str) -> tuple[str, str]:
    """(the configured directory, the one to write to: itself, or ``/tmp/.keras/...``)."""
    base = os.path.expanduser(keras_home() if cache_dir is None else os.fspath(cache_dir))
    preferred = os.path.join(base, cache_subdir)
    try:
        os.makedirs(preferred, exist_ok=True)
        writable = os.access(preferred, os.W_OK)
    except OSError:
        writable = False
    if writable:
        return preferred, preferred
    fallback = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras", cache_subdir)
    os.makedirs(fallback, exist_ok=True)
    return preferred, fallback


def _names(fname: Any, origin: str, extracting: bool) -> tuple[str, str | None]:
    """(the cached file's name, the extraction directory's name or None), as Keras 3 names them."""
    provided = fname
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot take a file name from `origin`; pass `fname`. Received: origin={origin!r}")
    elif os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError("get_file: argument `fname` must be a file name, not a path; use `cache_dir` (and "
                         f"`cache_subdir`) for the directory. Received: fname={fname!r}")
    if not extracting:
        return fname, None
    if provided and "." in fname:
        return fname, f"{fname[:fname.find('.')]}_extracted"
    return f"{fname}_archive", fname


def get_file(fname: Any = None, origin: str | None = None, untar: bool = False, md5_hash: str | None = None,
             file_hash: str | None = None, cache_subdir: str = "datasets", hash_algorithm: str = "auto",
             extract: bool = False, archive_format: Any = "auto", cache_dir: Any = None,
             force_download: bool = False) -> str:
    """Downloads ``origin`` into the Keras cache unless it is already there; returns its path.

    Args:
      fname: the cached file's name (default: the last part of ``origin``'s path).
        A name, not a path.
      origin: the URL (``http(s)://``, ``ftp://`` or ``file://``).
      untar: deprecated Keras spelling of ``extract=True, archive_format="tar"``.
      md5_hash: deprecated Keras spelling of ``file_hash`` with ``hash_algorithm="md5"``.
      file_hash: the expected sha256 or md5 hex digest; a cached file that does not
        match is downloaded again, a download that does not match is refused.
      cache_subdir: the subdirectory of the cache directory (``"datasets"``).
      hash_algorithm: ``"auto"`` (sha256 for a 64-character hash, else md5),
        ``"sha256"`` or ``"md5"``.
      extract: extract the archive and return the extraction directory.
      archive_format: ``"auto"``, ``"tar"``, ``"zip"``, a list of them, or None.
      cache_dir: the cache directory (default ``$KERAS_HOME`` or ``~/.keras``).
      force_download: download even if the file is cached.

    Returns:
      The path of the cached file, or of the extraction directory with ``extract``.

    Raises:
      DownloadError: the file is not cached and could not be downloaded; the
        message names the URL and where to place the file by hand.
      ValueError: bad arguments, or a download whose hash does not match.
      UnsafeContentError: the archive has unsafe members (nothing is extracted).
    """
    if origin is None:
        raise ValueError("get_file: argument `origin` (the URL of the file to download) is required. Received: None")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    extracting = bool(extract or untar)
    name, extract_name = _names(fname, origin, extracting)
    preferred, datadir = _cache_dirs(cache_dir, cache_subdir)
    target = os.path.join(datadir, name)
    if not force_download and datadir != preferred and _usable(os.path.join(preferred, name), file_hash, hash_algorithm):
        target = os.path.join(preferred, name)  # present in a read-only cache: use it
        datadir = preferred
    extraction_dir = os.path.join(datadir, extract_name) if extract_name else None

    downloaded = False
    if force_download or not _usable(target, file_hash, hash_algorithm):
        if not force_download and extraction_dir and os.path.isdir(extraction_dir) and not os.path.exists(target):
            return extraction_dir  # placed by hand, already extracted
        stale = os.path.isfile(target) and not force_download
        if stale and offline():
            warnings.warn(f"get_file: the cached file {target} does not match the expected "
                          f"{_algorithm_name(hash_algorithm, file_hash)} hash {file_hash}; using it as it is because "
                          f"{OFFLINE_ENV}=1 forbids downloading a fresh copy.", stacklevel=2)
        else:
            if stale:
                print(f"A local file was found at {target}, but its {_algorithm_name(hash_algorithm, file_hash)} hash does "
                      f"not match {file_hash}: downloading it again.")
            _download(origin, target, file_hash, hash_algorithm, extraction_dir, stale)
            downloaded = True
    if extraction_dir is None:
        return target
    if downloaded or not os.path.isdir(extraction_dir):
        if not extract_archive(target, extraction_dir, "tar" if untar else archive_format):
            raise ValueError(f"get_file: {target} is not a {'tar' if untar else archive_format!r} archive; cannot extract it.")
    return extraction_dir


def _usable(path: str, file_hash: str | None, algorithm: str) -> bool:
    return os.path.isfile(path) and (file_hash is None or validate_file(path, file_hash, algorithm))


def offline() -> bool:
    """Whether ``XLAFLOW_OFFLINE=1``: ``get_file`` then never downloads (a missing file is
    an error naming where to place it; a cached file whose hash differs is used, with a warning)."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in ("1", "true", "yes")


def _download(origin: str, target: str, file_hash: str | None, algorithm: str, extraction_dir: str | None,
              stale: bool = False) -> None:
    """Streams ``origin`` to ``target`` atomically, checking the hash before the rename."""
    where = f"{target}" + (f" (or its extracted contents in {extraction_dir}{os.sep})" if extraction_dir else "")
    check = f" Its {_algorithm_name(algorithm, file_hash)} hash must be {file_hash}." if file_hash else ""
    keep = f" To use the cached file as it is, set {OFFLINE_ENV}=1." if stale else ""
    if offline():
        raise DownloadError(f"get_file: {target} is not in the cache and {OFFLINE_ENV}=1 forbids downloading {origin}. "
                            f"Download that URL on another machine and place the file at {where}.{check}")
    print(f"Downloading data from {origin}")
    try:
        with atomic_path(target) as tmp:
            with urllib.request.urlopen(origin) as response, open(tmp, "wb") as out:
                _stream(response, out)
            if file_hash is not None and not validate_file(tmp, file_hash, algorithm):
                raise ValueError(
                    f"get_file: the file downloaded from {origin} is incomplete or corrupted: its "
                    f"{_algorithm_name(algorithm, file_hash)} hash is {hash_file(tmp, _algorithm_name(algorithm, file_hash))}, "
                    f"expected {file_hash}."
                )
    except (urllib.error.URLError, ConnectionError, TimeoutError, socket.error) as e:
        if not isinstance(e, (urllib.error.URLError, ConnectionError, TimeoutError, socket.gaierror, socket.timeout)):
            raise  # a local write error, not a fetch failure
        reason = getattr(e, "reason", None) or e
        code = f"HTTP {e.code} " if isinstance(e, urllib.error.HTTPError) else ""
        raise DownloadError(
            f"URL fetch failure on {origin}: {code}{reason}. Without network access, download that URL on another "
            f"machine and place the file at {where}.{check}{keep}"
        ) from e


def _stream(response: Any, out: Any) -> None:
    from xlaflow.callbacks.progbar import Progbar

    length = response.headers.get("Content-Length") if getattr(response, "headers", None) else None
    total = int(length) if length and length.isdigit() else None
    bar = Progbar(total)
    done = 0
    while True:
        chunk = response.read(_CHUNK)
        if not chunk:
            break
        out.write(chunk)
        done += len(chunk)
        bar.update(done, finalize=False if total is None or done < total else None)
    bar.update(done, finalize=True)
    out.flush()
    os.fsync(out.fileno())


__all__ = ["DownloadError", "OFFLINE_ENV", "get_file", "hash_file", "keras_home", "offline", "validate_file"]
