"""``keras.datasets.mnist``: 70,000 28x28 grayscale handwritten digits."""

from __future__ import annotations

import numpy as np

from xlaflow.keras.datasets._files import fetch

SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path: str = "mnist.npz") -> tuple:
    """Loads MNIST (Keras' ``mnist.npz``, cached as ``~/.keras/datasets/<path>``).

    Args:
      path: the cached file's name in the Keras cache.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(60000, 28, 28)`` and
      ``(10000, 28, 28)`` with values 0..255, and uint8 labels 0..9.
    """
    with np.load(fetch("mnist.npz", SHA256, path), allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


__all__ = ["load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.mnist")
