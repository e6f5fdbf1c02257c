"""Reading Keras' dataset files safely: ``.npz`` archives and CIFAR's pickled batches.

Some of Keras' files hold pickles (IMDB and Reuters store ragged sequences as NumPy
object arrays; CIFAR batches are pickled dicts). They are read with
:class:`RestrictedUnpickler`, which resolves only the NumPy names an array needs, so
a tampered file cannot run code; plain ``.npy`` members are read with
``allow_pickle=False``.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from typing import Any

import numpy as np

from xlaflow.utils.get_file import get_file

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"

_ALLOWED = frozenset({
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
})


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only NumPy's array-building names."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Refusing to load `{module}.{name}` from a Keras dataset file: only NumPy arrays are allowed "
            "(the file may be corrupted or malicious)."
        )


def _npy(buffer: io.BytesIO) -> np.ndarray:
    try:
        return np.lib.format.read_array(buffer, allow_pickle=False)
    except ValueError:  # an object array: its data is a pickle
        buffer.seek(0)
        major, _ = np.lib.format.read_magic(buffer)
        if major == 1:
            np.lib.format.read_array_header_1_0(buffer)
        elif major in (2, 3):
            np.lib.format.read_array_header_2_0(buffer)
        else:
            raise ValueError(f"Unsupported .npy format version {major} in a Keras dataset file.") from None
        return RestrictedUnpickler(buffer).load()


def load_npz(path: str) -> dict[str, np.ndarray]:
    """The arrays of an ``.npz`` file (object arrays through :class:`RestrictedUnpickler`)."""
    arrays = {}
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            if member.endswith(".npy"):
                with archive.open(member) as raw:
                    arrays[member[: -len(".npy")]] = _npy(io.BytesIO(raw.read()))
    return arrays


def load_cifar_batch(fpath: str, label_key: str = "labels") -> tuple[np.ndarray, Any]:
    """One pickled CIFAR batch: ``(data [N, 3, 32, 32] uint8, labels list)``."""
    with open(fpath, "rb") as f:
        d = RestrictedUnpickler(f, encoding="bytes").load()
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    data = d["data"]
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def fetch(name: str, file_hash: str, path: str | None = None) -> str:
    """A file of Keras' dataset bucket, cached as ``path`` (default ``name``)."""
    return get_file(fname=path or name, origin=KERAS_ORIGIN + name, file_hash=file_hash)


def shuffled_split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int) -> tuple:
    """Keras' regression split: shuffle with ``RandomState(seed)``, then the first
    ``int(n * (1 - test_split))`` rows are the training set."""
    if not 0 <= test_split < 1:
        raise ValueError(f"Argument `test_split` must be in [0, 1). Received: test_split={test_split}")
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
