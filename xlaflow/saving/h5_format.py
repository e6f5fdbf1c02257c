"""The ``.weights.h5`` layout (Keras 3's), written with h5py and read with safety checks.

Keras 3 stores each object's own variables in a group ``<path>/vars`` holding
datasets ``"0"``, ``"1"`` ... in the object's variable order, with the object's
``name`` as a group attribute; ``<path>`` is where the object sits in the model
(``layers/dense_1``, ``optimizer``; the model itself is the root, so its group is
``vars``). :mod:`xlaflow.saving.object_walk` computes the paths; this module turns a
``{path: (name, arrays)}`` mapping into a file and back.

Before anything is read, :func:`check_h5` walks the whole file and rejects
(``UnsafeContentError``) soft links, external links, user-defined links, external
storage (``dset.external``), virtual datasets and any non-numeric dtype (object,
variable-length, reference, compound), with bounds on the number of objects and the
depth (which also ends cyclic hard links). Values are read only for datasets whose
shape matches the variable they are for, so a small file cannot make a load
allocate more than the model itself needs.
"""

from __future__ import annotations

import os
import zlib
from typing import IO, Any, Iterator

import h5py
import numpy as np

from xlaflow.saving.errors import LoadError, UnsafeContentError

MAX_OBJECTS = 200_000
MAX_DEPTH = 64
H5_ERRORS = (OSError, KeyError, ValueError, RuntimeError, TypeError, AttributeError, IndexError)
_NUMERIC_KINDS = "biufc"


def _check_dataset(path: str, dset: h5py.Dataset) -> None:
    if dset.is_virtual:
        raise UnsafeContentError(f"HDF5 dataset {path!r} is a virtual dataset; virtual datasets are not allowed.")
    if dset.external:
        raise UnsafeContentError(f"HDF5 dataset {path!r} stores its data in external files; this is not allowed.")
    dtype = dset.dtype
    if dtype.kind not in _NUMERIC_KINDS or dtype.fields is not None or dtype.subdtype is not None:
        raise UnsafeContentError(f"HDF5 dataset {path!r} has dtype {dtype}; only numeric dtypes are allowed.")
    if h5py.check_dtype(vlen=dtype) is not None or h5py.check_dtype(ref=dtype) is not None:
        raise UnsafeContentError(f"HDF5 dataset {path!r} has a variable-length or reference dtype.")


def check_h5(f: h5py.File) -> None:
    """Walks every link of ``f``; raises ``UnsafeContentError`` on anything unsafe."""
    count = 0
    stack: list[tuple[h5py.Group, str, int]] = [(f, "", 0)]
    while stack:
        group, path, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnsafeContentError(f"HDF5 file nests groups deeper than {MAX_DEPTH} (at {path!r}).")
        for name in group:
            count += 1
            if count > MAX_OBJECTS:
                raise UnsafeContentError(f"HDF5 file has more than {MAX_OBJECTS} objects.")
            child_path = f"{path}/{name}"
            link = group.get(name, getlink=True)
            if isinstance(link, h5py.SoftLink):
                raise UnsafeContentError(f"HDF5 object {child_path!r} is a soft link; links are not allowed.")
            if isinstance(link, h5py.ExternalLink):
                raise UnsafeContentError(
                    f"HDF5 object {child_path!r} is an external link (to {link.filename!r}); links are not allowed."
                )
            if not isinstance(link, h5py.HardLink):
                raise UnsafeContentError(f"HDF5 object {child_path!r} is a {type(link).__name__}; only plain objects are allowed.")
            obj = group.get(name)
            if isinstance(obj, h5py.Group):
                stack.append((obj, child_path, depth + 1))
            elif isinstance(obj, h5py.Dataset):
                _check_dataset(child_path, obj)
            else:
                raise UnsafeContentError(f"HDF5 object {child_path!r} is a {type(obj).__name__}; expected groups and datasets.")


class H5Reader:
    """A checked, read-only HDF5 weights file (a path or a seekable binary stream)."""

    def __init__(self, source: str | os.PathLike | IO[bytes], what: str = "weights file"):
        self.what = what
        try:
            self.file = h5py.File(source if not isinstance(source, os.PathLike) else os.fspath(source), "r")
        except H5_ERRORS as e:
            raise LoadError(f"Could not open the {what} as HDF5: {e}") from e
        try:
            check_h5(self.file)
        except UnsafeContentError:
            self.file.close()
            raise
        except H5_ERRORS as e:
            self.file.close()
            raise LoadError(f"The {what} is corrupted: {e}") from e

    def __enter__(self) -> "H5Reader":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.file.close()
        except H5_ERRORS:
            pass

    def has(self, path: str) -> bool:
        try:
            return path.strip("/") in self.file if path.strip("/") else True
        except H5_ERRORS:
            return False

    def var_names(self, path: str) -> list[str]:
        """The dataset names of ``<path>/vars`` ("0", "1" ...), in numeric order ([] if absent)."""
        group_path = f"{path}/vars" if path else "vars"
        try:
            if group_path not in self.file:
                return []
            group = self.file[group_path]
            if not isinstance(group, h5py.Group):
                raise LoadError(f"The {self.what}: {group_path!r} must be a group.")
            names = list(group)
        except H5_ERRORS as e:
            raise LoadError(f"The {self.what} is corrupted at {group_path!r}: {e}") from e
        return sorted(names, key=lambda n: (not n.isdigit(), int(n) if n.isdigit() else 0, n))

    def read(self, path: str, expected: list[tuple[tuple[int, ...], np.dtype]], owner: str,
             verify_crc: bool = False) -> list[np.ndarray]:
        """The arrays of ``<path>/vars``, checked against ``expected`` (shape, dtype) pairs.

        Raises:
          LoadError: wrong number of arrays, a shape mismatch, an incompatible dtype,
            a corrupted dataset, or (with ``verify_crc``) a checksum mismatch.
        """
        names = self.var_names(path)
        group_path = f"{path}/vars" if path else "vars"
        if len(names) != len(expected):
            raise LoadError(
                f"The {self.what} holds {len(names)} variables for {owner} (at {group_path!r}), but {owner} has "
                f"{len(expected)} variables."
            )
        out = []
        for name, (shape, dtype) in zip(names, expected):
            try:
                dset = self.file[f"{group_path}/{name}"]
                if not isinstance(dset, h5py.Dataset):
                    raise LoadError(f"The {self.what}: {group_path}/{name} must be a dataset.")
                if tuple(dset.shape) != tuple(shape):
                    raise LoadError(
                        f"The {self.what}: variable {name} of {owner} has shape {tuple(dset.shape)} in the file, but "
                        f"{owner} expects {tuple(shape)}."
                    )
                raw = np.asarray(dset[()])
                bf16 = dset.attrs.get("dtype", None) == "bfloat16"
                if verify_crc:
                    crc = dset.attrs.get("crc32", None)
                    if crc is None or int(crc) != zlib.crc32(np.ascontiguousarray(raw).tobytes()):
                        raise LoadError(f"The {self.what}: checksum mismatch at {group_path}/{name} (the file is corrupted).")
            except LoadError:
                raise
            except H5_ERRORS as e:
                raise LoadError(f"The {self.what} is corrupted at {group_path}/{name}: {e}") from e
            value = raw
            if bf16:
                import ml_dtypes

                value = raw.astype(ml_dtypes.bfloat16)
            out.append(_cast(value, dtype, f"variable {name} of {owner}"))
        return out

    def read_any(self, path: str, name: str, max_bytes: int) -> np.ndarray:
        """The checksummed dataset ``<path>/vars/<name>`` whatever its shape (bounded)."""
        return _read_any(self, path, name, max_bytes)


def _read_any(reader: "H5Reader", path: str, name: str, max_bytes: int) -> np.ndarray:
    """A dataset of any shape, refusing filtered (compressed) data and more than
    ``max_bytes``; checks its ``crc32``."""
    full = f"{path}/vars/{name}"
    try:
        dset = reader.file[full]
        if not isinstance(dset, h5py.Dataset):
            raise LoadError(f"The {reader.what}: {full} must be a dataset.")
        if dset.id.get_create_plist().get_nfilters() > 0 or dset.size * dset.dtype.itemsize > max_bytes:
            raise UnsafeContentError(f"The {reader.what}: dataset {full} is compressed or larger than the file.")
        raw = np.asarray(dset[()])
        crc = dset.attrs.get("crc32", None)
        if crc is None or int(crc) != zlib.crc32(np.ascontiguousarray(raw).tobytes()):
            raise LoadError(f"The {reader.what}: checksum mismatch at {full} (the file is corrupted).")
    except LoadError:
        raise
    except H5_ERRORS as e:
        raise LoadError(f"The {reader.what} is corrupted at {full}: {e}") from e
    return raw


def _kind(dtype: np.dtype) -> str:
    return "f" if dtype.kind == "V" and dtype.itemsize <= 2 else dtype.kind  # ml_dtypes floats (bfloat16)


def _cast(value: np.ndarray, dtype: Any, what: str) -> np.ndarray:
    """``value`` as ``dtype``, refusing lossy kind changes (float data into an int variable)."""
    dtype = np.dtype(dtype)
    if value.dtype == dtype:
        return value
    src, dst = _kind(value.dtype), _kind(dtype)
    ok = (src in "biu" and dst in "biufc") or (src == "f" and dst in "fc") or (src == dst == "c")
    if not ok:
        raise LoadError(f"Cannot load {what}: the file stores dtype {value.dtype}, the variable is {dtype}.")
    return value.astype(dtype)


def write_h5(target: str | os.PathLike | IO[bytes], groups: Iterator[tuple[str, str | None, list[np.ndarray]]],
             checksums: bool = False, root_attrs: dict | None = None) -> None:
    """Writes ``(path, name, arrays)`` triples as ``<path>/vars/<i>`` datasets (``arrays``
    may be a dict ``{dataset name: array}``, for arrays Keras stores by name).

    ``name`` (when not None) becomes the ``name`` attribute of the ``vars`` group,
    as Keras writes it; with ``checksums`` every dataset gets a ``crc32`` attribute.
    """
    with h5py.File(target if not isinstance(target, os.PathLike) else os.fspath(target), "w") as f:
        for key, value in (root_attrs or {}).items():
            f.attrs[key] = value
        for path, name, arrays in groups:
            group = f.create_group(f"{path}/vars" if path else "vars")
            if name is not None:
                group.attrs["name"] = name
            for i, value in (arrays.items() if isinstance(arrays, dict) else enumerate(arrays)):  # dict: named datasets
                value = np.asarray(value)
                bf16 = value.dtype.name == "bfloat16"
                data = value.astype(np.float32) if bf16 else value
                dset = group.create_dataset(str(i), data=data)
                if bf16:
                    dset.attrs["dtype"] = "bfloat16"
                if checksums:
                    dset.attrs["crc32"] = np.uint32(zlib.crc32(np.ascontiguousarray(data).tobytes()))
