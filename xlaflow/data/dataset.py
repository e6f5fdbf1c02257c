"""``Dataset``: the tf.data API surface, and the internal iterator protocol.

A ``Dataset`` is an immutable description of a pipeline; every transformation returns
a new one (defined in ``sources.py``, ``batching.py``, ``shuffle.py``, ``ordering.py``,
``mapping.py``, ``prefetch.py``). Iterating creates a chain of internal iterators
(:class:`StageIterator`), one per stage, that pass host NumPy elements (see
``structure.py``); the public :class:`~xlaflow.data.iterator.Iterator` converts them to
Tensors (or leaves them NumPy for ``as_numpy_iterator()``) at the boundary.

Internal iterator protocol (every stage implements it):

* ``next()`` -> the next element, or ``StopIteration``;
* ``take_batch(k)`` -> ``(n, batch)``: up to ``k`` elements stacked on a new first axis
  (``n == 0`` at the end). Stages over random-access data (``from_tensor_slices``,
  ``range``, a shuffle of them) answer with one slice or one fancy index, which is what
  makes ``from_tensor_slices(...).shuffle(n).batch(b)`` run at NumPy speed;
* ``get_state()`` / ``set_state(state)``: a picklable dict of plain values and arrays
  from which the iterator continues exactly (the checkpoint of an input pipeline).
"""

from __future__ import annotations

import operator
from typing import Any, Callable

import numpy as np

from xlaflow._core import errors
from xlaflow.data import structure
from xlaflow.data.options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options


def as_int(value: Any, op: str, arg: str) -> int:
    """A Python int from an int, NumPy integer or scalar integer Tensor."""
    try:
        if isinstance(value, bool):
            raise TypeError
        if hasattr(value, "numpy") or isinstance(value, (np.ndarray, np.generic)):
            arr = np.asarray(value)
            if arr.ndim != 0 or arr.dtype.kind not in "iu":
                raise TypeError
            return int(arr)
        return operator.index(value)
    except TypeError:
        raise errors.InvalidArgumentError(f"{op}: argument `{arg}` must be an integer. Received: {value!r}") from None


class StageIterator:
    """Base of the internal iterators (see the module docstring for the protocol).

    ``bulk``: ``take_batch`` runs no user code (it slices or gathers in-memory data),
    so asking it for many batches at once cannot delay or lose an error.
    """

    bulk = False

    def next(self) -> Any:  # pragma: no cover - defined by subclasses
        raise NotImplementedError(f"{type(self).__name__} must implement `next`.")

    def take_batch(self, k: int) -> tuple[int, Any]:
        out = []
        for _ in range(k):
            try:
                out.append(self.next())
            except StopIteration:
                break
        if not out:
            return 0, None
        return len(out), stack_batch(out, "Dataset.batch")

    def get_state(self) -> dict:  # pragma: no cover - defined by subclasses
        raise NotImplementedError(f"{type(self).__name__} must implement `get_state`.")

    def set_state(self, state: dict) -> None:  # pragma: no cover - defined by subclasses
        raise NotImplementedError(f"{type(self).__name__} must implement `set_state`.")

    def close(self) -> None:
        """Stops background work (prefetch threads) of this stage and its inputs."""


def stack_batch(elements: list, op: str) -> Any:
    try:
        return structure.stack(elements)
    except ValueError:
        shapes = [structure.describe(e) for e in elements]
        first = shapes[0]
        bad = next(i for i, s in enumerate(shapes) if s != first)
        raise errors.InvalidArgumentError(
            f"{op}: cannot batch elements of different shapes: element 0 of the batch is {first} but "
            f"element {bad} is {shapes[bad]}. Use padded_batch to pad them to a common shape."
        ) from None


class Dataset:
    """A pipeline of elements (``tf.data.Dataset``).

    Build one from data (``from_tensor_slices``, ``from_generator``, ``range`` ...) and
    chain transformations (``shuffle``, ``batch``, ``map``, ``prefetch`` ...). Iterating
    it with ``for`` yields xlaflow Tensors (strings stay NumPy ``bytes``);
    ``as_numpy_iterator()`` yields NumPy values.

    Example:
      >>> ds = Dataset.from_tensor_slices((x, y)).shuffle(1000, seed=1).batch(32)
      >>> for xb, yb in ds: ...
    """

    _op = "Dataset"

    # -- what subclasses define ----------------------------------------------------------
    def _make(self, device: bool = False) -> StageIterator:  # pragma: no cover
        """A fresh internal iterator; ``device``: the consumer wants device arrays."""
        raise NotImplementedError(f"{type(self).__name__} must implement `_make`.")

    def _cardinality(self) -> int:  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} must implement `_cardinality`.")

    def _element_spec(self) -> Any:  # pragma: no cover
        raise NotImplementedError(f"{type(self).__name__} must implement `_element_spec`.")

    def _inputs(self) -> list["Dataset"]:
        return []

    def random_access(self) -> Any:
        """A :class:`~xlaflow.data.sources.RandomAccess` when elements can be gathered
        by index (slices, ranges, zips of them), else None."""
        return None

    # -- inspection ------------------------------------------------------------------------
    @property
    def element_spec(self) -> Any:
        """The structure of an element: nested ``TensorSpec``s."""
        spec = self.__dict__.get("_spec_cache")
        if spec is None:
            spec = self._spec_cache = self._element_spec()
        return spec

    def cardinality(self) -> Any:
        """Number of elements: an int, ``INFINITE_CARDINALITY`` (-1) or
        ``UNKNOWN_CARDINALITY`` (-2), as a scalar int64 Tensor like TF's (it compares
        with the constants and converts with ``int()``)."""
        from xlaflow.ops.tensor import Tensor
        import jax.numpy as jnp

        return Tensor._wrap(jnp.asarray(self._cardinality(), dtype=structure.int64_dtype()))

    def __len__(self) -> int:
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown.")
        return n

    def __bool__(self) -> bool:
        return True

    def options(self) -> Options:
        opts = Options()
        for d in self._inputs():
            opts = opts.merge(d.options())
        return opts

    def with_options(self, options: Options, name: str | None = None) -> "Dataset":
        from xlaflow.data.ordering import OptionsDataset

        return OptionsDataset(self, options)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} element_spec={self.element_spec}>"

    # -- iteration ------------------------------------------------------------------------
    def __iter__(self) -> Any:
        from xlaflow.data.iterator import Iterator

        return Iterator(self, numpy=False)

    def as_numpy_iterator(self) -> Any:
        """An iterator of NumPy values (``bytes`` for strings), nested like the elements."""
        from xlaflow.data.iterator import Iterator

        return Iterator(self, numpy=True)

    def reduce(self, initial_state: Any, reduce_func: Callable) -> Any:
        """Folds the elements into a state: ``state = reduce_func(state, element)``
        (eagerly, on Tensors); returns the final state."""
        from xlaflow.data.iterator import to_tensors

        state = to_tensors(structure.normalize(initial_state, "Dataset.reduce", "initial_state"))
        for element in self:
            state = reduce_func(state, element)
        return state

    def get_single_element(self, name: str | None = None) -> Any:
        """The only element of a one-element dataset (an ``InvalidArgumentError``
        otherwise)."""
        it = iter(self)
        try:
            first = next(it)
        except StopIteration:
            raise errors.InvalidArgumentError("Dataset.get_single_element: the dataset is empty.") from None
        try:
            next(it)
        except StopIteration:
            return first
        raise errors.InvalidArgumentError("Dataset.get_single_element: the dataset has more than one element.")

    def apply(self, transformation_func: Callable[["Dataset"], "Dataset"]) -> "Dataset":
        out = transformation_func(self)
        if not isinstance(out, Dataset):
            raise TypeError(f"Dataset.apply: `transformation_func` must return a Dataset. Received: {type(out).__name__}")
        return out

    # -- sources ---------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> "Dataset":
        """Elements are the slices of ``tensors`` along their first dimension."""
        from xlaflow.data.sources import TensorSliceDataset

        return TensorSliceDataset(tensors)

    @staticmethod
    def from_tensors(tensors: Any, name: str | None = None) -> "Dataset":
        """A dataset of one element: ``tensors``."""
        from xlaflow.data.sources import TensorDataset

        return TensorDataset(tensors)

    @staticmethod
    def from_generator(generator: Callable, output_types: Any = None, output_shapes: Any = None, args: Any = None,
                       output_signature: Any = None, name: str | None = None) -> "Dataset":
        """Elements are the values ``generator(*args)`` yields, checked against
        ``output_signature`` (or ``output_types``/``output_shapes``)."""
        from xlaflow.data.generator import GeneratorDataset

        return GeneratorDataset(generator, output_types, output_shapes, args, output_signature)

    @staticmethod
    def range(*args: Any, dtype: Any = None, name: str | None = None) -> "Dataset":
        """``range(stop)``, ``range(start, stop[, step])``: int64 counters (int32 when
        xlaflow's 64-bit mode is off)."""
        from xlaflow.data.sources import RangeDataset

        return RangeDataset(args, dtype)

    @staticmethod
    def zip(*datasets: Any, name: str | None = None) -> "Dataset":
        """Elements are tuples (or the given nesting) of the datasets' elements."""
        from xlaflow.data.sources import ZipDataset

        if len(datasets) == 1:
            datasets = datasets[0]
        return ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern: Any, shuffle: bool | None = None, seed: int | None = None, name: str | None = None) -> "Dataset":
        """File names matching the glob pattern(s), shuffled unless ``shuffle=False``."""
        from xlaflow.data.text import list_files

        return list_files(file_pattern, shuffle, seed)

    # -- transformations -------------------------------------------------------------------
    def batch(self, batch_size: Any, drop_remainder: bool = False, num_parallel_calls: Any = None, deterministic: Any = None,
              name: str | None = None) -> "Dataset":
        """Stacks ``batch_size`` consecutive elements (the last batch may be smaller
        unless ``drop_remainder``); ``batch_size`` must be > 0."""
        from xlaflow.data.batching import BatchDataset

        return BatchDataset(self, batch_size, drop_remainder)

    def unbatch(self, name: str | None = None) -> "Dataset":
        """Splits each element along its first dimension into elements."""
        from xlaflow.data.batching import UnbatchDataset

        return UnbatchDataset(self)

    def padded_batch(self, batch_size: Any, padded_shapes: Any = None, padding_values: Any = None, drop_remainder: bool = False,
                     name: str | None = None) -> "Dataset":
        """Batches elements of different shapes, padding each component to
        ``padded_shapes`` (None/-1 dims: the batch's largest) with ``padding_values``
        (default 0, or ``b""`` for strings)."""
        from xlaflow.data.batching import PaddedBatchDataset

        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def rebatch(self, batch_size: Any, drop_remainder: bool = False, name: str | None = None) -> "Dataset":
        """Regroups the rows of a batched dataset into batches of ``batch_size`` (an
        int, or a list of sizes used in turn)."""
        from xlaflow.data.batching import RebatchDataset

        return RebatchDataset(self, batch_size, drop_remainder)

    def shuffle(self, buffer_size: Any, seed: int | None = None, reshuffle_each_iteration: bool | None = None,
                name: str | None = None) -> "Dataset":
        """Shuffles with a buffer of ``buffer_size`` elements (TF's algorithm; a
        uniform permutation when the buffer holds the whole dataset). ``seed`` makes
        the sequence of orders reproducible; ``reshuffle_each_iteration`` (default
        True) gives each iteration (each ``repeat`` epoch) a new order."""
        from xlaflow.data.shuffle import ShuffleDataset

        return ShuffleDataset(self, buffer_size, seed, True if reshuffle_each_iteration is None else reshuffle_each_iteration)

    def repeat(self, count: Any = None, name: str | None = None) -> "Dataset":
        """Repeats the dataset ``count`` times (None or -1: forever)."""
        from xlaflow.data.ordering import RepeatDataset

        return RepeatDataset(self, count)

    def take(self, count: Any, name: str | None = None) -> "Dataset":
        """The first ``count`` elements (-1: all)."""
        from xlaflow.data.ordering import TakeDataset

        return TakeDataset(self, count)

    def skip(self, count: Any, name: str | None = None) -> "Dataset":
        """All but the first ``count`` elements (-1: skips everything)."""
        from xlaflow.data.ordering import SkipDataset

        return SkipDataset(self, count)

    def enumerate(self, start: Any = 0, name: str | None = None) -> "Dataset":
        """Elements ``(index, element)``, the index counting from ``start``."""
        from xlaflow.data.ordering import EnumerateDataset

        return EnumerateDataset(self, start)

    def concatenate(self, dataset: "Dataset", name: str | None = None) -> "Dataset":
        """This dataset's elements followed by ``dataset``'s (same structure and dtypes)."""
        from xlaflow.data.ordering import ConcatenateDataset

        return ConcatenateDataset(self, dataset)

    def cache(self, filename: str = "", name: str | None = None) -> "Dataset":
        """Keeps the elements of the first complete pass (in memory, or in
        ``filename + ".npz"``) and reads them on later passes."""
        from xlaflow.data.cache import CacheDataset

        return CacheDataset(self, filename)

    def map(self, map_func: Callable, num_parallel_calls: Any = None, deterministic: Any = None, name: str | None = None) -> "Dataset":
        """Applies ``map_func`` to each element (as Tensors; a tuple is unpacked into
        arguments). Compiled once per element shape where it can be traced, plain
        Python otherwise (see ``mapping.py``); ``num_parallel_calls`` runs ahead on a
        thread pool, keeping the order."""
        from xlaflow.data.mapping import MapDataset

        return MapDataset(self, map_func, num_parallel_calls)

    def filter(self, predicate: Callable, name: str | None = None) -> "Dataset":
        """The elements for which ``predicate`` returns a scalar boolean True."""
        from xlaflow.data.mapping import FilterDataset

        return FilterDataset(self, predicate)

    def flat_map(self, map_func: Callable, name: str | None = None) -> "Dataset":
        """Maps each element to a Dataset and concatenates their elements."""
        from xlaflow.data.interleave import InterleaveDataset

        return InterleaveDataset(self, map_func, cycle_length=1, block_length=1, op="Dataset.flat_map")

    def interleave(self, map_func: Callable, cycle_length: Any = None, block_length: Any = None, num_parallel_calls: Any = None,
                   deterministic: Any = None, name: str | None = None) -> "Dataset":
        """Maps each element to a Dataset and interleaves ``cycle_length`` of them at a
        time, ``block_length`` consecutive elements from each (TF's order)."""
        from xlaflow.data.interleave import InterleaveDataset

        return InterleaveDataset(self, map_func, cycle_length, block_length, op="Dataset.interleave")

    def prefetch(self, buffer_size: Any, name: str | None = None) -> "Dataset":
        """Produces up to ``buffer_size`` elements ahead on a background thread (moving
        them to the device when this is the last stage and Tensors are wanted);
        ``tf.data.AUTOTUNE`` picks the size from the element size."""
        from xlaflow.data.prefetch import PrefetchDataset

        return PrefetchDataset(self, buffer_size)


__all__ = ["Dataset", "StageIterator", "AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY"]
