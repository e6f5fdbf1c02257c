"""Saving lookup layers in Keras 3's ``.keras`` layout.

Keras keeps a lookup layer's vocabulary out of the weights: ``save_assets`` writes
``vocabulary.txt`` (every token, special ones first, one per line, no final newline)
under ``assets/<the layer's path>/``, and ``load_assets`` reads it back (skipped when
the vocabulary is in the config). ``tf_idf`` layers also store their IDF weights as
the dataset ``idf_weights`` of their ``vars`` group (``save_own_variables``). The
``.keras`` writer and reader of :mod:`xlaflow.saving.keras_file` call these methods
by the same names, so files move between Keras and xlaflow both ways.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape

VOCABULARY_FILE = "vocabulary.txt"


class StoreEntry:
    """A named array of a layer's ``vars`` group that is not a Variable (``idf_weights``)."""

    trainable = False

    def __init__(self, layer: Any, key: str, shape: tuple):
        self.layer, self.store_key, self._shape = layer, key, shape
        self.name = f"{layer.name}/{key}"

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._shape)

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.float32

    def numpy(self) -> np.ndarray:
        return np.asarray(getattr(self.layer, self.store_key), np.float32)

    def assign(self, value: Any) -> None:
        self.layer.load_own_variables({self.store_key: np.asarray(value, np.float32)})


class LookupIOMixin:
    """``save_assets``/``load_assets``/``save_own_variables``/``load_own_variables``."""

    def _vocabulary_bytes(self) -> list:
        specials = self.get_vocabulary(include_special_tokens=True)[: self._token_start_index()]
        return [self._file_token(t) for t in specials] + [self._file_token(t) for t in self._tokens]

    def save_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, VOCABULARY_FILE), "wb") as f:
            f.write(b"\n".join(self._vocabulary_bytes()))

    def load_assets(self, dir_path: str) -> None:
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, VOCABULARY_FILE), "rb") as f:
            lines = f.read().split(b"\n")
        while lines and lines[-1] == b"":
            lines.pop()
        values = [self._token(line) for line in lines]
        if self.output_mode == "tf_idf":
            self.set_vocabulary(values, idf_weights=self.idf_weights)
        else:
            self.set_vocabulary(values)

    def save_own_variables(self, store: dict) -> None:
        if self.output_mode == "tf_idf":
            store["idf_weights"] = np.asarray(self.idf_weights, np.float32)

    def load_own_variables(self, store: dict) -> None:
        if self.output_mode == "tf_idf":
            self.idf_weights = np.asarray(store["idf_weights"], np.float32)

    def _xf_store_entries(self) -> list:
        """What :mod:`xlaflow.saving.object_walk` saves for this layer besides Variables."""
        if self.output_mode != "tf_idf":
            return []
        size = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.idf_weights is not None:
            size = len(self.idf_weights)
        return [] if size is None else [StoreEntry(self, "idf_weights", (int(size),))]

    def _file_token(self, token: Any) -> bytes:
        if isinstance(token, bytes):
            return token
        return str(token).encode("utf-8")
