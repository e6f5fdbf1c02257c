"""``keras.datasets.cifar10``: 60,000 32x32 colour images of 10 classes.

Keras' file is the Toronto tarball, cached as
``~/.keras/datasets/cifar-10-batches-py-target_archive`` and extracted into
``cifar-10-batches-py-target/cifar-10-batches-py/``.
"""

from __future__ import annotations

import os

import numpy as np

from xlaflow.keras.datasets._files import load_cifar_batch
from xlaflow.utils.get_file import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"


def load_data() -> tuple:
    """Loads CIFAR-10 (channels-last, Keras' default image data format).

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(50000, 32, 32, 3)`` and
      ``(10000, 32, 32, 3)``, uint8 labels of shape ``(n, 1)`` with values 0..9.
    """
    root = os.path.join(get_file(fname="cifar-10-batches-py-target", origin=ORIGIN, extract=True, file_hash=SHA256),
                        "cifar-10-batches-py")
    xs, ys = zip(*(load_cifar_batch(os.path.join(root, f"data_batch_{i}")) for i in range(1, 6)))
    x_train = np.concatenate(xs).astype(np.uint8)
    y_train = np.concatenate([np.asarray(y) for y in ys]).astype(np.uint8)
    x_test, y_test = load_cifar_batch(os.path.join(root, "test_batch"))
    return ((x_train.transpose(0, 2, 3, 1), y_train.reshape(-1, 1)),
            (x_test.astype(np.uint8).transpose(0, 2, 3, 1), np.asarray(y_test).astype(np.uint8).reshape(-1, 1)))


__all__ = ["load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.cifar10")
