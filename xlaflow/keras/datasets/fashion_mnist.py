"""``keras.datasets.fashion_mnist``: 70,000 28x28 grayscale images of 10 kinds of clothing.

Four gzipped IDX files cached in ``~/.keras/datasets/fashion-mnist/`` (no hash, as in
Keras). Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal,
6 Shirt, 7 Sneaker, 8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import gzip
import os

import numpy as np

from xlaflow.keras.datasets._files import KERAS_ORIGIN
from xlaflow.utils.get_file import get_file

FILES = ["train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz"]


def _read(path: str, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load_data() -> tuple:
    """Loads Fashion-MNIST.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(60000, 28, 28)`` and
      ``(10000, 28, 28)``, uint8 labels 0..9.
    """
    subdir = os.path.join("datasets", "fashion-mnist")
    paths = [get_file(name, origin=KERAS_ORIGIN + name, cache_subdir=subdir) for name in FILES]
    y_train, y_test = _read(paths[0], 8), _read(paths[2], 8)
    x_train = _read(paths[1], 16).reshape(len(y_train), 28, 28)
    x_test = _read(paths[3], 16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)


__all__ = ["load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.fashion_mnist")
