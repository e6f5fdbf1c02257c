"""``keras.datasets.boston_housing``: 506 Boston suburbs, 13 features, median home value."""

from __future__ import annotations

import numpy as np

from xlaflow.keras.datasets._files import fetch, shuffled_split

SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113) -> tuple:
    """Loads Boston housing.

    Args:
      path: the cached file's name in the Keras cache.
      test_split: the fraction of rows in the test set, in [0, 1).
      seed: the shuffling seed.

    Returns:
      ``(x_train, y_train), (x_test, y_test)`` as stored (float64), 404/102 rows by default.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Argument `test_split` must be in [0, 1). Received: test_split={test_split}")
    with np.load(fetch("boston_housing.npz", SHA256, path), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return shuffled_split(x, y, test_split, seed)


__all__ = ["load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.boston_housing")
