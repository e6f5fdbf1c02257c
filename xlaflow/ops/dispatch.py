"""The one dispatch point every op goes through.

An op is written once, as a pure function of JAX arrays (its tensor arguments) and
static Python values (its attributes), and decorated with :func:`op`::

    @op("MatMul", tensors=("a", "b"), same_dtype=("a", "b"))
    def matmul(a, b, transpose_a=False, transpose_b=False):
        ...  # a, b are jax arrays here

Calling the public function then:

1. binds the arguments (``name=`` is accepted and ignored, as in TF eager);
2. converts tensor arguments (Tensor, Variable, NumPy, Python values) to arrays, with
   one dtype for each ``same_dtype`` group (NumPy/Python values adopt the dtype of a
   tensor in the group; two tensors of different dtypes are an error);
3. turns tensor-valued *static* arguments (``reshape(x, tf.shape(y))``) into Python
   values, or says clearly that a traced value cannot be used there;
4. if any input is symbolic (a graph placeholder, ``keras.Input``), hands the call to
   the registered symbolic handler, which builds a graph node instead of computing;
5. otherwise runs the implementation, wraps the arrays it returns in Tensors and
   reports the call to every active recorder (gradient tapes), with the original
   input objects so that a recorder can tell which Variable was read.

This is the only place those rules live: ops never convert or record by themselves.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from typing import Any, Callable, Iterable, Iterator, Sequence

import jax
import numpy as np

from xlaflow._core import dtypes, errors, state
from xlaflow.engine import capture, compiler
from xlaflow._core.keys import freeze
from xlaflow.ops import convert
from xlaflow.ops.string_tensor import StringValueError
from xlaflow.ops.tensor import Tensor, TensorLike

_PY_SCALARS = (bool, int, float, complex)
_ARRAYS = (TensorLike, jax.Array, jax.core.Tracer)


class Op:
    """An op: its name, pure implementation and which parameters hold tensors."""

    __slots__ = ("name", "label", "impl", "params", "tensors", "lists", "same_dtype", "defaults", "required",
                 "jit", "_compiled", "check")

    def __init__(self, name: str, impl: Callable, tensors: Sequence[str], lists: Sequence[str], same_dtype: Sequence[str],
                 jit: bool = False, check: Callable | None = None):
        self.name = name  # TF's op name, as recorded programs show it
        self.label = impl.__name__.lstrip("_")  # the public name, as error messages show it
        self.impl = impl
        sig = inspect.signature(impl)
        self.params = [p for p in sig.parameters if sig.parameters[p].kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
        self.defaults = {k: p.default for k, p in sig.parameters.items() if p.default is not inspect.Parameter.empty}
        self.required = [p for p in self.params if p not in self.defaults]
        for t in (*tensors, *lists, *same_dtype):
            if t not in self.params:
                raise AssertionError(f"op {name}: {t!r} is not a parameter of its implementation")
        self.tensors = tuple(tensors)
        self.lists = frozenset(lists)
        self.same_dtype = tuple(same_dtype)
        self.jit = jit and bool(tensors)
        self._compiled: dict = {}  # frozen statics -> the implementation compiled by the engine
        self.check = check  # run-time checks on the values (see xlaflow.engine.checks)

    def compiled(self, statics: dict) -> Callable:
        """The implementation compiled for these static arguments (cached)."""
        try:
            key = tuple((k, type(v), v) for k, v in statics.items())  # 1, 1.0 and True differ
            fn = self._compiled.get(key)
        except TypeError:  # an unhashable static (a list ...): freeze it
            key = freeze(statics)
            fn = self._compiled.get(key)
        if fn is None:
            fn = self._compiled[key] = compiler.jit(functools.partial(self.impl, **statics))
        return fn

    def __repr__(self) -> str:
        return f"<xlaflow op {self.name}>"

    # -- binding -----------------------------------------------------------------
    def bind(self, args: tuple, kwargs: dict) -> dict:
        params = self.params
        if len(args) > len(params) + 1:
            raise TypeError(f"{self.label}() takes at most {len(params) + 1} positional arguments ({len(args)} given)")
        bound = dict(self.defaults)
        if len(args) == len(params) + 1:  # TF signatures end with `name`
            args = args[:-1]
        bound.update(zip(params, args))
        for k, v in kwargs.items():
            if k == "name":
                continue
            if k not in bound and k not in params:
                raise TypeError(f"{self.label}() got an unexpected keyword argument {k!r}")
            if k in params[: len(args)]:
                raise TypeError(f"{self.label}() got multiple values for argument {k!r}")
            bound[k] = v
        for k in self.required:
            if k not in bound:
                raise TypeError(f"{self.label}() missing required argument {k!r}")
        return bound


class _Local(threading.local):
    def __init__(self) -> None:
        self.recorders: list = []
        self.capture_variables = 0  # > 0: ops reading a Variable go to the symbolic handler
        self.value_ops = 0  # calls of ops that may look at values (jit=False) so far


_local = _Local()
_symbolic_handler: Callable | None = None
# Set by xlaflow.autodiff.chain: pending_hook(op, flat_inputs, arrays, statics) records an
# eager op on gradients not computed yet into their program (None: run it now).
pending_hook: Callable | None = None


def register_symbolic_handler(handler: Callable | None) -> None:
    """Installs the function that builds graph nodes for symbolic inputs.

    ``handler(op, tensor_args, statics)`` receives the op, the tensor arguments as
    passed (a dict, lists kept as lists) and the static arguments, plus ``name=`` as a
    keyword when the caller gave one. It is called when an input (or a static argument)
    is symbolic, and also when
    an input is a Variable inside :func:`variables_captured` (a graph being
    built explicitly: TF1 ops on Variables become nodes).
    """
    global _symbolic_handler
    _symbolic_handler = handler


@contextlib.contextmanager
def variables_captured(on: bool = True) -> Iterator[None]:
    """A block (on this thread) in which an op with a Variable input is handed to the
    symbolic handler too (``with graph.as_default()`` in the graph front end), or, with
    ``on=False``, is not (a graph being run). Code traced inside it (a compiled
    function's state scope) computes as usual."""
    saved, _local.capture_variables = _local.capture_variables, int(on)
    try:
        yield
    finally:
        _local.capture_variables = saved


def _captures(x: Any) -> bool:
    return is_symbolic(x) or (isinstance(x, TensorLike) and not isinstance(x, Tensor))


def push_recorder(recorder: Any) -> None:
    """Activates ``recorder``: its ``record(op, inputs, arrays, statics, outputs)`` is
    called after every op runs on this thread, until :func:`pop_recorder`."""
    _local.recorders.append(recorder)


def pop_recorder(recorder: Any) -> None:
    if _local.recorders and _local.recorders[-1] is recorder:
        _local.recorders.pop()
    else:
        _local.recorders.remove(recorder)


@contextlib.contextmanager
def recorders_paused() -> Iterator[None]:
    """No recorder sees the ops run inside this block (on this thread)."""
    saved, _local.recorders = _local.recorders, []
    try:
        yield
    finally:
        _local.recorders = saved


def active_recorders() -> list:
    return list(_local.recorders)


def is_symbolic(value: Any) -> bool:
    return getattr(value, "_xf_symbolic", False) is True


def has_symbolic(value: Any) -> bool:
    """Whether ``value`` is, or is a list/tuple holding, a symbolic tensor (a static
    argument computed by a graph, such as ``reshape(x, [tf.shape(x)[0], -1])``)."""
    if isinstance(value, (list, tuple)):
        return any(has_symbolic(v) for v in value)
    return is_symbolic(value)


def static_value(value: Any, op: str, arg: str) -> Any:
    """``value`` with every tensor inside turned into Python numbers or NumPy arrays."""
    if isinstance(value, _ARRAYS):
        arr = value._read() if isinstance(value, TensorLike) else value
        if isinstance(arr, jax.core.Tracer):
            raise TypeError(
                f"{op}: argument `{arg}` must be known when the op is traced (a Python "
                f"value or a concrete tensor). Received: a traced tensor of shape {tuple(arr.shape)}. "
                "Shapes are static in xlaflow: use x.shape instead of xlaflow.shape(x) here."
            )
        arr = np.asarray(arr)
        return arr.item() if arr.ndim == 0 else arr.tolist()
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)) and any(isinstance(v, (*_ARRAYS, np.generic, np.ndarray, list, tuple)) for v in value):
        return type(value)(static_value(v, op, arg) for v in value) if type(value) in (list, tuple) else [static_value(v, op, arg) for v in value]
    return value


def _typed(value: Any) -> bool:
    return isinstance(value, _ARRAYS) or is_symbolic(value)


def _convert_group(op: Op, bound: dict) -> bool:
    """Gives all tensors of ``op.same_dtype`` one dtype, or raises a clear error.

    Returns whether the group has a typed member; a lone Python scalar argument is
    then left as it is, so JAX treats it as weakly typed (``2.0 * half`` stays half).
    """
    dtype = None
    owner = None
    for p in op.same_dtype:
        v = bound[p]
        is_list = p in op.lists and isinstance(v, (list, tuple))
        for i, item in enumerate(v if is_list else (v,)):
            if _typed(item):
                d = _np_dtype(item)
                where = f"{p}[{i}]" if is_list else p
                if dtype is None:
                    dtype, owner = d, where
                elif d != dtype:
                    raise errors.InvalidArgumentError(
                        f"{op.label}: arguments `{owner}` and `{where}` must have the same dtype. "
                        f"Received: {owner}.dtype={_dname(dtype)}, {where}.dtype={_dname(d)}. "
                        "Use xlaflow.cast to convert one of them."
                    )
    if dtype is None:
        return False
    for p in op.same_dtype:
        v = bound[p]
        if p in op.lists and isinstance(v, (list, tuple)):
            bound[p] = [x if _typed(x) or x is None else _hint(x, dtype, op, p) for x in v]
        elif _typed(v) or v is None:
            continue
        elif not _is_py_scalar(v) or not _stays_weak(v, dtype):
            bound[p] = _hint(v, dtype, op, p)
    return True


def _np_dtype(item: Any) -> np.dtype:
    if isinstance(item, TensorLike):
        return item._aval().dtype
    d = item.dtype
    return np.dtype(getattr(d, "as_numpy_dtype", d))


def _dname(d: Any) -> str:
    return dtypes.as_dtype(d).name


def _is_py_scalar(value: Any) -> bool:
    # NumPy scalars (np.float64 subclasses float) carry a dtype of their own: not weak.
    return isinstance(value, _PY_SCALARS) and not isinstance(value, np.generic)


def _stays_weak(value: Any, dtype: Any) -> bool:
    """Whether a Python scalar can join a group of ``dtype`` as a weakly typed value
    without changing the group's dtype or wrapping around (TF converts it to ``dtype``:
    ``int32 + 1.0`` is int32, ``int32 + 1.5`` and ``int8 + 300`` are errors)."""
    d = dtypes.as_dtype(dtype)
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        if d.is_integer:
            return int(d.min) <= value <= int(d.max)
        return not d.is_bool
    if isinstance(value, float):
        return d.is_floating or d.is_complex
    return d.is_complex


def _hint(value: Any, dtype: Any, op: Op, arg: str) -> Any:
    """``value`` converted to the group's ``dtype`` (TypeError/ValueError if it cannot be)."""
    return convert.to_array(value, dtype, op=op.label, arg=arg, host=op.jit)


def _is_deferred(x: Any) -> bool:
    return getattr(x, "_deferred", False) and x._filled is None


def _to_arrays(op: Op, bound: dict, weak_ok: bool, flat_inputs: list, keep_deferred: bool = False) -> dict:
    """The arrays of the tensor arguments; with ``keep_deferred``, a not-yet-computed
    (lazy) tensor stays as it is, for a recorder that defers the op too, and host
    data of any size stays on the host (the deferred program takes it directly)."""
    arrays = {}
    for p in op.tensors:
        v = bound[p]
        if p in op.lists:
            if isinstance(v, TensorLike) or isinstance(v, (np.ndarray, jax.Array)):
                v = [v[i] for i in range(len(v))]
            elif not isinstance(v, (list, tuple)):
                raise TypeError(f"{op.label}: argument `{p}` must be a list of tensors. Received: {v!r:.200}")
            flat_inputs.extend(v)
            arrays[p] = [None if x is None else x if keep_deferred and _is_deferred(x) else convert.to_array(x, op=op.label, arg=p, host=op.jit, any_size=keep_deferred) for x in v]
            continue
        flat_inputs.append(v)
        if v is None:
            arrays[p] = None
        elif keep_deferred and _is_deferred(v):
            arrays[p] = v
        elif weak_ok and isinstance(v, _PY_SCALARS) and p in op.same_dtype:
            arrays[p] = v
        else:
            arrays[p] = convert.to_array(v, op=op.label, arg=p, host=op.jit, any_size=keep_deferred)
    return arrays


def _all_small_constants(arrays: dict) -> bool:
    """True when every input is a small concrete array: then the op runs at trace
    time too (shape arithmetic stays static inside compiled code)."""
    seen = False
    for v in arrays.values():
        for a in v if isinstance(v, list) else (v,):
            if a is None or isinstance(a, _PY_SCALARS):
                continue
            if isinstance(a, jax.core.Tracer) or a.size > convert.CONST_LIMIT:
                return False
            seen = True
    return seen


def _wrap(out: Any) -> Any:
    if isinstance(out, (jax.Array, jax.core.Tracer)):
        return Tensor._wrap(out)
    if isinstance(out, tuple) and hasattr(out, "_fields"):
        return type(out)(*(_wrap(o) for o in out))
    if isinstance(out, (tuple, list)):
        return type(out)(_wrap(o) for o in out)
    return out


_host_handler: Callable | None = None


def register_host_handler(handler: Callable | None) -> None:
    """Installs ``handler(op, args, kwargs)``, which runs an op whose inputs hold host
    values XLA cannot take (string tensors: :mod:`xlaflow.ops.string_ops`)."""
    global _host_handler
    _host_handler = handler


def call(op: Op, args: tuple, kwargs: dict) -> Any:
    try:
        return _call(op, args, kwargs)
    except StringValueError:  # raised while converting the inputs, before anything ran
        if _host_handler is None:
            raise
        return _host_handler(op, args, kwargs)


def _call(op: Op, args: tuple, kwargs: dict) -> Any:
    bound = op.bind(args, kwargs)
    statics = {k: v for k, v in bound.items() if k not in op.tensors}
    symbolic_static = False
    for k, v in statics.items():
        if v is not None and not isinstance(v, (str, bool, int, float)) and not callable(v):
            statics[k] = static_value(v, op.label, k)
            symbolic_static = symbolic_static or has_symbolic(v)
    weak_ok = _convert_group(op, bound) if op.same_dtype else False
    tensors = {k: bound[k] for k in op.tensors}
    if symbolic_static or any(is_symbolic(x) for x in _iter_inputs(op, tensors)) or (
            _local.capture_variables and not state.tracing() and any(_captures(x) for x in _iter_inputs(op, tensors))):
        if _symbolic_handler is None:
            raise TypeError(f"{op.label}: symbolic inputs need the graph front end (import xlaflow first).")
        name = kwargs.get("name", args[-1] if len(args) == len(op.params) + 1 else None)
        return _symbolic_handler(op, tensors, statics, **({"name": name} if name is not None else {}))
    flat_inputs: list = []
    recorders = _local.recorders
    defer = getattr(recorders[0], "defer", None) if op.jit and len(recorders) == 1 else None
    if defer is None and not recorders and op.jit and pending_hook is not None and any(
            _is_deferred(x) for x in _iter_inputs(op, tensors)):
        defer = pending_hook
    arrays = _to_arrays(op, bound, weak_ok, flat_inputs, keep_deferred=defer is not None)
    if defer is not None:
        deferred = defer(op, flat_inputs, arrays, statics)
        if deferred is not None:
            return deferred
        arrays = {k: ([x._value if _is_deferred(x) else x for x in v] if isinstance(v, list) else v._value if _is_deferred(v) else v)
                  for k, v in arrays.items()}
    if op.check is not None:
        op.check(**{k: ([x._value if _is_deferred(x) else x for x in v] if isinstance(v, list) else v._value if _is_deferred(v) else v)
                    for k, v in arrays.items()}, **statics)
    try:
        if _all_small_constants(arrays):
            with capture.evaluating():
                out = op.impl(**arrays, **statics)
        elif op.jit:
            out = op.compiled(statics)(**arrays)
        else:
            _local.value_ops += 1
            out = op.impl(**arrays, **statics)
    except errors.OpError:
        raise
    except (TypeError, ValueError, IndexError) as e:
        if isinstance(e, jax.errors.ConcretizationTypeError) or type(e).__module__.startswith("xlaflow") or _raised_by_xlaflow(e):
            raise
        raise errors.InvalidArgumentError(f"{op.label}: {e}") from None
    result = _wrap(out)
    if _local.recorders:
        for r in list(_local.recorders):
            r.record(op, flat_inputs, arrays, statics, result)
    return result


def _raised_by_xlaflow(e: BaseException) -> bool:
    """Whether ``e`` was raised by xlaflow code itself (a deliberate, already
    well-worded error such as an op's TypeError for a bad dtype), not deep in JAX."""
    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and str(tb.tb_frame.f_globals.get("__name__", "")).startswith("xlaflow")


def _iter_inputs(op: Op, tensors: dict) -> Iterable:
    for p, v in tensors.items():
        if p in op.lists and isinstance(v, (list, tuple)):
            yield from v
        else:
            yield v


def op(name: str, *, tensors: Sequence[str] = ("x",), lists: Sequence[str] = (), same_dtype: Sequence[str] = (),
       jit: bool = True, check: Callable | None = None) -> Callable:
    """Declares a pure JAX function as an xlaflow op (see the module docstring).

    Args:
      name: TF's op name, shown in recorded programs (error messages use the
        implementation's own name, which is the public one).
      tensors: parameters that receive tensors (converted to arrays).
      lists: which of ``tensors`` receive a list of tensors (``None`` entries kept).
      same_dtype: parameters whose tensors must share one dtype.
      jit: run the implementation compiled (one XLA program per op, static arguments
        and shapes: much faster eagerly than op-by-op ``jax.numpy``). Ops whose eager
        behaviour depends on input *values* (bounds checks on indices, masks, label
        ranges) pass ``jit=False`` so that they can look at those values.
      check: ``check(**arguments)`` with the implementation's signature: TF's
        run-time checks on the values (a label or index out of range), written with
        :func:`xlaflow.engine.checks.check`. It runs before the implementation, on
        concrete values eagerly (raising at once) and on traced values in a compiled
        program (an error flag the engine raises after the dispatch).
    """

    def decorate(impl: Callable) -> Callable:
        o = Op(name, impl, tensors, lists, same_dtype, jit, check)

        @functools.wraps(impl)
        def api(*args: Any, **kwargs: Any) -> Any:
            return call(o, args, kwargs)

        api.op = o  # type: ignore[attr-defined]
        return api

    return decorate
