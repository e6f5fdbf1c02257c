"""``Hashing`` and ``HashedCrossing``: values to hash bins, Keras 3's layers, on the host.

``Hashing`` hashes each value (strings as they are; integers, and floats cast to
integers, as their decimal text) with TF's FarmHash ``Fingerprint64`` -- or SipHash-2-4
keyed by ``salt`` -- modulo ``num_bins``; with a ``mask_value`` bin 0 is reserved for
it and the others take ``1 + hash % (num_bins - 1)``. ``HashedCrossing`` crosses two or
more features per sample as ``tf.sparse.cross_hashed`` does: starting from the key
``0xDECAFCAFFE``, each feature (``Fingerprint64`` of a string, an integer as is) is
folded in with ``FingerprintCat64``. Bins equal Keras'/TF's (checked against goldens).
``"int"`` output is int64 (int32 while 64-bit types are off); ``one_hot``/``multi_hot``/
``count`` give float32 encodings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from xlaflow._core import dtypes
from xlaflow.layers import lookup_encoding
from xlaflow.layers.host_layer import HostLayer, as_host, index_dtype
from xlaflow.strings._common import wrap
from xlaflow.strings.farmhash import fingerprint64, fingerprint_cat64
from xlaflow.strings.siphash import siphash24

_M = (1 << 64) - 1
CROSS_KEY = 0xDECAFCAFFE


def _text(v: Any) -> bytes:
    return v if isinstance(v, bytes) else str(int(v)).encode()


def _encode(idx: np.ndarray, mode: str, depth: int, int_dtype: bool) -> np.ndarray:
    if mode == "int":
        return idx.astype(index_dtype() if int_dtype else np.float32)
    return lookup_encoding.encode_dense(idx, mode, depth)


class Hashing(HostLayer):
    """Hashes values into ``num_bins`` bins (see the module docstring).

    Args:
      num_bins: the number of bins (mask bin included).
      mask_value: a value mapped to bin 0 (None: no mask bin).
      salt: None for FarmHash, or an int / two ints keying SipHash.
      output_mode: ``"int"``, ``"one_hot"``, ``"multi_hot"`` or ``"count"``.
      sparse: not supported (an error).
    """

    def __init__(self, num_bins: int, mask_value: Any = None, salt: Any = None, output_mode: str = "int",
                 sparse: bool = False, **kwargs: Any):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        dtype = dtypes.as_dtype(kwargs["dtype"])
        super().__init__(**kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError(f"The `num_bins` for `Hashing` cannot be `None` or non-positive values. Received: "
                             f"num_bins={num_bins}.")
        if output_mode == "int" and dtype not in (dtypes.int32, dtypes.int64):
            raise ValueError(f'When `output_mode="int"`, `dtype` should be an integer type, \'int32\' or \'in64\'. '
                             f"Received: dtype={kwargs['dtype']}")
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of ('int', 'one_hot', "
                             f"'multi_hot', 'count'). Received: output_mode={output_mode}")
        if sparse:
            raise NotImplementedError("Hashing: argument `sparse=True` is not supported (JAX has no sparse tensors). "
                                      "Received: sparse=True")
        self.num_bins, self.mask_value, self.output_mode, self.sparse = num_bins, mask_value, output_mode, False
        self.strong_hash = salt is not None
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = list(salt)
            elif isinstance(salt, int):
                self.salt = [salt, salt]
            else:
                raise ValueError(f"The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single "
                                 f"integer. Received: salt={salt}.")

    def _bins(self, values: np.ndarray) -> np.ndarray:
        bins = self.num_bins
        mask = None
        flat = values.reshape(-1)
        if self.mask_value is not None and bins > 1:
            bins -= 1
            key = self.mask_value.encode() if isinstance(self.mask_value, str) else self.mask_value
            mask = np.fromiter((v == key for v in flat.tolist()), bool, flat.size)
        if values.dtype.kind == "f":
            flat = flat.astype(np.int64)
        texts = [_text(v) for v in flat.tolist()]
        if self.strong_hash:
            out = np.array([siphash24(self.salt[0], self.salt[1], t) % bins for t in texts], np.int64)
        else:
            out = np.array([fingerprint64(t) % bins for t in texts], np.int64)
        if mask is not None:
            out = np.where(mask, 0, out + 1)
        return out.reshape(values.shape)

    def call(self, inputs: Any) -> Any:
        values = as_host(inputs)
        if values.dtype.kind not in "Oiuf":
            raise TypeError(f"Hashing ({self.name}) hashes strings and numbers. Received: dtype {values.dtype}")
        if self.output_mode == "one_hot" and values.ndim and values.shape[-1] == 1:
            values = values.reshape(values.shape[:-1])
        out = _encode(self._bins(values), self.output_mode, self.num_bins, self._dtype.is_integer)
        if self.output_mode == "int" and self._dtype == dtypes.int32:
            out = out.astype(np.int32)
        return wrap(out)

    def _output_dtype(self) -> Any:
        return dtypes.as_dtype(index_dtype()) if self.output_mode == "int" else dtypes.float32

    def compute_output_shape(self, input_shape: Any) -> Any:
        if self.output_mode == "int":
            return tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_bins,)
        return tuple(input_shape[:-1]) + (self.num_bins,)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"num_bins": self.num_bins, "salt": self.salt, "mask_value": self.mask_value,
                       "output_mode": self.output_mode, "sparse": self.sparse})
        return config


class HashedCrossing(HostLayer):
    """Crosses features by hashing (``tf.sparse.cross_hashed``; see the module docstring).

    Args:
      num_bins: the number of bins.
      output_mode: ``"int"`` or ``"one_hot"``.
      sparse: not supported (an error).
    """

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False, name: str | None = None,
                 dtype: Any = None, **kwargs: Any):
        if output_mode == "int" and dtype is None:
            dtype = "int64"
        super().__init__(name=name, dtype=dtype, **kwargs)
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"HashedCrossing: argument `output_mode` must be 'int' or 'one_hot'. "
                             f"Received: output_mode={output_mode!r}")
        if sparse:
            raise NotImplementedError("HashedCrossing: argument `sparse=True` is not supported (JAX has no sparse "
                                      "tensors). Received: sparse=True")
        self.num_bins, self.output_mode, self.sparse = num_bins, output_mode, False

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"`HashedCrossing` should be called on a list or tuple of inputs. Received: inputs={inputs}")
        if len(inputs) < 2:
            raise ValueError(f"`HashedCrossing` should be called on at least two inputs. Received: inputs={inputs}")
        arrays = [as_host(x) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[-1] != 1):
            raise ValueError("All `HashedCrossing` inputs should have shape `()`, `(batch_size)` or `(batch_size, 1)`. "
                             f"Received: shapes {[a.shape for a in arrays]}")
        if any(a.shape != shape for a in arrays[1:]):
            raise ValueError(f"All `HashedCrossing` inputs should have equal shape. Received: shapes {[a.shape for a in arrays]}")
        if any(a.dtype.kind not in "Oiu" for a in arrays):
            raise ValueError(f"All `HashedCrossing` inputs should have an integer or string dtype. Received: dtypes "
                             f"{[str(a.dtype) for a in arrays]}")
        columns = [a.reshape(-1).tolist() for a in arrays]
        out = []
        for row in zip(*columns):
            h = CROSS_KEY
            for v in row:
                h = fingerprint_cat64(h, fingerprint64(v) if isinstance(v, bytes) else int(v) & _M)
            out.append(h % self.num_bins)
        idx = np.asarray(out, np.int64).reshape(shape)
        return wrap(_encode(idx, self.output_mode, self.num_bins, True))

    def _output_dtype(self) -> Any:
        return dtypes.as_dtype(index_dtype()) if self.output_mode == "int" else dtypes.float32

    def compute_output_shape(self, input_shape: Any) -> Any:
        first = tuple(input_shape[0])
        if self.output_mode == "int":
            return first
        if first and first[-1] == 1:
            return first[:-1] + (self.num_bins,)
        return first + (self.num_bins,)

    def get_config(self) -> dict:
        return {"num_bins": self.num_bins, "output_mode": self.output_mode, "sparse": self.sparse, "name": self.name,
                "dtype": self.dtype.name}
