"""``IndexLookup``: the vocabulary-to-index layer behind ``StringLookup``/``IntegerLookup``.

It follows Keras 3's ``IndexLookup`` (indices, special tokens, ``adapt`` order,
output modes, config and saved assets) with a host dictionary in place of TF's hash
table. Index layout: ``[mask] + [OOV] * num_oov_indices + learned tokens``, the mask
slot only in ``"int"`` mode. Out-of-vocabulary inputs go to the one OOV index, or,
with several, to ``Fingerprint64(token) % n`` (strings; SipHash with a ``salt``) or
``token % n`` (integers, ``oov_method="floormod"``); with ``num_oov_indices=0`` they
are an ``InvalidArgumentError``. ``"int"`` outputs are int64 (int32 while JAX's 64-bit
mode is off), ``one_hot``/``multi_hot``/``count`` likewise (Keras' integer
encodings) and ``tf_idf`` float32.

Subclasses define how tokens are read (``_token``/``_tokens_of``) and shown
(``_show``).
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from xlaflow._core import errors
from xlaflow.layers import lookup_encoding
from xlaflow.layers.host_layer import HostLayer, index_dtype
from xlaflow.layers.lookup_vocabulary import TokenCounter, pad_idf, read_vocabulary_file, repeated_tokens
from xlaflow.layers.lookup_io import LookupIOMixin
from xlaflow.ops.ragged_tensor import RaggedTensor

MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(LookupIOMixin, HostLayer):
    """Maps tokens to indices (or back, with ``invert``); see the module docstring."""

    def __init__(self, max_tokens: int | None, num_oov_indices: int, mask_token: Any, oov_token: Any,
                 vocabulary_dtype: str, vocabulary: Any = None, idf_weights: Any = None, invert: bool = False,
                 output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", name: str | None = None, salt: Any = None, **kwargs: Any):
        owner = type(self).__name__
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov_indices}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{owner}: argument `oov_method` must be 'floormod' or 'farmhash'. Received: oov_method={oov_method!r}")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in MODES:
            raise ValueError(f"{owner}: argument `output_mode` must be one of {MODES}. Received: output_mode={output_mode!r}")
        if invert and output_mode != "int":
            raise ValueError(f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={output_mode}")
        if sparse:
            raise NotImplementedError(f"{owner}: argument `sparse=True` is not supported (JAX has no sparse tensors; "
                                      "Keras allows it only on the TensorFlow backend). Received: sparse=True")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"`idf_weights` should only be set if `output_mode` is `'tf_idf'`. Received: "
                             f"idf_weights={idf_weights} and output_mode={output_mode}")
        self.salt = self._check_salt(salt, vocabulary_dtype, oov_method)
        frozen = kwargs.pop("vocabulary_size", None)
        has_input = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name, trainable=trainable)
        self.invert, self.max_tokens, self.num_oov_indices = bool(invert), max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token, self.output_mode = mask_token, oov_token, output_mode
        self.sparse, self.pad_to_max_tokens = False, bool(pad_to_max_tokens)
        self.vocabulary_dtype, self.oov_method = vocabulary_dtype, oov_method
        self._frozen_vocab_size = frozen
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, str) else None
        self.input_idf_weights = idf_weights
        self._has_input_vocabulary = bool(has_input)
        self._tokens: list = []
        self._table: dict = {}
        self._table_with_mask: dict = {} if mask_token is None else {self._token(mask_token): -2}
        self.idf_weights: np.ndarray | None = None
        self._counter = TokenCounter(output_mode == "tf_idf")
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` "
                             "argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    @staticmethod
    def _check_salt(salt: Any, vocabulary_dtype: str, oov_method: str) -> Any:
        if salt is None:
            return None
        if vocabulary_dtype != "string" and oov_method != "farmhash":
            raise ValueError(f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}")
        if isinstance(salt, (tuple, list)) and len(salt) == 2:
            return list(salt)
        if isinstance(salt, int) and not isinstance(salt, bool):
            return [salt, salt]
        raise ValueError(f"The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, or a single integer. "
                         f"Received: salt={salt}.")

    # -- what subclasses define -----------------------------------------------------
    def _token(self, value: Any) -> Any:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _show(self, token: Any) -> Any:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _tokens_of(self, inputs: Any) -> np.ndarray:  # pragma: no cover - subclasses
        raise NotImplementedError

    def _hash_oov(self, tokens: list) -> np.ndarray:  # pragma: no cover - subclasses
        raise NotImplementedError

    # -- indices ----------------------------------------------------------------------
    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The vocabulary size, mask and OOV indices included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in index order (with the mask and OOV tokens unless told not to)."""
        specials = [self.oov_token] * self._token_start_index()
        if self.mask_token is not None and self.output_mode == "int":
            specials[0] = self.mask_token
        vocab = [self._show(t) for t in self._tokens]
        return specials + vocab if include_special_tokens else vocab

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (a list, array, tensor, or a file with one token per line)
        and, for ``tf_idf``, the IDF weights."""
        owner = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError(f"`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: "
                             f"output_mode={self.output_mode} and idf_weights={idf_weights}")
        if isinstance(vocabulary, str):
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary from file.")
            tokens = read_vocabulary_file(vocabulary, owner, self._token)
            self._set_tokens(tokens)
            return
        values = vocabulary.numpy() if hasattr(vocabulary, "numpy") else vocabulary
        tokens = [self._token(v) for v in np.asarray(values, dtype=object).reshape(-1)]
        if not tokens:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        start = self._token_start_index()
        specials = [self._token(self.mask_token)] * self._oov_start_index() + [self._token(self.oov_token)] * self.num_oov_indices
        found_specials = tokens[:start] == specials
        if found_specials:
            tokens = tokens[start:]
        repeated = repeated_tokens(tokens)
        if repeated:
            raise ValueError(f"The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                             f"The repeated terms are: {[self._show(t) for t in repeated]}")
        for special, what in ((self.mask_token, "mask"), (self.oov_token if self.invert else None, "OOV")):
            if special is not None and self._token(special) in tokens:
                raise ValueError(f"Found reserved {what} token at unexpected location in `vocabulary`. Note that passed "
                                 "`vocabulary` does not need to include the OOV and mask tokens. Either remove all mask "
                                 "and OOV tokens, or include them only at the start of the vocabulary in precisely this "
                                 f"order: {[self._show(t) for t in specials]}. Received: {what.lower()}_token={special}")
        if self.max_tokens is not None and start + len(tokens) > self.max_tokens:
            raise ValueError(f"Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary "
                             f"size is {start + len(tokens)}; `max_tokens` is {self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            weights = np.asarray(idf_weights.numpy() if hasattr(idf_weights, "numpy") else idf_weights, np.float32)
            if weights.ndim != 1:
                raise ValueError(f"TF-IDF data must be a 1-index array. Received: shape {weights.shape}")
            if len(weights) != len(np.asarray(values, dtype=object).reshape(-1)):
                raise ValueError(f"`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                                 f"{len(weights)}; len(vocabulary) is {len(tokens) + (start if found_specials else 0)}")
            front = 0 if found_specials else start
            total = self.max_tokens if self.pad_to_max_tokens else None
            self.idf_weights = pad_idf(weights, front, float(np.average(weights)), total)

    def _set_tokens(self, tokens: list) -> None:
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._table = {t: start + i for i, t in enumerate(self._tokens)}
        self._table_with_mask = dict(self._table)  # the mask token looks up as -2: one pass over the tokens
        if self.mask_token is not None:
            self._table_with_mask[self._token(self.mask_token)] = -2
        self._record_vocabulary_size()

    def _record_vocabulary_size(self) -> None:
        size = self.vocabulary_size()
        if (self.output_mode != "int" and not self.pad_to_max_tokens and self._frozen_vocab_size is not None
                and size != self._frozen_vocab_size):
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the "
                               f"vocabulary size cannot be changed after the layer is called. Old vocab size is "
                               f"{self._frozen_vocab_size}, new vocab size is {size}")
        self._frozen_vocab_size = size

    # -- adapt --------------------------------------------------------------------------
    def adapt(self, data: Any, steps: int | None = None) -> None:
        """Learns the vocabulary from ``data`` (an array or list of tokens, a batched
        Dataset, or an iterable of batches); see the module docstring for the order."""
        from xlaflow.layers.adapt_data import adapt_batches

        self.reset_state()
        for batch in adapt_batches(data, steps, type(self).__name__):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary via `vocabulary` "
                             "argument or `set_vocabulary()` method.")
        rows = self._rows_for_counting(data)
        self._counter.update(rows, sum(len(r) for r in rows))

    def _rows_for_counting(self, data: Any) -> list:
        """Documents as lists of tokens (Keras: a scalar or 1-D batch is one document)."""
        if isinstance(data, RaggedTensor):
            flat = self._tokens_of(data._flat()).reshape(-1).tolist()
            splits = self._row_partition(data)
            return [flat[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]
        arr = self._tokens_of(data)
        if arr.ndim <= 1:
            return [arr.reshape(-1).tolist()]
        return [list(r) for r in arr.reshape(arr.shape[0], -1).tolist()]

    @staticmethod
    def _row_partition(data: RaggedTensor) -> np.ndarray:
        splits = data._row_splits
        inner = data._values
        while isinstance(inner, RaggedTensor):  # the leaf rows of a deeper ragged tensor
            splits = inner._row_splits[splits]
            inner = inner._values
        return splits

    def finalize_state(self) -> None:
        if self._has_input_vocabulary:
            return
        if self._counter.inputs_seen == 0:
            raise ValueError(f"{type(self).__name__}.adapt: the data held no values (an empty dataset or array?), so "
                             "there is no vocabulary to learn. Received: 0 values")
        drop = [self._token(t) for t in (self.mask_token, self.oov_token) if t is not None]
        max_learned = None if not self.max_tokens else self.max_tokens - self._token_start_index()
        tokens = self._counter.vocabulary(max_learned, drop)
        if self.output_mode == "tf_idf":
            idf = self._counter.idf(tokens)
            total = self.max_tokens if self.pad_to_max_tokens else None
            self.idf_weights = pad_idf(idf, self._token_start_index(), float(idf.mean()) if idf.size else float("nan"), total)
        self._set_tokens(tokens)
        self._counter.reset()

    def reset_state(self) -> None:
        if not self._has_input_vocabulary:
            self._counter.reset()

    # -- calling ----------------------------------------------------------------------
    def _depth(self) -> int:
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None:
            raise RuntimeError(f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you must set "
                               "the layer's vocabulary before calling it. Either pass a `vocabulary` argument to the "
                               "layer, or call `adapt` with some sample data.")
        return self._frozen_vocab_size

    def _lookup(self, tokens: list) -> np.ndarray:
        """Indices of a flat list of tokens (mask and OOV rules of the module docstring)."""
        table = self._table_with_mask
        out = np.fromiter(map(table.get, tokens, itertools.repeat(-1)), np.int64, len(tokens))
        masked = out == -2 if self.mask_token is not None else None
        oov = out == -1
        if oov.any():
            if self.num_oov_indices == 0:
                found = [self._show(t) for t, o in zip(tokens, oov) if o]
                raise errors.InvalidArgumentError(f"When `num_oov_indices=0` all inputs should be in vocabulary, found "
                                                  f"OOV values {found[:10]}, consider setting `num_oov_indices=1`.")
            if self.num_oov_indices == 1:
                out[oov] = self._oov_start_index()
            else:
                where = np.flatnonzero(oov)
                out[where] = self._hash_oov([tokens[i] for i in where]) + self._oov_start_index()
        if masked is not None and masked.any():
            out[masked] = 0 if self.output_mode == "int" else -1  # other modes: not counted
        return out

    def _invert(self, indices: np.ndarray) -> np.ndarray:
        flat = indices.reshape(-1).tolist()
        start = self._token_start_index()
        n = len(self._tokens)
        oov = self._token(self.oov_token)
        mask = self._token(self.mask_token) if self.mask_token is not None else None
        out = [self._tokens[i - start] if start <= i < start + n else (mask if i == 0 and mask is not None else oov)
               for i in flat]
        return self._tokens_array(out, indices.shape)

    def _tokens_array(self, tokens: list, shape: tuple) -> np.ndarray:  # pragma: no cover - subclasses
        raise NotImplementedError

    def call(self, inputs: Any) -> Any:
        if self.output_mode != "int":
            self._depth()
        if isinstance(inputs, RaggedTensor):
            return self._call_ragged(inputs)
        arr = self._tokens_of(inputs)
        if self.invert:
            return self._wrap(self._invert(arr))
        idx = self._lookup(arr.reshape(-1).tolist()).reshape(arr.shape)
        return self._wrap(self._encode(idx))

    def _call_ragged(self, inputs: RaggedTensor) -> Any:
        flat = self._tokens_of(inputs._flat())
        if self.invert:
            return inputs.with_flat_values(self._invert(flat))
        idx = self._lookup(flat.reshape(-1).tolist()).reshape(flat.shape)
        if self.output_mode == "int":
            return inputs.with_flat_values(idx.astype(index_dtype()))
        splits = self._row_partition(inputs)
        rows = [idx[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]
        return self._wrap(self._encode_rows(rows))

    def _encode(self, idx: np.ndarray) -> np.ndarray:
        if self.output_mode == "int":
            return idx.astype(index_dtype())
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = lookup_encoding.encode_dense(idx, mode, self._depth())
        return self._finish(out)

    def _encode_rows(self, rows: list) -> np.ndarray:
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        return self._finish(lookup_encoding.encode_rows(rows, mode, self._depth()))

    def _finish(self, counts: np.ndarray) -> np.ndarray:
        if self.output_mode == "tf_idf":
            return (counts * self.idf_weights[:counts.shape[-1]]).astype(np.float32)
        return counts.astype(index_dtype())

    def _wrap(self, arr: np.ndarray) -> Any:
        from xlaflow.strings._common import wrap

        return wrap(arr)

    # -- shapes and config --------------------------------------------------------------
    def _output_dtype(self) -> Any:
        from xlaflow._core import dtypes

        if self.invert:
            return dtypes.string if self.vocabulary_dtype == "string" else dtypes.as_dtype(index_dtype())
        return dtypes.float32 if self.output_mode == "tf_idf" else dtypes.as_dtype(index_dtype())

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "invert": self.invert, "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
            "oov_token": self.oov_token, "mask_token": self.mask_token, "output_mode": self.output_mode,
            "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype, "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary), "vocabulary_size": self._frozen_vocab_size,
            "oov_method": self.oov_method, "salt": self.salt,
        })
        return config


def _listify(x: Any) -> Any:
    if hasattr(x, "numpy"):
        x = x.numpy()
    if isinstance(x, np.ndarray):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [v.decode("utf-8") if isinstance(v, bytes) else v for v in x]
    return x
