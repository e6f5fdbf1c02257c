"""``keras.datasets.imdb``: 50,000 movie reviews as word-index sequences, labelled 0/1.

Keras' ``imdb.npz`` holds the reviews as lists of word ranks (1 = most frequent);
``load_data`` shuffles each split with ``RandomState(seed)`` and applies the sequence
options of :mod:`._sequences` exactly as Keras does.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from xlaflow.keras.datasets import _sequences
from xlaflow.keras.datasets._files import fetch, load_npz

SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0, maxlen: int | None = None,
              seed: int = 113, start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3,
              **kwargs: Any) -> tuple:
    """Loads IMDB reviews.

    Args:
      path: the cached file's name in the Keras cache.
      num_words: keep the ``num_words`` most frequent words (others become ``oov_char``).
      skip_top: also treat the ``skip_top`` most frequent words as out of vocabulary.
      maxlen: drop reviews of ``maxlen`` words or more.
      seed: the shuffling seed.
      start_char: index that starts every review (None: none).
      oov_char: index of out-of-vocabulary words (None: drop them).
      index_from: offset added to every word index.

    Returns:
      ``(x_train, y_train), (x_test, y_test)``: object arrays of lists of ints and the
      label arrays as stored (int64).

    Raises:
      ValueError: ``maxlen`` removes every review.
      TypeError: an unknown keyword argument (Keras ignores them silently).
    """
    if kwargs:
        raise TypeError(f"imdb.load_data: unrecognized keyword arguments: {sorted(kwargs)}")
    f = load_npz(fetch("imdb.npz", SHA256, path))
    rng = np.random.RandomState(seed)
    splits = []
    for part in ("train", "test"):
        x, y = f[f"x_{part}"], f[f"y_{part}"]
        order = np.arange(len(x))
        rng.shuffle(order)
        splits.append((x[order], y[order]))
    (x_train, y_train), (x_test, y_test) = splits
    x_train, x_test = _sequences.shift(x_train, start_char, index_from), _sequences.shift(x_test, start_char, index_from)
    if maxlen:
        x_train, y_train = _sequences.drop_long(maxlen, x_train, y_train)
        x_test, y_test = _sequences.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no sequence was kept. Increase maxlen.")
    xs = _sequences.limit_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([np.asarray(y_train), np.asarray(y_test)])
    n = len(x_train)
    return (_sequences.as_object_array(xs[:n]), labels[:n]), (_sequences.as_object_array(xs[n:]), labels[n:])


def get_word_index(path: str = "imdb_word_index.json") -> dict:
    """The dict mapping each word to its rank (before ``index_from`` is added)."""
    with open(fetch("imdb_word_index.json", WORD_INDEX_MD5, path)) as f:
        return json.load(f)


__all__ = ["get_word_index", "load_data"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets.imdb")
