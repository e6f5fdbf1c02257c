"""``keras.datasets.cifar100``: 60,000 32x32 colour images of 100 fine (20 coarse) classes.

Keras' file is the Toronto tarball, cached as
``~/.keras/datasets/cifar-100-python-target_archive`` and extracted into
``cifar-100-python-target/cifar-100-python/``.
"""

from __future__ import annotations

import os

import numpy as np

from xlaflow.keras.datasets._files import load_cifar_batch
from xlaflow.utils.get_file import get_file

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
SHA256 = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode: str = "fine") -> tuple:
    """Loads CIFAR-100 (channels-last).

    Args:
      label_mode: ``"fine"`` (100 classes) or ``"coarse"`` (20 superclasses).

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: uint8 images ``(50000, 32, 32, 3)`` and
      ``(10000, 32, 32, 3)``, labels of shape ``(n, 1)`` (as stored: int64).

    Raises:
      ValueError: ``label_mode`` is not "fine" or "coarse".
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f'Argument `label_mode` must be one of "fine", "coarse". Received: label_mode={label_mode!r}')
    root = os.path.join(get_file(fname="cifar-100-python-target", origin=ORIGIN, extract=True, file_hash=SHA256),
                        "cifar-100-python")
    out = []
    for part in ("train", "test"):
        x, y = load_cifar_batch(os.path.join(root, part), label_key=f"{label_mode}_labels")
        out.append((x.transpose(0, 2, 3, 1), np.reshape(y, (len(y), 1))))
    return tuple(out)


__all__ = ["load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.cifar100")
