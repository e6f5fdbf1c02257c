"""``Session`` and ``InteractiveSession``: run fetches of a graph with a feed_dict.

``Session.run(fetches, feed_dict)`` accepts any nested list/tuple/dict/namedtuple of
symbolic tensors, operations, Variables and tensor names (``"loss:0"``), and returns
NumPy values in the same structure (``None`` for operations). Runs are compiled by
:mod:`xlaflow.graph.interpreter` and cached on the graph by (fetch structure, fed
tensors, fed shapes); the fast path for a flat list of fetches costs a few dict
lookups per run.

Fed values are converted to the placeholder's dtype (as TF does: NumPy float64 data
fed to a float32 placeholder is fine); a shape that contradicts the placeholder's
static shape, a key that is not a tensor of the session's graph, and a symbolic
value are errors. ``with Session() as sess:`` makes the session the default one
(for ``Tensor.eval()`` / ``Operation.run()``) and its graph the default graph.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator

import jax
import numpy as np

from xlaflow.graph import graph as graph_module
from xlaflow.graph.interpreter import Plan, is_variable
from xlaflow.graph.node import Operation, SymbolicTensor
from xlaflow.ops.tensor import Tensor, TensorLike

MAX_PLANS = 256  # compiled plans kept per graph (least recently made dropped first)


class _Local(threading.local):
    def __init__(self) -> None:
        self.sessions: list = []


_local = _Local()


def get_default_session() -> "Session | None":
    """The innermost session entered with ``with sess:`` / ``sess.as_default()``."""
    return _local.sessions[-1] if _local.sessions else None


def _session_for(session: Any, item: Any, what: str) -> "Session":
    session = session if session is not None else get_default_session()
    if session is None:
        raise ValueError(
            f"{what}: no default session is registered. Use `with tf.Session() as sess:` (or "
            "`with sess.as_default():`), or pass `session=` explicitly."
        )
    return session


def _is_fetch_leaf(x: Any) -> bool:
    return isinstance(x, (SymbolicTensor, Operation, TensorLike, str)) or x is None


_LEAF_TYPES: set = {SymbolicTensor, Operation}


class Session:
    """A TF1 session: runs parts of ``graph`` (default: the default graph), compiled.

    Args:
      target, config: accepted for compatibility and ignored.
      graph: the graph whose nodes this session runs.
    """

    def __init__(self, target: str = "", graph: Any = None, config: Any = None):
        self.graph = graph if graph is not None else graph_module.get_default_graph()
        if not isinstance(self.graph, graph_module.Graph):
            raise TypeError(f"Session: argument `graph` must be a Graph. Received: {graph!r:.200}")
        self._closed = False
        self._feed_info: dict = {}  # id(key) -> (key, tensor, numpy dtype)
        self._contexts: list = []

    # -- lifecycle -------------------------------------------------------------------
    def close(self) -> None:
        """Closes the session; later runs raise RuntimeError."""
        self._closed = True

    def __enter__(self) -> "Session":
        stack = contextlib.ExitStack()
        stack.enter_context(self.graph.as_default())
        stack.enter_context(self.as_default())
        self._contexts.append(stack)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._contexts.pop().close()
        self.close()

    @contextlib.contextmanager
    def as_default(self) -> Iterator["Session"]:
        """Makes this the default session (``Tensor.eval()``) for the block."""
        _local.sessions.append(self)
        try:
            yield self
        finally:
            _local.sessions.remove(self)

    @property
    def sess_str(self) -> str:
        return ""

    # -- running ---------------------------------------------------------------------
    def run(self, fetches: Any, feed_dict: Any = None, options: Any = None, run_metadata: Any = None) -> Any:
        """Computes ``fetches`` with ``feed_dict`` values for placeholders (see module doc).

        Raises:
          RuntimeError: the session is closed.
          InvalidArgumentError: a needed placeholder was not fed (it is named).
          ValueError: a fed shape contradicts the placeholder's shape, or a fetch or feed
            belongs to another graph.
          TypeError: a fetch or feed key is not a graph element, or a fed value is symbolic.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        t = type(fetches)
        if (t is list or t is tuple) and all(type(f) in _LEAF_TYPES for f in fetches):
            fkey: Any = (t, *map(id, fetches))
            leaves, treedef = fetches, t
        elif t in _LEAF_TYPES:
            fkey, leaves, treedef = id(fetches), (fetches,), None
        else:
            leaves, tdef = jax.tree_util.tree_flatten(fetches, is_leaf=_is_fetch_leaf)
            fkey = (tdef, tuple(x if isinstance(x, str) else id(x) for x in leaves))
            treedef = tdef
        feed_vals: list = []
        feed_key: list = []
        if feed_dict:
            info_cache = self._feed_info
            for k, v in feed_dict.items():
                info = info_cache.get(id(k))
                if info is None or info[0] is not k:
                    info = self._feed_key(k)
                tensor, npd = info[1], info[2]
                arr = v if type(v) is np.ndarray and v.dtype == npd else _feed_value(v, tensor, npd)
                feed_vals.append(arr)
                feed_key.append((id(tensor), arr.shape))
        key = (fkey, tuple(feed_key))
        entry = self.graph.plans.get(key)
        if entry is None:
            family = ("session", id(self.graph), fkey, tuple(k for k, _ in feed_key))
            entry = self.graph.plans[key] = self._plan(leaves, feed_dict, feed_vals, family)
            if len(self.graph.plans) > MAX_PLANS:
                self.graph.plans.pop(next(iter(self.graph.plans)))
        plan, out_leaves = entry
        values = plan.run(feed_vals)
        out = [None if v is None else _to_numpy(v) for v in values]
        if treedef is None:
            return out[0]
        if treedef is list or treedef is tuple:
            return treedef(out)
        return jax.tree_util.tree_unflatten(treedef, out)

    def _feed_key(self, k: Any) -> tuple:
        tensor = k
        if isinstance(k, str):
            tensor = self.graph.get_tensor_by_name(k)
        if not isinstance(tensor, SymbolicTensor):
            raise TypeError(
                "Session.run: feed_dict keys must be placeholders (or other symbolic tensors) of the session's "
                f"graph. Received: {k!r:.200} of type {type(k).__name__}"
            )
        if tensor.graph is not self.graph:
            raise ValueError(f"Session.run: feed_dict key {tensor.name} is not an element of this session's graph.")
        info = (k, tensor, np.dtype(tensor.dtype.as_numpy_dtype))
        if isinstance(k, SymbolicTensor):
            self._feed_info[id(k)] = info
        return info

    def _plan(self, leaves: Any, feed_dict: Any, feed_vals: list, family: Any) -> tuple:
        resolved = []
        for x in leaves:
            if isinstance(x, str):
                x = self.graph.as_graph_element(x)
            if isinstance(x, (SymbolicTensor, Operation)):
                if x.graph is not self.graph:
                    raise ValueError(
                        f"Session.run: fetch {x!r} is not an element of this session's graph (it was built in another "
                        "graph). Run it with a session of its own graph: tf.Session(graph=t.graph)."
                    )
            elif isinstance(x, Tensor):
                raise TypeError(
                    f"Session.run: fetch {x!r:.120} is an eager Tensor, computed when it was created (none of its inputs "
                    "was symbolic), so running it would return a stale value. Build it inside `with tf.Graph().as_default():` "
                    "(or `with tf.get_default_graph().as_default():`), where ops on Variables become graph nodes."
                )
            elif not is_variable(x):
                raise TypeError(
                    f"Session.run: fetch argument {x!r:.200} has invalid type {type(x).__name__}; it must be a graph tensor, "
                    "operation, Variable or tensor name (or a nested list/tuple/dict of them)."
                )
            resolved.append(x)
        fed = []
        for (k, v), arr in zip(feed_dict.items() if feed_dict else (), feed_vals):
            tensor = self._feed_key(k)[1]
            if not tensor.shape.is_compatible_with(arr.shape):
                raise ValueError(
                    f"Cannot feed value of shape {tuple(arr.shape)} for Tensor '{tensor.name}', which has shape "
                    f"'{_shape_text(tensor)}'."
                )
            fed.append(tensor)
        return Plan(resolved, fed, family), resolved

    def make_callable(self, fetches: Any, feed_list: Any = None, accept_options: bool = False) -> Any:
        """A function ``f(*feed_values)`` running ``fetches`` with ``feed_list`` fed in order."""
        feed_list = list(feed_list or [])

        def call(*values: Any, **kwargs: Any) -> Any:
            if len(values) != len(feed_list):
                raise TypeError(f"Session.make_callable: the callable takes {len(feed_list)} feed values. Received: {len(values)}")
            return self.run(fetches, feed_dict=dict(zip(feed_list, values)))

        return call

    def compile_count(self, fetches: Any = None) -> int:
        """How many programs this session's graph has compiled (all plans)."""
        return sum(p.compiles for p, _ in self.graph.plans.values())

    def list_devices(self) -> list:
        return jax.devices()


def _shape_text(t: SymbolicTensor) -> str:
    if t.shape.rank is None:
        return "<unknown>"
    return "(" + ", ".join("?" if d is None else str(d) for d in t.shape.as_list()) + ("," if t.shape.rank == 1 else "") + ")"


def _feed_value(v: Any, tensor: SymbolicTensor, npd: np.dtype) -> Any:
    if getattr(v, "_xf_symbolic", False):
        raise TypeError(
            f"Session.run: the value fed for {tensor.name} is a symbolic tensor ({v.name}); a feed value must be "
            "concrete (a NumPy array, Python value or eager Tensor). Acceptable feed values include Python "
            "scalars, lists and NumPy ndarrays."
        )
    if isinstance(v, TensorLike):
        v = v._read()
    if isinstance(v, jax.Array):
        return v if v.dtype == npd else v.astype(npd)
    try:
        return np.asarray(v, dtype=npd)
    except (TypeError, ValueError) as e:
        raise ValueError(f"Session.run: the value fed for {tensor.name} cannot be converted to {tensor.dtype.name}. Received: {v!r:.200} ({e})") from None


def _to_numpy(v: Any) -> Any:
    arr = np.asarray(v)
    return arr[()] if arr.ndim == 0 else arr


class InteractiveSession(Session):
    """A session that installs itself as the default session when created (for
    ``t.eval()`` in notebooks) until :meth:`close`. Unlike TF1 it does not make its
    graph the default one: ops on Variables outside a ``with graph.as_default()``
    block stay eager."""

    def __init__(self, target: str = "", graph: Any = None, config: Any = None):
        super().__init__(target, graph, config)
        _local.sessions.append(self)

    def close(self) -> None:
        super().close()
        if self in _local.sessions:
            _local.sessions.remove(self)

