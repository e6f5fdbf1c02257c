"""Encoding looked-up indices: Keras' ``one_hot``, ``multi_hot``, ``count`` and ``tf_idf``
output modes (``keras.src.utils.numerical_utils.encode_categorical_inputs``).

Shapes follow Keras: a scalar input is one sample; ``one_hot`` adds a ``depth`` axis
(replacing a trailing axis of size 1); ``multi_hot``/``count``/``tf_idf`` reduce the
last axis (a rank-1 input is one sample) to ``depth`` slots. Indices outside
``[0, depth)`` (the mask token in these modes) are not counted. Rows of a ragged
input are reduced the same way. Both a NumPy form (host layers) and a JAX form
(IntegerLookup inside compiled code) are here.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np


def _bincount_rows(rows: list, depth: int, binary: bool) -> np.ndarray:
    out = np.zeros((len(rows), depth), np.float32)
    for i, r in enumerate(rows):
        r = np.asarray(r, np.int64).reshape(-1)
        r = r[(r >= 0) & (r < depth)]
        if binary:
            out[i, r] = 1.0
        else:
            np.add.at(out[i], r, 1.0)
    return out


def encode_rows(rows: list, mode: str, depth: int, idf: np.ndarray | None = None) -> np.ndarray:
    """``(len(rows), depth)`` float32 encodings of ragged rows of indices."""
    out = _bincount_rows(rows, depth, binary=mode == "multi_hot")
    if mode == "tf_idf":
        out = out * idf[:depth].astype(np.float32)
    return out


def encode_dense(indices: np.ndarray, mode: str, depth: int, idf: np.ndarray | None = None) -> np.ndarray:
    """The Keras encoding of a dense index array (NumPy)."""
    idx = np.asarray(indices, np.int64)
    if idx.ndim == 0:
        idx = idx.reshape(1)
    if mode == "one_hot":
        if idx.ndim > 1 and idx.shape[-1] == 1:
            idx = idx.reshape(idx.shape[:-1])
        out = np.zeros(idx.shape + (depth,), np.float32)
        valid = (idx >= 0) & (idx < depth)
        np.put_along_axis(out, np.where(valid, idx, 0)[..., None], valid[..., None].astype(np.float32), axis=-1)
        return out
    lead = idx.shape[:-1]
    rows = list(idx.reshape(-1, idx.shape[-1]))
    return encode_rows(rows, mode, depth, idf).reshape(lead + (depth,))


def encode_jax(idx: Any, mode: str, depth: int, idf: Any = None) -> Any:
    """The same encodings in JAX (for compiled code)."""
    if idx.ndim == 0:
        idx = idx.reshape(1)
    if mode == "one_hot":
        if idx.ndim > 1 and idx.shape[-1] == 1:
            idx = idx.reshape(idx.shape[:-1])
        return jnp.asarray(idx[..., None] == jnp.arange(depth), jnp.float32)
    hits = jnp.asarray(idx[..., None] == jnp.arange(depth), jnp.float32)  # (..., length, depth)
    counts = hits.sum(axis=-2)
    if mode == "multi_hot":
        return jnp.minimum(counts, 1.0)
    if mode == "tf_idf":
        return counts * jnp.asarray(idf[:depth], jnp.float32)
    return counts
