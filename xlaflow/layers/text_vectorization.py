"""``TextVectorization``: raw strings to token indices or encodings (Keras 3's layer).

The string stage (:mod:`.text_preprocess`) and the lookup (a ``StringLookup`` with
``mask_token=""``, so index 0 is padding and 1 is ``[UNK]``) run on the host.
``"int"`` output is one row of indices per string, padded with 0 (or cut) to
``output_sequence_length`` -- or to the longest row of the batch when that is None,
as in Keras, which makes each new length a new shape for a compiled model downstream:
set ``output_sequence_length`` for one compiled program. ``ragged=True`` returns a
host RaggedTensor instead (for pipelines; a compiled model takes dense input). The
other modes give ``(batch, vocabulary_size)`` (``max_tokens`` with
``pad_to_max_tokens``): int64 for ``one_hot``/``multi_hot``/``count`` (Keras' dtype,
int32 while 64-bit types are off) and float32 for ``tf_idf``.

As the first layer of a model it turns ``fit``/``evaluate``/``predict`` on raw strings
into a host stage per batch plus the compiled step (:mod:`.host_stage`); saved in a
``.keras`` file (vocabulary as an asset, Keras' layout) it loads in Keras and back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow.layers import text_preprocess as tp
from xlaflow.layers.host_layer import HostLayer, index_dtype
from xlaflow.layers.string_lookup import StringLookup
from xlaflow.ops.ragged_tensor import RaggedTensor
from xlaflow.ops.string_tensor import as_bytes_array

MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class TextVectorization(HostLayer):
    """Maps raw text to token indices (``"int"``) or per-text encodings.

    Args:
      max_tokens: the largest vocabulary size, padding and OOV tokens included.
      standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``,
        ``"strip_punctuation"``, None or a callable on a string tensor.
      split: ``"whitespace"`` (default), ``"character"``, None or a callable.
      ngrams: None, an int ``n`` (1..n-grams) or a tuple of widths.
      output_mode: ``"int"``, ``"multi_hot"``, ``"count"``, ``"tf_idf"`` or ``"one_hot"``.
      output_sequence_length: (``"int"``) pad or cut each row to this length.
      pad_to_max_tokens: encodings always ``max_tokens`` wide.
      vocabulary: a list of strings or a vocabulary file (instead of ``adapt``).
      idf_weights: (``"tf_idf"`` with a given vocabulary) the IDF weights.
      ragged: (``"int"``) return a host RaggedTensor of indices.
      sparse: not supported (an error).
      encoding: the text encoding (only ``"utf-8"``).
    """

    input_dtype_name = "string"

    def __init__(self, max_tokens: int | None = None, standardize: Any = "lower_and_strip_punctuation",
                 split: Any = "whitespace", ngrams: Any = None, output_mode: str = "int",
                 output_sequence_length: int | None = None, pad_to_max_tokens: bool = False, vocabulary: Any = None,
                 idf_weights: Any = None, sparse: bool = False, ragged: bool = False, encoding: str = "utf-8",
                 name: str | None = None, **kwargs: Any):
        if sparse:
            raise NotImplementedError("TextVectorization: argument `sparse=True` is not supported (JAX has no sparse "
                                      "tensors; Keras allows it only on the TensorFlow backend). Received: sparse=True")
        self._standardize = tp.check_callable(standardize, "standardize",
                                              ("lower_and_strip_punctuation", "lower", "strip_punctuation"))
        self._split = tp.check_callable(split, "split", ("whitespace", "character"))
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in MODES:
            raise ValueError(f"TextVectorization: argument `output_mode` must be one of {MODES}. "
                             f"Received: output_mode={output_mode!r}")
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(i, int) for i in ngrams))):
            raise ValueError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None or isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer when `output_mode` is 'int'. "
                             f"Received: output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                             f"Received output_sequence_length={output_sequence_length}.")
        if ragged and output_mode != "int":
            raise ValueError(f"`ragged` must not be true if `output_mode` is `'int'`. Received: ragged={ragged} and "
                             f"output_mode={output_mode}")
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._ragged, self._output_mode = bool(ragged), output_mode
        self._output_sequence_length, self._encoding = output_sequence_length, encoding
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._lookup_layer = StringLookup(max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
                                          pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
                                          has_input_vocabulary=self._has_input_vocabulary, encoding=encoding,
                                          vocabulary_size=vocabulary_size)

    # -- vocabulary --------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The vocabulary in index order (``""`` and ``"[UNK]"`` first unless told not to)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary: Any, idf_weights: Any = None) -> None:
        """Sets the vocabulary (a list or a file path) and, for ``tf_idf``, the IDF weights."""
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data: Any, batch_size: int | None = None, steps: int | None = None) -> None:
        """Learns the vocabulary from ``data`` (strings: an array or list, a batched
        Dataset, or an iterable of batches); ``batch_size`` processes arrays in chunks."""
        from xlaflow.layers.adapt_data import adapt_batches

        self.reset_state()
        for batch in adapt_batches(data, steps, "TextVectorization"):
            if batch_size is not None and not isinstance(batch, RaggedTensor) and np.ndim(batch) >= 1:
                for lo in range(0, len(batch), int(batch_size)):
                    self.update_state(batch[lo:lo + int(batch_size)])
            else:
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data: Any) -> None:
        self._lookup_layer.update_state(self._tokens(data)[0])

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    # -- calling ----------------------------------------------------------------------
    def _tokens(self, inputs: Any) -> tuple:
        """``(tokens, scalar)``: a RaggedTensor of token rows (split) or a dense token array."""
        arr = as_bytes_array(inputs, "TextVectorization: argument `inputs`")
        arr = tp.standardize(arr, self._standardize)
        if self._split is None:
            if self._ngrams:
                from xlaflow.strings.ngrams import ngrams

                arr = np.asarray(ngrams(arr.reshape(-1, 1) if arr.ndim < 2 else arr, self._ngrams))
            return arr, False
        scalar = arr.ndim == 0
        if arr.ndim > 1:
            if arr.shape[-1] != 1:
                raise ValueError("When using `TextVectorization` to tokenize strings, the input rank must be 1 or the "
                                 f"last shape dimension must be 1. Received: inputs.shape={arr.shape} with rank={arr.ndim}")
            arr = arr.reshape(arr.shape[:-1])
        rows = tp.split_rows(arr.reshape(-1), self._split)
        if self._ngrams:
            rows = tp.ngram_rows(rows, self._ngrams)
        flat = np.empty(sum(len(r) for r in rows), object)
        flat[:] = [t for r in rows for t in r]
        ragged = RaggedTensor.from_row_lengths(flat, [len(r) for r in rows], validate=False)
        return ragged, scalar

    def call(self, inputs: Any) -> Any:
        tokens, scalar = self._tokens(inputs)
        out = self._lookup_layer(tokens)
        if self._output_mode != "int":
            return out[0] if scalar else out
        if isinstance(out, RaggedTensor):
            if self._ragged:
                return out
            dense = out._dense(0, [None, self._output_sequence_length])
            if self._output_sequence_length is not None and dense.shape[1] < self._output_sequence_length:
                dense = np.pad(dense, [(0, 0), (0, self._output_sequence_length - dense.shape[1])])
            dense = dense.astype(index_dtype())
            return self._lookup_layer._wrap(dense[0] if scalar else dense)
        if self._output_sequence_length is not None:
            arr = np.asarray(out)[..., : self._output_sequence_length]
            if not self._ragged:
                width = self._output_sequence_length - arr.shape[-1]
                arr = np.pad(arr, [(0, 0)] * (arr.ndim - 1) + [(0, width)])
            return self._lookup_layer._wrap(arr.astype(index_dtype()))
        return out

    # -- shapes, config, saving -----------------------------------------------------------
    def _output_dtype(self) -> Any:
        return self._lookup_layer._output_dtype()

    def compute_output_shape(self, input_shape: Any) -> Any:
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            input_shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        from xlaflow.layers.index_lookup import _listify

        config = super().get_config()
        lookup = self._lookup_layer
        config.update({
            "max_tokens": lookup.max_tokens, "standardize": self._standardize, "split": self._split,
            "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length, "pad_to_max_tokens": lookup.pad_to_max_tokens,
            "sparse": False, "ragged": self._ragged, "vocabulary": _listify(lookup.input_vocabulary),
            "idf_weights": _listify(lookup.input_idf_weights), "encoding": self._encoding,
            "vocabulary_size": self.vocabulary_size(),
        })
        return config

    @classmethod
    def from_config(cls, config: dict) -> "TextVectorization":
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str) and not callable(config[key]):
                from xlaflow.saving import deserialize_keras_object

                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return cls(**config)

    def save_own_variables(self, store: dict) -> None:
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store: dict) -> None:
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path: str) -> None:
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path: str) -> None:
        self._lookup_layer.load_assets(dir_path)

    def _xf_store_entries(self) -> list:
        return self._lookup_layer._xf_store_entries()
