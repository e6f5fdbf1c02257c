"""``map`` and ``filter``, and how user functions are run on elements.

A user function receives the element as xlaflow Tensors (a tuple element is unpacked
into positional arguments, as in TF; a dict is passed whole) and may use any xlaflow
op. :class:`ElementFunction` runs it:

* **compiled** first: the function is wrapped in :func:`xlaflow.function`, so it is
  traced once per element shape/dtype and later elements run one compiled XLA program
  (Variables and ``xlaflow.random`` ops work as in any ``@function``);
* **plain Python** when tracing fails (the function calls ``.numpy()``, branches on a
  tensor value with ``if``, uses NumPy/Python-only code, or the element holds
  strings): from then on it is called eagerly with eager Tensors. The switch is
  recorded in ``ElementFunction.fallback_reason``.

An exception raised by the function is an ``InvalidArgumentError`` naming the
operation and the element index (the original exception is its ``__cause__``).
Results go back to host NumPy arrays; a returned list becomes a tuple (TF's rule).
``map(num_parallel_calls=n)`` keeps up to ``n`` elements in flight on a thread pool
and keeps the input order. Compiled calls are serialised (they may read and write
Variables, such as the random key, which must not race); plain-Python calls that
touch no Variable (decoding and resizing images, string processing) run concurrently,
so the pool computes in parallel where the work releases the GIL.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import threading
from collections import deque
from typing import Any, Callable, Iterator

import jax
import numpy as np

from xlaflow._core import errors, state
from xlaflow.ops import dispatch
from xlaflow.data import structure
from xlaflow.data.dataset import Dataset, StageIterator, as_int
from xlaflow.data.options import AUTOTUNE, AUTOTUNE_PARALLELISM, UNKNOWN_CARDINALITY
from xlaflow.ops.tensor import Tensor, TensorLike


@contextlib.contextmanager
def _pipeline_context(scope: state.StateScope | None = None) -> Iterator[None]:
    """User functions of a pipeline run on concrete data, outside the caller's context:
    no gradient tape records them and an enclosing ``@function`` trace does not absorb
    them (TF runs them in the input pipeline, not in the caller's graph). With
    ``scope``, the Variables the function reads and writes go through it."""
    saved = state._local.stack
    state._local.stack = [] if scope is None else [scope]
    try:
        with dispatch.recorders_paused():
            yield
    finally:
        state._local.stack = saved


MAX_TRACES = 4  # distinct element shapes compiled before switching to plain Python


def _call(fn: Callable, element: Any) -> Any:
    return fn(*element) if type(element) is tuple else fn(element)


def _tuples(out: Any) -> Any:
    """TF's rule for function results: lists (at any depth) become tuples."""
    if isinstance(out, (list, tuple)) and not hasattr(out, "_fields"):
        return tuple(_tuples(v) for v in out)
    if isinstance(out, dict):
        return {k: _tuples(v) for k, v in out.items()}
    return out


def _as_tensors(element: Any) -> Any:
    """NumPy leaves as Tensors (``xlaflow.function`` passes its raw arguments to the
    discovery run; the user function must still see Tensors)."""
    return structure.map_leaves(lambda a: Tensor._wrap(jax.numpy.asarray(a)) if isinstance(a, np.ndarray) and not structure.is_string(a) else a,
                                element)


def _host_output(out: Any, op: str) -> Any:
    out = _tuples(out) if isinstance(out, (list, tuple, dict)) else out
    return structure.map_leaves(lambda v: np.asarray(v) if isinstance(v, (TensorLike, jax.Array)) else structure.to_host(v, op, "map_func's result"),
                                out)


class ElementFunction:
    """A user function applied to dataset elements, compiled where possible."""

    def __init__(self, fn: Callable, op: str):
        if not callable(fn):
            raise TypeError(f"{op}: the function argument must be callable. Received: {fn!r}")
        from xlaflow.function import function

        self.fn, self.op = fn, op
        self.compiled = function(lambda element: _call(fn, _as_tensors(element)))
        self.fallback_reason: str | None = None
        self._traced_specs: set = set()
        self._lock = threading.RLock()
        self._stateless: bool | None = None  # eager calls that touch no Variable may run in parallel

    @property
    def eager(self) -> bool:
        return self.fallback_reason is not None

    def __call__(self, element: Any, index: int) -> Any:
        leaves, _ = structure.flatten(element)
        if not self.eager and any(structure.is_string(np.asarray(a)) for a in leaves):
            self.fallback_reason = "the element holds strings (not a Tensor dtype)"
        if not self.eager:
            arrays = structure.map_leaves(np.asarray, element)
            key = tuple((np.shape(a), np.asarray(a).dtype) for a in leaves)
            if key not in self._traced_specs and len(self._traced_specs) >= MAX_TRACES:
                self.fallback_reason = f"element shapes vary (more than {MAX_TRACES} traced shapes)"
                return self._eager(element, index)
            try:
                with self._lock, _pipeline_context():  # calls may write Variables (the RNG key): one at a time
                    out = self.compiled(arrays)
                    self._traced_specs.add(key)
                return _host_output(out, self.op)
            except Exception as e:  # untraceable (or raising): retry as plain Python
                reason = f"{type(e).__name__}: {e}"
            out = self._eager(element, index)
            self.fallback_reason = reason
            return out
        return self._eager(element, index)

    def _eager(self, element: Any, index: int) -> Any:
        try:
            scope = state.StateScope()
            if self._stateless:
                # Plain Python that touched no Variable so far: calls run concurrently on
                # the map's threads (decoding releases the GIL). A call that does touch
                # one commits under the lock and makes the next calls serial again.
                with _pipeline_context(scope):
                    out = _call(self.fn, structure.to_tensors(element))
                if scope.touched():
                    with self._lock:
                        self._stateless = False
                        scope.commit()
            else:
                with self._lock, _pipeline_context(scope):
                    out = _call(self.fn, structure.to_tensors(element))
                    scope.commit()
                    if self._stateless is None:
                        self._stateless = not scope.touched()
            return _host_output(out, self.op)
        except Exception as e:
            raise errors.InvalidArgumentError(
                f"{self.op}: the function raised {type(e).__name__} on element {index} "
                f"({structure.describe(element)}): {e}"
            ) from e

    def output_spec(self, input_spec: Any) -> Any:
        """The spec of the function's result, from tracing it abstractly (two sizes for
        unknown dimensions: a dimension that follows them is unknown), or None."""

        def trace(fill: int) -> Any:
            def shaped(s: Any) -> Any:
                if structure.is_string_spec(s) or s.shape.rank is None:
                    raise TypeError("not traceable")
                return jax.ShapeDtypeStruct(tuple(fill if d is None else d for d in s.shape.as_list()), s.dtype.as_numpy_dtype)

            def pure(arrays: Any) -> Any:
                tensors = jax.tree_util.tree_map(Tensor._wrap, arrays)
                out = _tuples(_call(self.fn, tensors))
                return jax.tree_util.tree_map(lambda v: v._read() if isinstance(v, TensorLike) else jax.numpy.asarray(v), out,
                                              is_leaf=lambda v: isinstance(v, TensorLike))

            scope = state.StateScope(discovering=True)
            with state.state_scope(scope):
                out = jax.eval_shape(pure, structure.map_specs(shaped, input_spec))
            if scope.created:  # a Variable made under an abstract trace would hold a tracer
                raise TypeError("the function creates variables")
            return out

        from xlaflow.ops import rng

        rng.key_variable()  # the lazily made global RNG key must not be made inside the trace
        try:
            with _pipeline_context():
                a, b = trace(2), trace(3)
        except Exception:
            return None
        return jax.tree_util.tree_map(
            lambda x, y: structure.respec_np(x.shape, y.shape, x.dtype), a, b)


class MapDataset(Dataset):
    """``dataset.map(map_func, num_parallel_calls=None)``."""

    _op = "Dataset.map"

    def __init__(self, input: Dataset, map_func: Callable, num_parallel_calls: Any):
        self._input = input
        self._fn = ElementFunction(map_func, self._op)
        if num_parallel_calls is None:
            self._parallel = 1
        else:
            n = as_int(num_parallel_calls, self._op, "num_parallel_calls")
            if n != AUTOTUNE and n <= 0:
                raise errors.InvalidArgumentError(f"{self._op}: argument `num_parallel_calls` must be positive or tf.data.AUTOTUNE. Received: {n}")
            self._parallel = AUTOTUNE_PARALLELISM if n == AUTOTUNE else n

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _make(self, device: bool = False) -> StageIterator:
        if self._parallel > 1:
            return _ParallelMapIterator(self._input._make(), self._fn, self._parallel)
        return _MapIterator(self._input._make(), self._fn)

    def _cardinality(self) -> int:
        return self._input._cardinality()

    def _element_spec(self) -> Any:
        spec = self._fn.output_spec(self._input.element_spec)
        if spec is not None:
            return spec
        it = self._make()  # untraceable function: the rank and dtype of the first result
        try:
            first = it.next()
        except StopIteration:
            return None
        finally:
            it.close()
        return structure.map_specs(lambda s: structure.respec(s, [None] * s.shape.rank), structure.spec_of(first))


class _MapIterator(StageIterator):
    def __init__(self, up: StageIterator, fn: ElementFunction):
        self.up, self.fn, self.index = up, fn, 0

    def next(self) -> Any:
        el = self.up.next()
        self.index += 1
        return self.fn(el, self.index - 1)

    def get_state(self) -> dict:
        return {"input": self.up.get_state(), "index": self.index}

    def set_state(self, state: dict) -> None:
        self.up.set_state(state["input"])
        self.index = int(state["index"])

    def close(self) -> None:
        self.up.close()


_POOL: concurrent.futures.ThreadPoolExecutor | None = None


def _pool() -> concurrent.futures.ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = concurrent.futures.ThreadPoolExecutor(max_workers=AUTOTUNE_PARALLELISM, thread_name_prefix="xlaflow-data-map")
    return _POOL


class _ParallelMapIterator(_MapIterator):
    """Up to ``parallel`` elements in flight on a thread pool; results in input order."""

    def __init__(self, up: StageIterator, fn: ElementFunction, parallel: int):
        super().__init__(up, fn)
        self.parallel = parallel
        self.pending: deque = deque()
        self.done = False

    def _fill(self) -> None:
        while not self.done and len(self.pending) < self.parallel:
            try:
                el = self.up.next()
            except StopIteration:
                self.done = True
                break
            self.pending.append(_pool().submit(self.fn, el, self.index))
            self.index += 1

    def next(self) -> Any:
        self._fill()
        if not self.pending:
            raise StopIteration
        return self.pending.popleft().result()

    def get_state(self) -> dict:
        results = [f.result() for f in self.pending]
        self.pending = deque(_Done(r) for r in results)
        return {"input": self.up.get_state(), "index": self.index, "done": self.done, "results": results}

    def set_state(self, state: dict) -> None:
        super().set_state(state)
        self.done = bool(state["done"])
        self.pending = deque(_Done(r) for r in state["results"])


class _Done:
    def __init__(self, value: Any):
        self.value = value

    def result(self) -> Any:
        return self.value


class FilterDataset(Dataset):
    """``dataset.filter(predicate)``: the elements for which ``predicate`` is True."""

    _op = "Dataset.filter"

    def __init__(self, input: Dataset, predicate: Callable):
        self._input = input
        self._fn = ElementFunction(predicate, self._op)

    def _inputs(self) -> list[Dataset]:
        return [self._input]

    def _make(self, device: bool = False) -> StageIterator:
        return _FilterIterator(self._input._make(), self._fn)

    def _cardinality(self) -> int:
        n = self._input._cardinality()
        return n if n == 0 else UNKNOWN_CARDINALITY

    def _element_spec(self) -> Any:
        return self._input.element_spec


class _FilterIterator(_MapIterator):
    def next(self) -> Any:
        while True:
            el = self.up.next()
            self.index += 1
            keep = self.fn(el, self.index - 1)
            if np.ndim(keep) != 0 or np.asarray(keep).dtype != np.bool_:
                raise errors.InvalidArgumentError(
                    f"Dataset.filter: `predicate` must return a scalar boolean. Received: {structure.describe(keep)} "
                    f"for element {self.index - 1}"
                )
            if bool(keep):
                return el
