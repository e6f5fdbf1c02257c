"""``keras.datasets.reuters``: 11,228 Reuters newswires as word-index sequences, 46 topics.

Keras' ``reuters.npz`` holds all wires; ``load_data`` shuffles them with
``RandomState(seed)``, applies the sequence options of :mod:`._sequences` and splits
off the last ``test_split`` of them, as Keras does.
"""

from __future__ import annotations

import json

import numpy as np

from xlaflow.keras.datasets import _sequences
from xlaflow.keras.datasets._files import fetch, load_npz

SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply", "coffee", "sugar",
    "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas", "cpi", "money-fx", "interest", "gnp",
    "meal-feed", "alum", "oilseed", "gold", "tin", "strategic-metal", "livestock", "retail", "ipi", "iron-steel",
    "rubber", "heat", "jobs", "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead",
)


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              test_split: float = 0.2, seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2,
              index_from: int = 3) -> tuple:
    """Loads the Reuters newswire topics.

    Args:
      path: the cached file's name in the Keras cache.
      num_words, skip_top, maxlen, start_char, oov_char, index_from: as in
        :func:`xlaflow.keras.datasets.imdb.load_data`.
      test_split: the fraction of wires in the test set.
      seed: the shuffling seed.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of ints and the
      topic labels (as stored: int64).
    """
    f = load_npz(fetch("reuters.npz", SHA256, path))
    xs, labels = f["x"], f["y"]
    order = np.arange(len(xs))
    np.random.RandomState(seed).shuffle(order)
    xs, labels = xs[order], labels[order]
    if start_char is not None or index_from:
        xs = _sequences.shift(xs, start_char, index_from)
    else:
        xs = [list(s) for s in xs]
    xs, labels = _sequences.drop_long(maxlen, xs, labels)
    xs = _sequences.limit_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return ((_sequences.as_object_array(xs[:cut]), np.array(labels[:cut])),
            (_sequences.as_object_array(xs[cut:]), np.array(labels[cut:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict:
    """The dict mapping each word to its rank (before ``index_from`` is added)."""
    with open(fetch("reuters_word_index.json", WORD_INDEX_MD5, path)) as f:
        return json.load(f)


def get_label_names() -> tuple:
    """The 46 topic names, indexed by label."""
    return LABEL_NAMES


__all__ = ["get_label_names", "get_word_index", "load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.reuters")
