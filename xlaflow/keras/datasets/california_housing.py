"""``keras.datasets.california_housing``: 20,640 California districts, 8 features, median value."""

from __future__ import annotations

import numpy as np

from xlaflow.keras.datasets._files import fetch, shuffled_split

SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"


def load_data(version: str = "large", path: str = "california_housing.npz", test_split: float = 0.2,
              seed: int = 113) -> tuple:
    """Loads California housing.

    Args:
      version: ``"large"`` (all rows) or ``"small"`` (the first 600 rows).
      path: the cached file's name in the Keras cache.
      test_split: the fraction of rows in the test set, in [0, 1).
      seed: the shuffling seed.

    Returns:
      ``(x_train, y_train), (x_test, y_test)`` as stored (float32).

    Raises:
      ValueError: an unknown ``version`` or a ``test_split`` outside [0, 1).
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"Argument `test_split` must be in [0, 1). Received: test_split={test_split}")
    with np.load(fetch("california_housing.npz", SHA256, path), allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    if version == "small":
        x, y = x[:600], y[:600]
    elif version != "large":
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version!r}")
    return shuffled_split(x, y, test_split, seed)


__all__ = ["load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.california_housing")
