"""Small text sources: ``Dataset.list_files`` and ``TextLineDataset``.

Elements are ``bytes`` (TF's ``tf.string``): NumPy object scalars inside the pipeline,
Python ``bytes`` when iterated. Lines lose their terminator (``\\n`` or ``\\r\\n``), as
in TF. Files are read lazily, one line at a time; ``compression_type`` may be
``"GZIP"`` or ``"ZLIB"``. State is (file index, line index): restoring reopens the
file and skips to the line.
"""

from __future__ import annotations

import glob
import gzip
import io
import zlib
from typing import Any, Iterator

import numpy as np

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator
from xlaflow.data.options import UNKNOWN_CARDINALITY


def _names(value: Any, op: str, arg: str) -> list[str]:
    if isinstance(value, Dataset):
        return [v.decode() if isinstance(v, bytes) else str(v) for v in value.as_numpy_iterator()]
    arr = np.asarray(value, dtype=object).reshape(-1) if not isinstance(value, (str, bytes)) else [value]
    out = []
    for v in arr:
        if hasattr(v, "numpy"):
            v = v.numpy()
        if not isinstance(v, (str, bytes)):
            raise errors.InvalidArgumentError(f"{op}: argument `{arg}` must be a string or strings. Received: {value!r:.200}")
        out.append(v.decode() if isinstance(v, bytes) else v)
    return out


def list_files(file_pattern: Any, shuffle: bool | None, seed: int | None) -> Dataset:
    """``Dataset.list_files``: matching file names (sorted, then shuffled unless
    ``shuffle=False``); no match is an ``InvalidArgumentError``."""
    op = "Dataset.list_files"
    patterns = _names(file_pattern, op, "file_pattern")
    names = sorted({n for p in patterns for n in glob.glob(p)})
    if not names:
        raise errors.InvalidArgumentError(f"{op}: no files matched pattern: {', '.join(patterns)}")
    ds = Dataset.from_tensor_slices(np.array([n.encode() for n in names], dtype=object))
    if shuffle is None or shuffle:
        ds = ds.shuffle(len(names), seed=seed)
    return ds


def _open(path: str, compression: str) -> Iterator[bytes]:
    if compression == "GZIP":
        return gzip.open(path, "rb")
    if compression == "ZLIB":
        with open(path, "rb") as f:
            return io.BytesIO(zlib.decompress(f.read()))
    return open(path, "rb")


class TextLineDataset(Dataset):
    """``tf.data.TextLineDataset(filenames, compression_type=None)``: the lines of the
    files, in order."""

    _op = "TextLineDataset"

    def __init__(self, filenames: Any, compression_type: str | None = None, buffer_size: Any = None,
                 num_parallel_reads: Any = None, name: str | None = None):
        self._files = _names(filenames, self._op, "filenames")
        comp = (compression_type or "").upper()
        if comp not in ("", "GZIP", "ZLIB"):
            raise errors.InvalidArgumentError(f"{self._op}: argument `compression_type` must be None, '', 'GZIP' or 'ZLIB'. Received: {compression_type!r}")
        self._compression = comp

    def _make(self, device: bool = False) -> StageIterator:
        return _LineIterator(self._files, self._compression)

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _element_spec(self) -> Any:
        return structure.StringSpec(())


class _LineIterator(StageIterator):
    def __init__(self, files: list[str], compression: str):
        self.files, self.compression = files, compression
        self.file = 0
        self.line = 0
        self.handle: Any = None

    def next(self) -> Any:
        while self.file < len(self.files):
            if self.handle is None:
                try:
                    self.handle = _open(self.files[self.file], self.compression)
                except OSError as e:
                    raise errors.NotFoundError(f"TextLineDataset: cannot read file {self.files[self.file]!r}: {e}") from e
            raw = self.handle.readline()
            if raw:
                self.line += 1
                if raw.endswith(b"\n"):
                    raw = raw[:-2] if raw.endswith(b"\r\n") else raw[:-1]
                return np.array(raw, dtype=object)
            self.handle.close()
            self.handle = None
            self.file += 1
            self.line = 0
        raise StopIteration

    def get_state(self) -> dict:
        return {"file": self.file, "line": self.line}

    def set_state(self, state: dict) -> None:
        self.close()
        self.file, target = int(state["file"]), int(state["line"])
        self.line = 0
        for _ in range(target):
            self.next()

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None
