"""The word-index sequence options shared by ``imdb`` and ``reuters``, with Keras' rules.

Keras applies them in this order: shift every index by ``index_from`` and prepend
``start_char``; drop sequences of ``maxlen`` words or more; then, with ``num_words``
(default: the largest index seen), replace indices outside ``[skip_top, num_words)``
by ``oov_char`` (or drop them when ``oov_char`` is None).
"""

from __future__ import annotations

from typing import Any, Sequence


def shift(seqs: Sequence, start_char: int | None, index_from: int) -> list[list[int]]:
    if start_char is not None:
        return [[start_char] + [w + index_from for w in s] for s in seqs]
    return [[w + index_from for w in s] for s in seqs]


def drop_long(maxlen: int | None, seqs: list, labels: Sequence) -> tuple[list, list]:
    """Keeps the (sequence, label) pairs whose sequence is shorter than ``maxlen``."""
    if not maxlen:
        return seqs, list(labels)
    kept = [(s, y) for s, y in zip(seqs, labels) if len(s) < maxlen]
    return [s for s, _ in kept], [y for _, y in kept]


def limit_vocabulary(seqs: list, num_words: int | None, skip_top: int, oov_char: int | None) -> list[list[int]]:
    if not num_words:
        num_words = max(max(s) for s in seqs if len(s)) if any(len(s) for s in seqs) else 0
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in s] for s in seqs]
    return [[w for w in s if skip_top <= w < num_words] for s in seqs]


def as_object_array(seqs: list) -> Any:
    import numpy as np

    out = np.empty(len(seqs), dtype=object)
    for i, s in enumerate(seqs):
        out[i] = s
    return out
