"""``Dataset.from_generator``: elements from a Python generator, checked against a spec.

Every yielded value is matched against ``output_signature`` (structure, dtype kind and
shape) and converted to the spec's dtype; a mismatch is an ``InvalidArgumentError``
naming the operation and the element index, as is an exception raised by the
generator itself. Iteration state is the number of elements produced: restoring calls
the generator again and skips that many (exact for generators that yield the same
sequence on every call, which is what TF requires of a re-iterable generator too).
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator
from xlaflow.data.options import UNKNOWN_CARDINALITY

_OP = "Dataset.from_generator"
# kinds a yielded value of kind K may be converted to (no loss of kind, as TF's rule)
_SAFE_KINDS = {"b": "biuf", "i": "iufc", "u": "iufc", "f": "fc", "c": "c"}


def _is_spec(x: Any) -> bool:
    return isinstance(x, TensorSpec)


def _spec_from_types(types: Any, shapes: Any) -> Any:
    def leaf(t: Any, s: Any) -> Any:
        if t == "string" or t is str or t is bytes:
            return structure.StringSpec(s if s is not None else None)
        return TensorSpec(s if s is not None else None, dtypes.as_dtype(t))
    if shapes is None:
        return structure.map_leaves(lambda t: leaf(t, None), types)
    import jax

    flat_t, treedef = jax.tree_util.tree_flatten(types, is_leaf=lambda x: not isinstance(x, (tuple, dict)))
    flat_s = treedef.flatten_up_to(shapes)
    return jax.tree_util.tree_unflatten(treedef, [leaf(t, s) for t, s in zip(flat_t, flat_s)])


class GeneratorDataset(Dataset):
    """``Dataset.from_generator(generator, output_signature=...)``."""

    _op = _OP

    def __init__(self, generator: Callable, output_types: Any, output_shapes: Any, args: Any, output_signature: Any):
        if not callable(generator):
            raise TypeError(f"{_OP}: argument `generator` must be a Python callable that returns an iterator. Received: {generator!r}")
        if output_signature is not None:
            if output_types is not None or output_shapes is not None:
                raise TypeError(f"{_OP}: give either `output_signature` or `output_types`/`output_shapes`, not both.")
            leaves, _ = structure.spec_leaves(output_signature)
            bad = [s for s in leaves if not _is_spec(s)]
            if bad or not leaves:
                raise TypeError(f"{_OP}: argument `output_signature` must be a (nested) structure of tf.TensorSpec. Received: {output_signature!r}")
            self._spec = output_signature
        elif output_types is not None:
            self._spec = _spec_from_types(output_types, output_shapes)
        else:
            raise TypeError(f"{_OP}: argument `output_signature` is required (a nested structure of tf.TensorSpec). Received: None")
        self._generator = generator
        self._args = tuple(structure.to_numpy(structure.normalize(a, _OP, "args")) for a in (args or ()))

    def _make(self, device: bool = False) -> StageIterator:
        return _GeneratorIterator(self)

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _element_spec(self) -> Any:
        return self._spec


def _leaf(spec: Any, value: Any, index: int, path: str) -> np.ndarray:
    if structure.is_string_spec(spec):
        if isinstance(value, (str, bytes)):
            arr = structure.to_host(value, _OP, "generator")
        else:
            arr = np.asarray(value)
            if arr.dtype.kind not in "USO":
                raise errors.InvalidArgumentError(
                    f"{_OP}: `generator` yielded element {index} whose component {path} has dtype {arr.dtype} where a "
                    "string was expected (output_signature)."
                )
            arr = structure.to_host(arr, _OP, "generator")
    else:
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError):
            arr = np.asarray(None, dtype=object)
        target = np.dtype(spec.dtype.as_numpy_dtype)
        kind = arr.dtype.kind
        if kind not in _SAFE_KINDS or target.kind not in _SAFE_KINDS[kind]:
            raise errors.InvalidArgumentError(
                f"{_OP}: `generator` yielded element {index} whose component {path} could not be converted to "
                f"{spec.dtype.name} (output_signature). Received: {value!r:.100} of dtype {arr.dtype}"
            )
        arr = arr.astype(target, copy=False)
    if not structure.shape_fits(spec.shape, arr.shape):
        raise errors.InvalidArgumentError(
            f"{_OP}: `generator` yielded element {index} whose component {path} has shape {arr.shape} where a value "
            f"of shape {spec.shape} was expected (output_signature)."
        )
    return arr


def _match(spec: Any, value: Any, index: int, path: str = "") -> Any:
    """``value`` converted to the structure and dtypes of ``spec`` (or an error)."""
    if _is_spec(spec):
        return _leaf(spec, value, index, path or "(the element)")
    if isinstance(spec, dict):
        if not isinstance(value, dict) or set(value) != set(spec):
            raise errors.InvalidArgumentError(
                f"{_OP}: `generator` yielded element {index} that did not match the structure of output_signature: "
                f"expected a dict with keys {sorted(spec)} at {path or 'the top'}. Received: {value!r:.200}"
            )
        return {k: _match(spec[k], value[k], index, f"{path}[{k!r}]") for k in spec}
    if isinstance(spec, (tuple, list)):
        if not isinstance(value, (tuple, list)) or len(value) != len(spec):
            raise errors.InvalidArgumentError(
                f"{_OP}: `generator` yielded element {index} that did not match the structure of output_signature: "
                f"expected a tuple of {len(spec)} components at {path or 'the top'}. Received: {value!r:.200}"
            )
        parts = [_match(s, v, index, f"{path}[{i}]") for i, (s, v) in enumerate(zip(spec, value))]
        return type(spec)(*parts) if hasattr(spec, "_fields") else tuple(parts)
    raise TypeError(f"{_OP}: output_signature holds {spec!r}, which is not a TensorSpec or structure of them.")


class _GeneratorIterator(StageIterator):
    def __init__(self, ds: GeneratorDataset):
        self.ds = ds
        self.count = 0
        self.gen: Any = None

    def _start(self) -> None:
        try:
            self.gen = iter(self.ds._generator(*self.ds._args))
        except Exception as e:
            raise errors.InvalidArgumentError(f"{_OP}: calling `generator` raised {type(e).__name__}: {e}") from e

    def next(self) -> Any:
        if self.gen is None:
            self._start()
        try:
            value = next(self.gen)
        except StopIteration:
            raise
        except Exception as e:
            raise errors.InvalidArgumentError(f"{_OP}: `generator` raised {type(e).__name__} while producing element {self.count}: {e}") from e
        out = _match(self.ds._spec, value, self.count)
        self.count += 1
        return out

    def get_state(self) -> dict:
        return {"count": self.count}

    def set_state(self, state: dict) -> None:
        self._start()
        target = int(state["count"])
        self.count = 0
        for _ in range(target):
            next(self.gen)
            self.count += 1
