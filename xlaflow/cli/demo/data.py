"""The demo's data: scikit-learn's 1,797 handwritten 8x8 digits (shipped offline).

Images become float32 in [0, 1] with a channel axis (8, 8, 1); labels one-hot. The
split is seeded: 20% test; of the rest, the last 20% is validation — the rows
``fit(validation_split=0.2)`` would hold out — so every style trains on the same
rows in the same order.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Digits(NamedTuple):
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


VALIDATION_SPLIT = 0.2


def load(seed: int = 0) -> Digits:
    """The seeded train/validation/test split (train and validation shuffled once)."""
    from sklearn.datasets import load_digits

    raw = load_digits()
    x = (raw.data / 16.0).astype(np.float32).reshape(-1, 8, 8, 1)
    y = np.eye(10, dtype=np.float32)[raw.target]
    order = np.random.default_rng(seed).permutation(len(x))
    x, y = x[order], y[order]
    n_test = int(0.2 * len(x))
    x_fit, y_fit = x[n_test:], y[n_test:]
    cut = int(len(x_fit) * (1 - VALIDATION_SPLIT))
    return Digits(x_fit[:cut], y_fit[:cut], x_fit[cut:], y_fit[cut:], x[:n_test], y[:n_test])
