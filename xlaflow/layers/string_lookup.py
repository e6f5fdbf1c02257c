"""``StringLookup``: strings to indices (or back with ``invert=True``), Keras 3's layer.

Tokens are held as UTF-8 ``bytes`` (a vocabulary given as ``str`` is encoded;
``get_vocabulary()`` decodes, as Keras does); out-of-vocabulary strings with several
OOV indices are hashed with TF's FarmHash ``Fingerprint64`` (SipHash with ``salt``),
so indices equal Keras'. See :mod:`xlaflow.layers.index_lookup` for the rules.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.layers.host_layer import as_host
from xlaflow.layers.index_lookup import IndexLookup

from xlaflow.strings.farmhash import fingerprint64
from xlaflow.strings.siphash import siphash24


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary.

    Args:
      max_tokens: the largest vocabulary size (mask and OOV indices included).
      num_oov_indices: how many indices out-of-vocabulary strings share (hashed).
      mask_token: a string mapped to index 0 in ``"int"`` mode (dropped otherwise).
      oov_token: what ``invert=True`` returns for OOV indices (``"[UNK]"``).
      vocabulary: a list/array/tensor of strings, or the path of a file with one
        string per line.
      idf_weights: for ``output_mode="tf_idf"`` with a given vocabulary.
      invert: map indices back to strings.
      output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"``, ``"count"`` or ``"tf_idf"``.
      pad_to_max_tokens: encodings always ``max_tokens`` wide.
      sparse: not supported (an error).
      encoding: the text encoding (only ``"utf-8"``).
      salt: SipHash key for OOV hashing (an int or two).
    """

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: Any = None,
                 oov_token: Any = "[UNK]", vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", name: str | None = None, salt: Any = None, **kwargs: Any):
        if str(encoding).lower().replace("-", "").replace("_", "") != "utf8":
            raise ValueError(f"StringLookup: argument `encoding` must be 'utf-8'. Received: encoding={encoding!r}")
        kwargs.pop("vocabulary_dtype", None)
        self.encoding = encoding
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, idf_weights=idf_weights, invert=invert,
                         output_mode=output_mode, pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    @property
    def input_dtype_name(self) -> str:
        return "int64" if self.invert else "string"

    def _token(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, bytes):
            return value
        if isinstance(value, (str, np.str_)):
            return str(value).encode("utf-8")
        if isinstance(value, np.bytes_):
            return bytes(value)
        raise TypeError(f"StringLookup: vocabulary terms and tokens must be strings. Received: {value!r}")

    def _show(self, token: Any) -> Any:
        return token.decode("utf-8", "replace") if isinstance(token, bytes) else token

    def _tokens_of(self, inputs: Any) -> np.ndarray:
        if self.invert:
            arr = as_host(inputs)
            if arr.dtype.kind not in "iu":
                raise TypeError(f"StringLookup(invert=True) maps integer indices to strings. Received: dtype {arr.dtype}")
            return arr
        arr = as_host(inputs)
        if arr.dtype != object:
            raise TypeError(f"StringLookup ({self.name}) maps strings; it received dtype {arr.dtype}. Use IntegerLookup "
                            "for integers.")
        return arr

    def _hash_oov(self, tokens: list) -> np.ndarray:
        n = self.num_oov_indices
        if self.salt is not None:
            k0, k1 = self.salt
            return np.array([siphash24(k0, k1, t) % n for t in tokens], np.int64)
        return np.array([fingerprint64(t) % n for t in tokens], np.int64)

    def _tokens_array(self, tokens: list, shape: tuple) -> np.ndarray:
        out = np.empty(len(tokens), object)
        out[:] = tokens
        return out.reshape(shape)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["encoding"] = self.encoding
        return config


__all__ = ["StringLookup"]
