"""Vocabularies of the lookup layers: reading them, and learning them in ``adapt``.

* :func:`read_vocabulary_file`: one token per line (UTF-8; ``\\n`` or ``\\r\\n``), as
  TF's ``TextFileInitializer`` reads it; a token repeated in the file is a
  ``ValueError`` naming the file and the tokens (TF fails at table initialisation).
* :class:`TokenCounter`: ``update_state``'s accumulators -- token counts and, for
  ``tf_idf``, document counts -- and the vocabulary they give: most frequent first,
  ties broken by the token, higher first (Keras' ``lexsort`` order), cut to
  ``max_tokens``; IDF weights ``log(1 + docs / (1 + doc_count))``.
"""

from __future__ import annotations

import collections
import os
from typing import Any

import numpy as np


def read_vocabulary_file(path: str, owner: str, to_token: Any) -> list:
    """The tokens of a vocabulary file (``to_token`` parses one line)."""
    from xlaflow.saving.serialization import loading_safely

    if loading_safely():
        raise ValueError(f"{owner}: the config names a vocabulary file outside the model archive ({path!r}); reading "
                         "it could expose arbitrary files, so safe mode refuses it. If you trust the file, load with "
                         "safe_mode=False.")
    if not os.path.exists(path):
        raise ValueError(f"{owner}: vocabulary file {path} does not exist.")
    with open(path, "rb") as f:
        raw = f.read()
    lines = raw.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    lines = [line[:-1] if line.endswith(b"\r") else line for line in lines]
    tokens = [to_token(line) for line in lines]
    repeated = repeated_tokens(tokens)
    if repeated:
        raise ValueError(f"{owner}: the vocabulary file {path!r} holds repeated terms (each must appear once). "
                         f"Repeated: {repeated[:10]}")
    return tokens


def repeated_tokens(tokens: list) -> list:
    counts = collections.Counter(tokens)
    return [t for t, c in counts.items() if c > 1] if len(counts) != len(tokens) else []


class TokenCounter:
    """Token and document counts accumulated over ``update_state`` calls."""

    def __init__(self, tf_idf: bool):
        self.tf_idf = tf_idf
        self.reset()

    def reset(self) -> None:
        self.counts: collections.Counter = collections.Counter()
        self.doc_counts: collections.Counter = collections.Counter()
        self.num_docs = 0
        self.inputs_seen = 0  # input values (strings, ids) seen: none at all means empty data

    def update(self, rows: list, inputs: int) -> None:
        """Counts the tokens of ``rows`` (one list of tokens per document) made from
        ``inputs`` input values."""
        self.inputs_seen += inputs
        for row in rows:
            self.counts.update(row)
        if self.tf_idf:
            for row in rows:
                self.doc_counts.update(set(row))
            self.num_docs += len(rows)

    def vocabulary(self, max_learned: int | None, drop: list) -> list:
        """Tokens by count (high first), ties by token (high first), at most ``max_learned``."""
        for t in drop:
            self.counts.pop(t, None)
        ranked = sorted(self.counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if max_learned is not None:
            ranked = ranked[:max_learned]
        return [t for t, _ in ranked]

    def idf(self, tokens: list) -> np.ndarray:
        doc = np.array([self.doc_counts.get(t, 0) for t in tokens], np.float64)
        return np.log(1.0 + self.num_docs / (1.0 + doc)).astype(np.float32)


def pad_idf(idf: np.ndarray, front: int, front_value: float, total: int | None) -> np.ndarray:
    """IDF weights with ``front`` special-token slots (``front_value``) and zeros up to ``total``."""
    out = np.concatenate([np.full(front, front_value, np.float32), np.asarray(idf, np.float32)])
    if total is not None and total > out.size:
        out = np.concatenate([out, np.zeros(total - out.size, np.float32)])
    return out
