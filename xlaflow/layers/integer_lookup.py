"""``IntegerLookup``: integer ids to contiguous indices (or back), Keras 3's layer.

Eagerly it computes on the host like ``StringLookup``. Unlike the string layers it
also runs inside compiled code (a model trained with ``fit``, ``xlaflow.function``):
the vocabulary becomes a sorted key array searched with ``jnp.searchsorted``, and the
output modes are JAX encodings -- except with ``num_oov_indices=0`` (an OOV id must
raise, which compiled code cannot) or ``oov_method="farmhash"`` (hashing needs the
host), which then say so.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow.layers import lookup_encoding
from xlaflow.layers.host_layer import HostLayer, as_host, index_dtype
from xlaflow.layers.index_lookup import IndexLookup
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.strings.farmhash import fingerprint64
from xlaflow.strings.siphash import siphash24


class IntegerLookup(IndexLookup):
    """Maps integer ids to indices through a vocabulary (arguments as ``StringLookup``;
    ``mask_token``/``oov_token`` are ints, ``oov_token=-1`` by default, and
    ``oov_method`` picks ``"floormod"`` or ``"farmhash"`` for several OOV indices)."""

    def __init__(self, max_tokens: int | None = None, num_oov_indices: int = 1, mask_token: Any = None,
                 oov_token: Any = -1, vocabulary: Any = None, vocabulary_dtype: str = "int64", idf_weights: Any = None,
                 invert: bool = False, output_mode: str = "int", sparse: bool = False, pad_to_max_tokens: bool = False,
                 oov_method: str = "floormod", salt: Any = None, name: str | None = None, **kwargs: Any):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. "
                             f"Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError(f"The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                             f"Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError(f"Only `vocabulary_dtype='int64'` is supported at this time. Received: "
                             f"vocabulary_dtype={vocabulary_dtype}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices, mask_token=mask_token,
                         oov_token=oov_token, vocabulary=vocabulary, vocabulary_dtype=vocabulary_dtype,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method, salt=salt, name=name, **kwargs)

    @property
    def host_only(self) -> bool:
        return self.num_oov_indices == 0 or (self.num_oov_indices > 1 and self.oov_method == "farmhash")

    def _token(self, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, (bytes, str)):
            try:
                return int(value)
            except ValueError:
                raise TypeError(f"IntegerLookup: vocabulary terms must be integers. Received: {value!r}") from None
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"IntegerLookup: vocabulary terms must be integers. Received: {value!r}")
        return int(value)

    def _show(self, token: Any) -> Any:
        return token

    def _tokens_of(self, inputs: Any) -> np.ndarray:
        arr = as_host(inputs)
        if arr.dtype.kind == "f" and not self.invert:
            arr = arr.astype(np.int64)
        if arr.dtype.kind not in "iu":
            raise TypeError(f"IntegerLookup ({self.name}) maps integers; it received dtype {arr.dtype}. Use StringLookup "
                            "for strings.")
        return arr

    def _hash_oov(self, tokens: list) -> np.ndarray:
        n = self.num_oov_indices
        if self.oov_method != "farmhash":
            return np.array([t % n for t in tokens], np.int64)
        texts = [str(t).encode() for t in tokens]
        if self.salt is not None:
            return np.array([siphash24(self.salt[0], self.salt[1], t) % n for t in texts], np.int64)
        return np.array([fingerprint64(t) % n for t in texts], np.int64)

    def _tokens_array(self, tokens: list, shape: tuple) -> np.ndarray:
        return np.asarray(tokens, index_dtype()).reshape(shape)

    # -- in compiled code ------------------------------------------------------------------
    def _traced_call(self, inputs: Any) -> Any:
        if self.host_only:
            return HostLayer._traced_call(self, inputs)
        x = inputs._read() if isinstance(inputs, TensorLike) else inputs
        if self.invert:
            return Tensor._wrap(self._jax_invert(x))
        idx = self._jax_lookup(x)
        if self.output_mode == "int":
            return Tensor._wrap(idx.astype(index_dtype()))
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = lookup_encoding.encode_jax(idx, mode, self._depth())
        if self.output_mode == "tf_idf":
            return Tensor._wrap(out * jnp.asarray(self.idf_weights[: out.shape[-1]], jnp.float32))
        return Tensor._wrap(out.astype(index_dtype()))

    def _jax_lookup(self, x: Any) -> Any:
        start = self._token_start_index()
        order = np.argsort(np.asarray(self._tokens, np.int64), kind="stable")
        keys = jnp.asarray(np.asarray(self._tokens, np.int64)[order], x.dtype)
        values = jnp.asarray(order + start, jnp.int32)
        if keys.size:
            pos = jnp.clip(jnp.searchsorted(keys, x), 0, keys.size - 1)
            found = keys[pos] == x
            idx = jnp.where(found, values[pos], -1)
        else:
            found = jnp.zeros(x.shape, bool)
            idx = jnp.full(x.shape, -1, jnp.int32)
        oov_start = self._oov_start_index()
        masked = (x == self.mask_token) if self.mask_token is not None else jnp.zeros(x.shape, bool)
        if self.num_oov_indices == 1:
            idx = jnp.where(found, idx, oov_start)
        else:
            idx = jnp.where(found, idx, jnp.mod(x, self.num_oov_indices).astype(jnp.int32) + oov_start)
        return jnp.where(masked, 0 if self.output_mode == "int" else -1, idx)

    def _jax_invert(self, x: Any) -> Any:
        size = self.vocabulary_size()
        start = self._token_start_index()
        table = np.full(size, self.oov_token, np.int64)
        table[start:] = self._tokens
        if self.mask_token is not None:
            table[0] = self.mask_token
        jtable = jnp.asarray(table, index_dtype())
        inside = (x >= 0) & (x < size)
        return jnp.where(inside, jtable[jnp.clip(x, 0, size - 1)], jnp.asarray(self.oov_token, index_dtype()))

    def get_config(self) -> dict:
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
