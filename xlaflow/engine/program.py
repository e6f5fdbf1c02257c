"""``Program``: Python over Variables, traced once per key into one XLA program.

Every front end that runs user Python compiled — ``@function``, ``Session.run``,
the Keras train/test/predict steps, eager ``apply_gradients`` — hands it here as a
*build* function and a key. The stages:

1. **trace** (:mod:`xlaflow.engine.capture`): the Python runs once, with Tensors
   standing for the array inputs; the Variables it reads become inputs of the
   program as they are met, the ones it writes become outputs too. Checks it makes
   (:mod:`xlaflow.engine.checks`) become flag outputs. Variables may be created on
   a program's first trace only, as in TensorFlow.
2. **compile** (:func:`xlaflow.engine.compiler.jit`): one jitted function per
   *structure* — the traced program's text and input types — shared by every
   Program that traces to it: a second model of the same architecture, or a model
   rebuilt in a cross-validation loop, compiles nothing. With ``steps=K`` the step
   runs ``K`` times in one dispatch (``lax.scan`` over the leading axis of the
   ``scanned`` inputs), returning the last step's outputs or all of them stacked.
3. **run**: written Variables' buffers are donated (copied first when something
   else still holds them), the program runs, the new values are stored back, and a
   failing check raises its TensorFlow error. A program with checks keeps every
   written value as it was when a check fails — the step is not half-applied, and
   its step counter does not move.

Under a recording ``GradientTape`` the program runs as one recorded op (no
donation), so the tape can differentiate through it. A front end called while
another program is being traced runs its Python inline instead (the caller checks
:func:`inside_trace`).
"""

from __future__ import annotations

import collections
import sys
from typing import Any, Callable, Sequence

import jax
import jax.numpy as jnp

from xlaflow._core import state
from xlaflow._core.keys import aval_key, freeze
from xlaflow.engine import cache, capture, checks, compiler, sharding
from xlaflow.engine.errors import translated
from xlaflow.ops import dispatch
from xlaflow.ops.tensor import Tensor, TensorLike

MAX_ENTRIES = 64  # compiled variants kept per Program (shapes, step counts)


def owned(value: Any) -> Any:
    """``value`` if nothing but one Variable holds it, else a copy (safe to donate).

    Call it as ``owned(var._storage)``: then the references are the Variable's slot,
    this frame's argument and ``getrefcount``'s own.
    """
    return value if sys.getrefcount(value) <= 3 else jax.device_put(value, may_alias=False)  # a copy, no compile


def inside_trace() -> bool:
    """Whether a program (or any state scope) is active: front ends then run inline."""
    return state.current() is not None


class Program:
    """One front end's compiled Python (see the module docstring).

    Args:
      name: shown in profiles, retrace warnings and errors.
      what: how retrace warnings name it (default ``name``).
      family: what retrace warnings count traces of (default: this Program); front
        ends that make one Program per shape pass a shared family.
    """

    def __init__(self, name: str, what: str | None = None, family: Any = None):
        self.name = name
        self.what = what or name
        self._entries: "collections.OrderedDict[Any, Executable]" = collections.OrderedDict()
        self.traces = 0
        self._family = family if family is not None else ("program", id(self))

    def run(self, key: Any, arrays: list, build: Callable[[list], tuple[list, Any]], *, steps: int | None = None,
            scanned: Sequence[bool] | None = None, collect: bool = False,
            describe: Callable[[], dict] | None = None) -> tuple[list, Any]:
        """Runs the program for ``key`` on ``arrays``, tracing and compiling it first if new.

        Args:
          key: the front end's cache key for this call (static arguments, structure);
            the arrays' shapes and dtypes are added here.
          arrays: the dynamic inputs (device or host arrays).
          build: ``build(tensors) -> (flat outputs, extra)``, the Python to trace; it
            receives one Tensor per array (per-step slices for scanned ones).
          steps: run ``steps`` steps in one dispatch over the leading axis of the
            ``scanned`` arrays (None: one step, nothing scanned).
          scanned: per array, whether it has the leading steps axis.
          collect: with ``steps``, return every step's outputs stacked.
          describe: ``() -> {argument: description}`` for retrace warnings.

        Returns:
          the flat outputs (arrays) and the ``extra`` the trace returned.
        """
        full = (key, tuple(map(aval_key, arrays)), steps, collect)
        entry = self._entries.get(full)
        if entry is None:
            entry = self._compile(full, arrays, build, steps, scanned, collect, describe)
        return entry(arrays), entry.extra

    def invalidate(self) -> None:
        """Drops every compiled variant (the Python changed meaning, e.g. a recompile)."""
        self._entries.clear()

    def _compile(self, full: Any, arrays: list, build: Callable, steps: int | None, scanned: Sequence[bool] | None,
                 collect: bool, describe: Callable[[], dict] | None) -> "Executable":
        scanned = tuple(scanned) if scanned is not None else (False,) * len(arrays)
        avals = [_aval(a, steps is not None and s) for a, s in zip(arrays, scanned)]
        cache.note_trace(self._family, describe or (lambda: _describe(arrays)), self.what, stacklevel=5)
        traced, meta = self._trace(build, avals, arrays, scanned)
        self.traces += 1
        entry = Executable(traced, meta, steps, scanned, collect, self.name)
        self._entries[full] = entry
        if len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return entry

    def _trace(self, build: Callable, avals: list, arrays: list, scanned: tuple) -> tuple:
        collector = checks.Collector()

        def fn(tracers: list) -> tuple:
            with checks.collecting(collector), dispatch.recorders_paused():
                outs, extra = build([Tensor._wrap(t) for t in tracers])
            return [*outs, *collector.flags, *collector.payloads], (extra, len(outs))

        def on_start(owns: Any, at_top: Any) -> None:
            collector.owns, collector.at_top = owns, at_top

        try:
            return capture.trace(fn, avals, creating=self.traces == 0, name=self.name, on_start=on_start), collector.meta
        except state.TracedInitialValue:
            # A Variable created on the first trace from a traced value: run the Python
            # eagerly once to create it (TensorFlow traces twice in this case too).
            if self.traces:
                raise
            one = [a[0] if s else a for a, s in zip(arrays, scanned)] if any(scanned) else arrays
            with state.state_scope(state.StateScope(discovering=True)), dispatch.recorders_paused():
                build([Tensor._wrap(jnp.asarray(a)) for a in one])
            collector = checks.Collector()
            return capture.trace(fn, avals, creating=False, name=self.name, on_start=on_start), collector.meta


def _aval(a: Any, scanned: bool) -> jax.ShapeDtypeStruct:
    if isinstance(a, (bool, int, float, complex)):
        a = jnp.asarray(a)
    shape = tuple(a.shape)[1:] if scanned else tuple(a.shape)
    return jax.ShapeDtypeStruct(shape, a.dtype, weak_type=bool(getattr(a, "weak_type", False)))


def _describe(arrays: list) -> dict:
    return {f"input {i}": ("array", [f"shape={tuple(getattr(a, 'shape', ()))}", f"dtype={getattr(a, 'dtype', type(a).__name__)}"])
            for i, a in enumerate(arrays)}


class Executable:
    """One compiled variant of a :class:`Program`: fixed variables, shapes and steps."""

    def __init__(self, traced: capture.Traced, meta: list, steps: int | None, scanned: tuple, collect: bool, name: str):
        extra, n_out = traced.extra
        self.extra = extra
        self.name = name
        written_pos = {id(v): i for i, v in enumerate(traced.written)}
        self.written = list(traced.written)
        self.read_only = [v for v in traced.variables if id(v) not in written_pos]
        read_pos = {id(v): i for i, v in enumerate(self.read_only)}
        order = tuple((True, written_pos[id(v)]) if id(v) in written_pos else (False, read_pos[id(v)]) for v in traced.variables)
        self.consts = traced.consts
        self.meta = meta
        n_flags = len(meta)
        n_payloads = sum(m.n_payload for m in meta)
        key = ("program", traced.structure_key(), order, n_out, n_flags, steps, scanned, collect)
        if any(m.error is None for m in meta):  # pragma: no cover - defensive
            raise AssertionError("a check without an error class")
        shards = sharding.program_shardings(self)
        self._pure = _pure(traced, order, n_out, n_flags, n_payloads, steps, scanned, collect)
        self.jitted = cache.cached(key + (shards,), lambda: compiler.jit(self._pure, donate_argnums=(0,),
                                                                       **(shards or {})))
        self._op: Any = None

    def __call__(self, arrays: list) -> list:
        written_vals = [owned(state.storage(v)) for v in self.written]
        read_vals = [state.storage(v) for v in self.read_only]
        if dispatch._local.recorders:
            outs, new, flags, payloads = self._recorded(written_vals, read_vals, arrays)
        else:
            with translated(self.name):
                outs, new, flags, payloads = self.jitted(written_vals, read_vals, self.consts, arrays)
        for v, value in zip(self.written, new):
            state.store(v, value)
        if self.meta:
            checks.raise_failed(self.meta, flags, payloads)
        return outs

    def _recorded(self, written_vals: list, read_vals: list, arrays: list) -> tuple:
        """Runs as one op (no donation: the tape keeps its inputs), so tapes record it."""
        n_out = n_new = None
        if self._op is None:
            pure = self._pure

            def call_program(written, read, consts, args):
                outs, new, flags, payloads = pure(written, read, consts, args)
                return [*outs, *new, *flags, *payloads]

            self._op = dispatch.Op("PartitionedCall", call_program, ("written", "read", "consts", "args"),
                                   ("written", "read", "consts", "args"), (), jit=False)
        flat = dispatch.call(self._op, (list(self.written), list(self.read_only), list(self.consts),
                                        [Tensor._wrap(jnp.asarray(a)) for a in arrays]), {})
        values = [t._value for t in flat]
        n_new = len(self.written)
        n_checks = len(self.meta) + sum(m.n_payload for m in self.meta)
        n_out = len(values) - n_new - n_checks
        outs = list(flat[:n_out])
        new = values[n_out:n_out + n_new]
        flags = values[n_out + n_new:n_out + n_new + len(self.meta)]
        payloads = values[n_out + n_new + len(self.meta):]
        return outs, new, flags, payloads


def _pure(traced: capture.Traced, order: tuple, n_out: int, n_flags: int, n_payloads: int, steps: int | None,
          scanned: tuple, collect: bool) -> Callable:
    """``pure(written, read, consts, args) -> (outputs, new written, flags, payloads)``."""

    def one(consts: list, args: list, written: list, read: list) -> tuple:
        var_values = [written[i] if w else read[i] for w, i in order]
        res = traced.evaluate(consts, args, var_values)
        k = n_out + n_flags + n_payloads
        outs, flags, payloads, new = res[:n_out], res[n_out:n_out + n_flags], res[n_out + n_flags:k], res[k:]
        if n_flags:  # a failing check keeps every written value as it was
            bad = jnp.any(jnp.stack(flags))
            new = [jnp.where(bad, old, value) for old, value in zip(written, new)]
        return list(outs), list(new), list(flags), list(payloads)

    if steps is None:
        def pure(written, read, consts, args):
            return one(consts, args, written, read)
        return pure

    def pure(written, read, consts, args):  # noqa: F811 - the multi-step variant
        per_step = [a for a, s in zip(args, scanned) if s]
        shared = [a for a, s in zip(args, scanned) if not s]

        def merge(xs: list) -> list:
            it_x, it_s = iter(xs), iter(shared)
            return [next(it_x) if s else next(it_s) for s in scanned]

        def body(carry, xs):
            w, failed, first_flags, first_payloads = carry
            outs, new, flags, payloads = one(consts, merge(xs), w, read)
            if n_flags:
                new = [jnp.where(failed, old, value) for old, value in zip(w, new)]
                first_flags = [jnp.where(failed, a, b) for a, b in zip(first_flags, flags)]
                first_payloads = [jnp.where(failed, a, b) for a, b in zip(first_payloads, payloads)]
                failed = failed | jnp.any(jnp.stack(flags))
            return (new, failed, first_flags, first_payloads), outs

        init = (list(written), jnp.asarray(False), [jnp.asarray(False)] * n_flags, [jnp.asarray(0, jnp.int32)] * n_payloads)
        (new, _, flags, payloads), outs = jax.lax.scan(body, init, per_step, length=steps)
        outs = outs if collect else [o[-1] for o in outs]
        return list(outs), list(new), list(flags), list(payloads)

    return pure


class StatefulProgram:
    """A step ``fn(per_step, shared, **statics)`` over pytrees, run as a :class:`Program`.

    ``run(per_step, shared)`` runs one step; ``run(..., steps=K)`` runs ``K`` steps in
    one dispatch, scanning ``per_step``'s leaves over their leading axis (``shared``
    arrays, e.g. a whole device-resident dataset, go to every step); only the last
    step's outputs come back, or all of them stacked with ``collect=True``. Called
    while another program is traced, the step runs inline. ``statics`` are Python
    values (part of the cache key), and so is ``version()`` (what else the step's
    Python bakes in and may change between calls: an optimizer's hyperparameters).
    """

    def __init__(self, fn: Callable, name: str = "step", version: Callable[[], Any] | None = None):
        self._fn = fn
        self.name = name
        self.program = Program(name)
        self._version = version  # () -> what else the Python bakes in (an optimizer's hyperparameters)

    @property
    def compiles(self) -> int:
        return self.program.traces

    def run(self, per_step: Any, shared: Any = None, steps: int | None = None, collect: bool = False,
            **statics: Any) -> Any:
        if inside_trace():
            if steps is not None:
                raise ValueError(f"{self.name}: multi-step execution cannot run inside a traced function")
            return self._fn(_tensors(per_step), _tensors(shared), **statics)
        leaves, treedef = jax.tree_util.tree_flatten((per_step, shared), is_leaf=_is_tensor)
        n_per = len(jax.tree_util.tree_leaves(per_step, is_leaf=_is_tensor))
        arrays = [x._read() if isinstance(x, TensorLike) else x for x in leaves]
        fn = self._fn

        def build(tensors: list) -> tuple[list, Any]:
            ps, sh = jax.tree_util.tree_unflatten(treedef, tensors)
            out = jax.tree_util.tree_map(_read, fn(ps, sh, **statics), is_leaf=_is_tensor)
            flat, out_tree = jax.tree_util.tree_flatten(out)
            return flat, out_tree

        scanned = [i < n_per for i in range(len(arrays))] if steps is not None else None
        version = self._version() if self._version is not None else None
        flat, out_tree = self.program.run((treedef, freeze(statics) if statics else (), version), arrays, build, steps=steps,
                                          scanned=scanned, collect=collect,
                                          describe=lambda: _describe_rows(arrays, n_per, steps, statics))
        return jax.tree_util.tree_unflatten(out_tree, flat)

    def invalidate(self) -> None:
        self.program.invalidate()


def _describe_rows(arrays: list, n_per: int, steps: int | None, statics: dict) -> dict:
    """What a step's retrace warning compares: each input's dtype and shape without its
    row (and step) axes — batch sizes are bucketed on purpose — and the statics."""
    out = {}
    for i, a in enumerate(arrays):
        skip = 2 if steps is not None and i < n_per else 1
        out[f"input {i}"] = ("array", [f"dtype={getattr(a, 'dtype', type(a).__name__)}", f"row shape={tuple(getattr(a, 'shape', ()))[skip:]}"])
    out.update({k: ("value", [repr(v)]) for k, v in statics.items()})
    return out


def _is_tensor(x: Any) -> bool:
    return isinstance(x, TensorLike)


def _read(x: Any) -> Any:
    return x._read() if isinstance(x, TensorLike) else x


def _tensors(tree: Any) -> Any:
    return jax.tree_util.tree_map(lambda a: None if a is None else a if isinstance(a, TensorLike) else Tensor._wrap(a),
                                  tree, is_leaf=_is_tensor)
