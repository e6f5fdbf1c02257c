"""``RaggedTensor``: rows of different lengths, held on the host (TF's ``tf.RaggedTensor``).

``tf.strings.split``, ``unicode_split``/``unicode_decode``, ``bytes_split`` and
``ngrams`` on ragged input return one, as in TF. It is TF's row-partitioned form: the
rows' elements one after another in ``values`` (a NumPy array: ``bytes`` objects for
strings, or numbers; or, for more ragged dimensions, another ``RaggedTensor``) and
``row_splits`` (int64), where row ``i`` is ``values[row_splits[i]:row_splits[i+1]]``.

It is a host value, for the input side of a model: ``to_list()``, ``to_tensor()``
(padded, the form a compiled model takes), ``numpy()``, indexing by row,
iteration, ``row_lengths()``, ``nrows()``, ``flat_values`` and ``with_flat_values``
work as in TF; printing matches TF's ``<tf.RaggedTensor [[b'a', b'b'], [b'c']]>``.
Numeric ops do not take it: call ``to_tensor()`` first.
"""

from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape


def _index_dtype() -> np.dtype:
    return np.dtype(np.int64) if dtypes.x64_enabled() else np.dtype(np.int32)


def _tensor(arr: np.ndarray) -> Any:
    """A host array as the tensor users see (a StringTensor for strings)."""
    from xlaflow.ops.string_tensor import StringTensor

    if arr.dtype == object:
        return StringTensor._wrap(arr)
    from xlaflow.ops.convert import convert_to_tensor

    if arr.dtype == np.int64 and not dtypes.x64_enabled():
        arr = arr.astype(np.int32)
    return convert_to_tensor(arr)


def _host(values: Any) -> Any:
    from xlaflow.ops.string_tensor import StringTensor, as_bytes_array, is_string_data

    if isinstance(values, RaggedTensor):
        return values
    if isinstance(values, StringTensor) or is_string_data(values):
        return as_bytes_array(values, "RaggedTensor: argument `values`")
    arr = np.asarray(values)
    if isinstance(values, (list, tuple)) and arr.dtype.kind in "iuf":  # Python numbers: TF's int32/float32
        return arr.astype(np.float32 if arr.dtype.kind == "f" else np.int32)
    return arr


class RaggedTensor:
    """A host tensor with one or more ragged dimensions (see the module docstring)."""

    __slots__ = ("_values", "_row_splits")

    def __init__(self, values: Any, row_splits: np.ndarray, internal: bool = False):
        if not internal:
            raise TypeError("RaggedTensor: build one with RaggedTensor.from_row_splits(values, row_splits) "
                            "(or from_row_lengths, or xlaflow.ragged.constant)")
        self._values = values
        self._row_splits = row_splits

    # -- construction -----------------------------------------------------------
    @classmethod
    def from_row_splits(cls, values: Any, row_splits: Any, name: Any = None, validate: bool = True) -> "RaggedTensor":
        """Rows ``values[row_splits[i]:row_splits[i+1]]``."""
        values = _host(values)
        splits = np.asarray(row_splits, np.int64).reshape(-1)
        n = values.nrows_int() if isinstance(values, RaggedTensor) else values.shape[0] if values.ndim else None
        if validate:
            if n is None:
                raise ValueError("RaggedTensor.from_row_splits: argument `values` must have rank >= 1. Received: a scalar")
            if splits.size == 0 or splits[0] != 0 or splits[-1] != n or np.any(np.diff(splits) < 0):
                from xlaflow._core.errors import InvalidArgumentError

                raise InvalidArgumentError(f"RaggedTensor.from_row_splits: argument `row_splits` must start at 0, never decrease "
                                 f"and end at len(values) ({n}). Received: row_splits={splits.tolist()}")
        return cls(values, splits, internal=True)

    @classmethod
    def from_row_lengths(cls, values: Any, row_lengths: Any, name: Any = None, validate: bool = True) -> "RaggedTensor":
        """Rows of ``row_lengths[i]`` consecutive ``values``."""
        lengths = np.asarray(row_lengths, np.int64).reshape(-1)
        return cls.from_row_splits(values, np.concatenate([[0], np.cumsum(lengths)]), validate=validate)

    @classmethod
    def from_nested_row_splits(cls, flat_values: Any, nested_row_splits: Any, name: Any = None,
                               validate: bool = True) -> "RaggedTensor":
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls.from_row_splits(result, splits, validate=validate)
        return result

    @classmethod
    def from_rows(cls, rows: list, dtype_hint: Any = None) -> "RaggedTensor":
        """Host helper: a ragged tensor of rank 2 from a list of 1-D host arrays."""
        lengths = [len(r) for r in rows]
        if rows and any(isinstance(r, RaggedTensor) for r in rows):
            raise TypeError("RaggedTensor.from_rows takes 1-D arrays")
        if rows:
            values = np.concatenate([np.asarray(r, dtype=object if _is_obj(r) else None) for r in rows])
        else:
            values = np.zeros((0,), object if dtype_hint is None else dtype_hint)
        if any(_is_obj(r) for r in rows):
            values = values.astype(object)
        return cls.from_row_lengths(values, lengths, validate=False)

    # -- structure --------------------------------------------------------------
    @property
    def values(self) -> Any:
        """The concatenated rows (a tensor, or a RaggedTensor for deeper raggedness)."""
        return self._values if isinstance(self._values, RaggedTensor) else _tensor(self._values)

    @property
    def flat_values(self) -> Any:
        return _tensor(self._flat())

    def _flat(self) -> np.ndarray:
        v = self._values
        while isinstance(v, RaggedTensor):
            v = v._values
        return v

    @property
    def row_splits(self) -> Any:
        return _tensor(self._row_splits)

    @property
    def nested_row_splits(self) -> tuple:
        out, v = [self._row_splits], self._values
        while isinstance(v, RaggedTensor):
            out.append(v._row_splits)
            v = v._values
        return tuple(_tensor(s) for s in out)

    @property
    def ragged_rank(self) -> int:
        return 1 + (self._values.ragged_rank if isinstance(self._values, RaggedTensor) else 0)

    @property
    def dtype(self) -> dtypes.DType:
        return dtypes.as_dtype(self._flat().dtype)

    @property
    def shape(self) -> TensorShape:
        inner = self._values.shape.as_list()[1:] if isinstance(self._values, RaggedTensor) else list(self._values.shape[1:])
        return TensorShape([self.nrows_int(), None] + inner)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def nrows_int(self) -> int:
        return len(self._row_splits) - 1

    def nrows(self, out_type: Any = None) -> Any:
        return _tensor(np.asarray(self.nrows_int(), np.int64))

    def row_lengths(self, axis: int = 1) -> Any:
        return _tensor(np.diff(self._row_splits))

    def value_rowids(self) -> Any:
        return _tensor(np.repeat(np.arange(self.nrows_int(), dtype=np.int64), np.diff(self._row_splits)))

    def with_flat_values(self, new_values: Any) -> "RaggedTensor":
        """This partition over other flat values (same length)."""
        if isinstance(self._values, RaggedTensor):
            return RaggedTensor(self._values.with_flat_values(new_values), self._row_splits, internal=True)
        new = _host(new_values)
        if new.shape[:1] != self._values.shape[:1]:
            raise ValueError(f"with_flat_values: argument `new_values` must have {self._values.shape[0]} rows. "
                             f"Received: shape {new.shape}")
        return RaggedTensor(new, self._row_splits, internal=True)

    def with_values(self, new_values: Any) -> "RaggedTensor":
        return RaggedTensor(_host(new_values), self._row_splits, internal=True)

    # -- rows ---------------------------------------------------------------------
    def _row(self, i: int) -> Any:
        lo, hi = self._row_splits[i], self._row_splits[i + 1]
        if isinstance(self._values, RaggedTensor):
            return self._values._slice(lo, hi)
        return self._values[lo:hi]

    def _slice(self, lo: int, hi: int) -> "RaggedTensor":
        splits = self._row_splits[lo:hi + 1]
        base = splits[0]
        inner = self._values._slice(base, splits[-1]) if isinstance(self._values, RaggedTensor) else self._values[base:splits[-1]]
        return RaggedTensor(inner, splits - base, internal=True)

    def __getitem__(self, key: Any) -> Any:
        n = self.nrows_int()
        if isinstance(key, (int, np.integer)):
            i = int(key) + n if key < 0 else int(key)
            if not 0 <= i < n:
                raise IndexError(f"RaggedTensor index {key} is out of range for {n} rows")
            row = self._row(i)
            return row if isinstance(row, RaggedTensor) else _tensor(row)
        if isinstance(key, slice) and key.step in (None, 1):
            lo, hi, _ = key.indices(n)
            return self._slice(lo, max(lo, hi))
        raise NotImplementedError(f"RaggedTensor indexing supports a row number or a slice with step 1. "
                                  f"Received: {key!r}")

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(self.nrows_int()))

    # -- conversion ---------------------------------------------------------------
    def to_list(self) -> list:
        """The rows as nested Python lists (``bytes`` for strings)."""
        return [self._row(i).to_list() if isinstance(self._values, RaggedTensor) else self._row(i).tolist()
                for i in range(self.nrows_int())]

    def numpy(self) -> np.ndarray:
        """TF's form: an object array of row arrays, or one regular array if every row
        has the same length."""
        values = self._values.numpy() if isinstance(self._values, RaggedTensor) else self._values
        splits = self._row_splits
        rows = [values[splits[i]:splits[i + 1]] for i in range(len(splits) - 1)]
        if not rows:
            return np.zeros((0, 0) + self._flat().shape[1:], self._flat().dtype)
        if any(len(r) != len(rows[0]) for r in rows):
            out = np.empty(len(rows), object)
            out[:] = rows
            return out
        return np.array(rows, dtype=values.dtype)

    def to_tensor(self, default_value: Any = None, name: Any = None, shape: Any = None) -> Any:
        """A dense tensor, rows padded with ``default_value`` (0 or ``b""``) to the
        longest row, or cut/padded to ``shape`` (``None`` entries: as needed)."""
        dense = self._dense(default_value, None if shape is None else list(shape))
        return _tensor(dense)

    def _dense(self, default_value: Any, shape: list | None) -> np.ndarray:
        flat = self._flat()
        is_str = flat.dtype == object
        if default_value is None:
            default_value = b"" if is_str else 0
        elif is_str and isinstance(default_value, str):
            default_value = default_value.encode()
        elif hasattr(default_value, "numpy"):
            default_value = default_value.numpy()
        bound = self._bounding_shape()
        if shape is not None:
            if len(shape) != len(bound):
                raise ValueError(f"RaggedTensor.to_tensor: argument `shape` must have rank {len(bound)}. Received: {shape}")
            bound = [b if s is None or s == -1 else int(s) for b, s in zip(bound, shape)]
        out = np.empty(bound, object) if is_str else np.zeros(bound, flat.dtype)
        out[...] = default_value
        self._fill(out, ())
        return out

    def _bounding_shape(self) -> list:
        lengths = np.diff(self._row_splits)
        longest = int(lengths.max()) if lengths.size else 0
        if isinstance(self._values, RaggedTensor):
            inner = self._values._bounding_shape()[1:]
        else:
            inner = list(self._values.shape[1:])
        return [self.nrows_int(), longest] + inner

    def _fill(self, out: np.ndarray, prefix: tuple) -> None:
        rows = min(self.nrows_int(), out.shape[0])
        for i in range(rows):
            row = self._row(i)
            if isinstance(row, RaggedTensor):
                row._fill(out[i], ())
            else:
                k = min(len(row), out.shape[1])
                inner = tuple(slice(0, min(a, b)) for a, b in zip(row.shape[1:], out.shape[2:]))
                out[(i, slice(0, k)) + inner] = row[(slice(0, k),) + inner]

    # -- printing ---------------------------------------------------------------
    def __repr__(self) -> str:
        with np.printoptions(formatter={"all": _formatter}):
            text = _formatter(self.numpy())
        return f"<tf.RaggedTensor {text}>"

    __str__ = __repr__

    def __bool__(self) -> bool:
        raise TypeError("bool() of a RaggedTensor is ambiguous. Received: a RaggedTensor of shape "
                        f"{self.shape}")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise TypeError("A RaggedTensor has rows of different lengths; call .to_tensor() (padded) or .to_list() first")


def _is_obj(r: Any) -> bool:
    return isinstance(r, np.ndarray) and r.dtype == object


def _formatter(x: Any) -> str:
    """TF's element formatter: arrays as comma-separated lists."""
    if isinstance(x, np.ndarray):
        if x.size != 0:
            return np.array2string(x, separator=", ")
        return repr(x.tolist())
    return str(x)


def is_ragged(value: Any) -> bool:
    return isinstance(value, RaggedTensor)
