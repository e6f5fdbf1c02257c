"""Tiny stand-ins for Keras' dataset files, in Keras' exact cache layout and formats.

NumPy and the standard library only: shared by ``tools/golden/make_datasets_golden.py``
(which loads them with real Keras) and by the tests (which load them with xlaflow),
so both read the same bytes. ``write_all(keras_home)`` writes every file under
``<keras_home>/datasets/`` with the names ``keras.datasets`` looks for.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import pickle
import struct
import tarfile

import numpy as np

SIZES = {"mnist": (12, 5), "cifar_batch": 3, "cifar_test": 4, "cifar100": (7, 4), "imdb": (9, 6), "reuters": 15, "boston": 20, "california": 700}


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng(sum(map(ord, name)))


def _ragged(rng: np.random.Generator, n: int, vocab: int) -> np.ndarray:
    out = np.empty(n, dtype=object)
    for i in range(n):
        out[i] = [int(v) for v in rng.integers(1, vocab, int(rng.integers(2, 12)))]
    return out


def mnist_arrays(n_train: int, n_test: int, name: str = "mnist") -> dict:
    rng = _rng(name)
    return {"x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
            "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            "y_test": rng.integers(0, 10, n_test, dtype=np.uint8)}


def write_mnist(datasets: str, n_train: int | None = None, n_test: int | None = None) -> dict:
    arrays = mnist_arrays(n_train or SIZES["mnist"][0], n_test or SIZES["mnist"][1])
    np.savez(os.path.join(datasets, "mnist.npz"), **arrays)
    return arrays


def _idx(arr: np.ndarray) -> bytes:
    magic = 2049 if arr.ndim == 1 else 2051
    header = struct.pack(">II", magic, arr.shape[0]) + (struct.pack(">II", 28, 28) if arr.ndim == 3 else b"")
    return gzip.compress(header + arr.tobytes())


def write_fashion(datasets: str) -> None:
    a = mnist_arrays(*SIZES["mnist"], name="fashion")
    folder = os.path.join(datasets, "fashion-mnist")
    os.makedirs(folder, exist_ok=True)
    for fname, key in [("train-labels-idx1-ubyte.gz", "y_train"), ("train-images-idx3-ubyte.gz", "x_train"),
                       ("t10k-labels-idx1-ubyte.gz", "y_test"), ("t10k-images-idx3-ubyte.gz", "x_test")]:
        with open(os.path.join(folder, fname), "wb") as f:
            f.write(_idx(a[key]))


def _tar_add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def _batch(rng: np.random.Generator, n: int, label_keys: dict) -> bytes:
    d = {b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8), b"batch_label": b"x"}
    for key, classes in label_keys.items():
        d[key.encode()] = [int(v) for v in rng.integers(0, classes, n)]
    return pickle.dumps(d, protocol=4)


def write_cifar10(datasets: str) -> None:
    rng = _rng("cifar10")
    with tarfile.open(os.path.join(datasets, "cifar-10-batches-py-target_archive"), "w:gz") as tar:
        for i in range(1, 6):
            _tar_add(tar, f"cifar-10-batches-py/data_batch_{i}", _batch(rng, SIZES["cifar_batch"], {"labels": 10}))
        _tar_add(tar, "cifar-10-batches-py/test_batch", _batch(rng, SIZES["cifar_test"], {"labels": 10}))


def write_cifar100(datasets: str) -> None:
    rng = _rng("cifar100")
    with tarfile.open(os.path.join(datasets, "cifar-100-python-target_archive"), "w:gz") as tar:
        for part, n in zip(("train", "test"), SIZES["cifar100"]):
            _tar_add(tar, f"cifar-100-python/{part}", _batch(rng, n, {"fine_labels": 100, "coarse_labels": 20}))


def write_imdb(datasets: str) -> None:
    rng = _rng("imdb")
    n_train, n_test = SIZES["imdb"]
    np.savez(os.path.join(datasets, "imdb.npz"), x_train=_ragged(rng, n_train, 40), y_train=rng.integers(0, 2, n_train),
             x_test=_ragged(rng, n_test, 40), y_test=rng.integers(0, 2, n_test))
    with open(os.path.join(datasets, "imdb_word_index.json"), "w") as f:
        json.dump({"the": 1, "and": 2, "film": 17}, f)


def write_reuters(datasets: str) -> None:
    rng = _rng("reuters")
    n = SIZES["reuters"]
    np.savez(os.path.join(datasets, "reuters.npz"), x=_ragged(rng, n, 30), y=rng.integers(0, 46, n))
    with open(os.path.join(datasets, "reuters_word_index.json"), "w") as f:
        json.dump({"said": 2, "mln": 4}, f)


def write_housing(datasets: str) -> None:
    rng = _rng("boston")
    n = SIZES["boston"]
    np.savez(os.path.join(datasets, "boston_housing.npz"), x=rng.random((n, 13)), y=rng.random(n) * 50)
    rng = _rng("california")
    n = SIZES["california"]
    np.savez(os.path.join(datasets, "california_housing.npz"), x=rng.random((n, 8), dtype=np.float32),
             y=(rng.random(n, dtype=np.float32) * 5e5))


def write_all(keras_home: str) -> str:
    """Writes every stand-in file under ``<keras_home>/datasets``; returns that directory."""
    datasets = os.path.join(keras_home, "datasets")
    os.makedirs(datasets, exist_ok=True)
    write_mnist(datasets)
    write_fashion(datasets)
    write_cifar10(datasets)
    write_cifar100(datasets)
    write_imdb(datasets)
    write_reuters(datasets)
    write_housing(datasets)
    return datasets


# The load_data calls compared with Keras: (module, kwargs). Not cifar10: Keras' loader
# assumes five batches of exactly 10,000 images, too large for a stand-in (the test
# checks it against the stand-in's own pickles instead).
CALLS = [
    ("mnist", {}), ("fashion_mnist", {}), ("cifar100", {}), ("cifar100", {"label_mode": "coarse"}),
    ("imdb", {}), ("imdb", {"num_words": 20, "skip_top": 3, "maxlen": 10, "seed": 7}),
    ("imdb", {"start_char": None, "oov_char": None, "index_from": 0, "num_words": 15}),
    ("reuters", {}), ("reuters", {"num_words": 18, "skip_top": 2, "maxlen": 9, "test_split": 0.3, "oov_char": 5}),
    ("reuters", {"start_char": None, "index_from": 0, "oov_char": None, "num_words": 25}),
    ("boston_housing", {}), ("boston_housing", {"test_split": 0.5, "seed": 1}),
    ("california_housing", {}), ("california_housing", {"version": "small", "test_split": 0.25}),
]


def describe(value) -> object:
    """A JSON-able, exact description of a load_data result (arrays by shape, dtype and digest)."""
    import hashlib

    if isinstance(value, tuple):
        return [describe(v) for v in value]
    arr = np.asarray(value)
    if arr.dtype == object:
        return {"shape": list(arr.shape), "dtype": "object", "lists": [list(map(int, s)) for s in arr]}
    return {"shape": list(arr.shape), "dtype": str(arr.dtype),
            "sha256": hashlib.sha256(np.ascontiguousarray(arr).tobytes()).hexdigest()}
