"""``Normalization``: the preprocessing layer ``(x - mean) / sqrt(variance)`` with
statistics from ``adapt(data)`` or given directly (Keras 3's Normalization).

``adapt`` runs once, eagerly, before training: it reduces a NumPy array on the host
exactly as Keras does (``np.mean``/``np.var``), a Tensor with xlaflow ops, and an
iterable of batches (a list, a generator, a dataset yielding arrays or ``(x, y)``
tuples) with Keras' running merge of per-batch mean and variance. The statistics
live in non-trainable Variables (``mean``, ``variance``, ``count``), which ``call``
reads, so the layer also works inside ``xlaflow.function`` and after ``set_weights``.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from xlaflow.layers.layer import Layer
from xlaflow.ops import convert
from xlaflow.ops.array_ops import cast, reshape
from xlaflow.ops.binary_ops import maximum
from xlaflow.ops.reduce_ops import reduce_mean, reduce_variance
from xlaflow.ops.tensor import TensorLike
from xlaflow.ops.unary_ops import sqrt

_EPSILON = 1e-7  # Keras' backend.epsilon(): the floor of the standard deviation


def _first(batch: Any) -> Any:
    """The inputs of a batch: ``x`` of an ``(x, y)`` or ``(x, y, sample_weight)`` tuple."""
    return batch[0] if isinstance(batch, tuple) else batch


def _batched(data: Any) -> Any:
    """A dataset of single vectors (rank-1 elements) batched by 128, as Keras does."""
    spec = getattr(data, "element_spec", None)
    if spec is None or not callable(getattr(data, "batch", None)):
        return data
    spec = spec[0] if isinstance(spec, tuple) else spec
    shape = getattr(spec, "shape", None)
    return data.batch(128) if shape is not None and len(shape) == 1 else data


class Normalization(Layer):
    """Shifts and scales inputs to zero mean and unit variance per position of ``axis``.

    Args:
      axis: the axis or axes that keep separate statistics (-1: one mean/variance per
        feature); ``None`` computes a single mean and variance. The other axes are
        reduced.
      mean, variance: the statistics to use instead of :meth:`adapt` (scalars or
        arrays that broadcast over the kept axes); give both or neither.
      invert: apply the inverse, ``mean + x * sqrt(variance)``.

    Example::

        layer = Normalization()
        layer.adapt(np.array([[0., 7., 4.], [2., 9., 6.]], np.float32))
        layer(np.array([[1., 8., 5.]], np.float32))   # [[0., 0., 0.]]
    """

    def __init__(self, axis: Any = -1, mean: Any = None, variance: Any = None, invert: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int) and not isinstance(axis, bool):
            axis = (axis,)
        elif isinstance(axis, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in axis):
            axis = tuple(axis)
        else:
            raise TypeError(f"Normalization: argument `axis` must be None, an int or a list of ints. Received: axis={axis!r}")
        self.axis = axis
        if (mean is None) != (variance is None):
            raise ValueError(
                "Normalization: when setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "Normalization: `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {np.shape(mean)} and variance shape {np.shape(variance)}"
                )
            if np.ndim(mean) > len(self.axis):
                raise ValueError(
                    f"Normalization: the rank of `mean` must be at most the number of axes ({len(self.axis)}). "
                    f"Received: mean shape {np.shape(mean)} for axis {self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        self._build_input_shape = None
        self.adapt_mean = self.adapt_variance = self.count = None
        self._given: tuple | None = None

    def build(self, input_shape: Any) -> None:
        shape = tuple(input_shape)
        ndim = len(shape)
        if any(a < -ndim or a >= ndim for a in self.axis):
            raise ValueError(
                f'Normalization "{self.name}": all `axis` values must be in the range [-ndim, ndim). '
                f"Received inputs with ndim={ndim}, while axis={self.axis}"
            )
        self._build_input_shape = shape
        self._keep_axis = tuple(sorted(a % ndim for a in self.axis))
        for d in self._keep_axis:
            if shape[d] is None:
                raise ValueError(
                    f'Normalization "{self.name}": all `axis` values to be kept must have a known size. '
                    f"Received axis={self.axis}, inputs.shape={shape}, with unknown axis at index {d}"
                )
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(shape[d] if d in self._keep_axis else 1 for d in range(ndim))
        self._mean_and_var_shape = tuple(shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(self._mean_and_var_shape, "zeros", name="mean", trainable=False)
            self.adapt_variance = self.add_weight(self._mean_and_var_shape, "ones", name="variance", trainable=False)
            self.count = self.add_weight((), "zeros", dtype="int32", name="count", trainable=False)
        else:
            mean = np.asarray(self.input_mean, np.float32)
            variance = np.asarray(self.input_variance, np.float32)
            if mean.ndim:
                expanded = [1] * ndim
                for i in range(1, mean.ndim + 1):
                    expanded[self._keep_axis[-i]] = mean.shape[-i]
                mean, variance = mean.reshape(expanded), variance.reshape(expanded)
            try:
                self._given = (np.broadcast_to(mean, self._broadcast_shape).astype(self._dtype.as_numpy_dtype),
                               np.broadcast_to(variance, self._broadcast_shape).astype(self._dtype.as_numpy_dtype))
            except ValueError:
                raise ValueError(
                    f'Normalization "{self.name}": `mean`/`variance` of shape {np.shape(self.input_mean)} do not '
                    f"broadcast to the kept axes' shape {self._mean_and_var_shape}. Received: input_shape={shape}"
                ) from None
        self.built = True

    @property
    def mean(self) -> Any:
        """The mean, shaped to broadcast against the inputs (None before building)."""
        if not self.built:
            return None
        if self._given is not None:
            return convert.convert_to_tensor(self._given[0])
        return reshape(self.adapt_mean, self._broadcast_shape)

    @property
    def variance(self) -> Any:
        """The variance, shaped to broadcast against the inputs (None before building)."""
        if not self.built:
            return None
        if self._given is not None:
            return convert.convert_to_tensor(self._given[1])
        return reshape(self.adapt_variance, self._broadcast_shape)

    def adapt(self, data: Any) -> None:
        """Computes the mean and variance of ``data`` over the reduced axes.

        Args:
          data: a NumPy array, a Tensor, or an iterable of batches (list, generator,
            dataset; a batch may be an ``(x, y[, sample_weight])`` tuple). Each element
            of an iterable must be a batch; a dataset of single vectors is batched
            by 128 first.

        Raises:
          ValueError: the layer has fixed ``mean``/``variance``, the iterable is empty,
            or the data's kept axes do not match the built shape.
          TypeError: ``data`` is of an unsupported type.
        """
        if self.input_mean is not None:
            raise ValueError(
                f'Normalization "{self.name}": cannot adapt a layer created with fixed `mean` and `variance`. '
                "Received: adapt() on a layer with mean/variance set"
            )
        iterable = False
        if isinstance(data, (np.ndarray, TensorLike)):
            shape = tuple(data.shape.as_list()) if isinstance(data, TensorLike) else tuple(data.shape)
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes, dict)):
            iterable = True
            data = _batched(data)
            it = iter(data)
            first = next(it, None)
            if first is None:
                raise ValueError(
                    f'Normalization "{self.name}": adapt() received an empty iterable (no batches). '
                    "Expected at least one batch, e.g. layer.adapt([x])."
                )
            first = _first(first)
            if not hasattr(first, "shape"):
                raise TypeError(
                    f'Normalization "{self.name}": adapt() expects an iterable of arrays or tensors (with a '
                    f"`.shape`). Received an element of type {type(first).__name__}"
                )
            shape = tuple(first.shape.as_list()) if isinstance(first, TensorLike) else tuple(first.shape)
            data = itertools.chain([first], it)
        else:
            raise TypeError(
                f'Normalization "{self.name}": adapt() supports NumPy arrays, Tensors and iterables of batches. '
                f"Received: data of type {type(data).__name__}"
            )
        if not self.built:
            self.build(shape)
        else:
            self._check_shape(shape, "data.shape")
        if not iterable:
            if isinstance(data, np.ndarray):
                mean, var = np.mean(data, axis=self._reduce_axis), np.var(data, axis=self._reduce_axis)
            else:
                x = cast(data, self._dtype) if not data.dtype.is_floating else data
                mean, var = reduce_mean(x, self._reduce_axis), reduce_variance(x, self._reduce_axis)
        else:
            mean, var = self._merge_batches(data)
        self.adapt_mean.assign(cast(convert.convert_to_tensor(mean), self._dtype))
        self.adapt_variance.assign(cast(convert.convert_to_tensor(var), self._dtype))

    def _check_shape(self, shape: tuple, what: str) -> None:
        for d in self._keep_axis:
            if len(shape) != len(self._build_input_shape) or shape[d] != self._build_input_shape[d]:
                raise ValueError(
                    f'Normalization "{self.name}": the layer was built with input_shape={self._build_input_shape}, '
                    f"but adapt() received data with an incompatible shape. Received: {what}={shape}"
                )

    def _merge_batches(self, batches: Any) -> tuple:
        """Keras' running merge of per-batch statistics (weights by element count)."""
        total_mean = np.zeros(self._mean_and_var_shape, np.float32)
        total_var = np.zeros(self._mean_and_var_shape, np.float32)
        total_count = 0
        for batch in batches:
            batch = _first(batch)
            x = batch.numpy() if isinstance(batch, TensorLike) else np.asarray(batch)
            x = x.astype(self._dtype.as_numpy_dtype)
            self._check_shape(tuple(x.shape), "batch shape")
            batch_mean, batch_var = np.mean(x, axis=self._reduce_axis), np.var(x, axis=self._reduce_axis)
            count = math.prod(x.shape[d] for d in self._reduce_axis) if self._reduce_axis else 1
            total_count += count
            batch_weight = float(count) / total_count
            existing_weight = 1.0 - batch_weight
            new_mean = total_mean * existing_weight + batch_mean * batch_weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * existing_weight
                         + (batch_var + (batch_mean - new_mean) ** 2) * batch_weight)
            total_mean = new_mean
        return total_mean, total_var

    def call(self, inputs: Any) -> Any:
        x = inputs if inputs.dtype == self._dtype else cast(inputs, self._dtype)
        mean = self.mean
        std = maximum(sqrt(self.variance), _EPSILON)
        if self.invert:
            return mean + x * std
        return (x - mean) / std

    def compute_output_shape(self, input_shape: Any) -> Any:
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({
            "axis": self.axis,
            "invert": self.invert,
            "mean": np.array(self.input_mean).tolist(),
            "variance": np.array(self.input_variance).tolist(),
        })
        return config
