"""``GradientTape``: records ops eagerly; ``gradient`` replays them under ``jax.vjp``.

While a tape is active it is a recorder of :mod:`xlaflow.ops.dispatch`: every op
whose inputs depend on a watched value (a watched tensor, a trainable Variable read
inside the tape, or an earlier recorded output) is appended as a
:class:`~xlaflow.autodiff.program.Record`. ``gradient`` slices out the records between
the sources and the target, and runs the cached, compiled vector-Jacobian product of
that program (see :mod:`xlaflow.autodiff.program`): a loop that records the same
program each step compiles once.

``gradient`` itself runs as an op, so an outer tape records it and can differentiate
the gradient again (second order).
"""

from __future__ import annotations

import sys
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.autodiff import program as prog
from xlaflow.autodiff import lazy, pending
from xlaflow._core import state
from xlaflow.autodiff.lazy import LazyTensor
from xlaflow.engine.cache import cached
from xlaflow.ops import dispatch
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.ops.variable import Variable

_DIFFERENTIABLE: dict = {}  # dtype -> whether gradients flow through it


def _differentiable(value: Any) -> bool:
    dt = value._aval().dtype if isinstance(value, TensorLike) else value.dtype
    known = _DIFFERENTIABLE.get(dt)
    if known is None:
        d = np.dtype(getattr(dt, "as_numpy_dtype", dt))
        known = _DIFFERENTIABLE[dt] = d.kind in "fc" or d == np.dtype(jnp.bfloat16)
    return known


def _flatten(structure: Any) -> tuple[list, Any]:
    if type(structure) is list and all(isinstance(x, TensorLike) for x in structure):
        return list(structure), _list_treedef(len(structure))  # the common case, without a tree walk
    return jax.tree_util.tree_flatten(structure, is_leaf=lambda x: x is None or isinstance(x, (TensorLike,)) or dispatch.is_symbolic(x))


_TREEDEFS: dict = {}
_ONES: dict = {}


def _list_treedef(n: int) -> Any:
    treedef = _TREEDEFS.get(n)
    if treedef is None:
        treedef = _TREEDEFS[n] = jax.tree_util.tree_structure([0] * n)
    return treedef


def _ones(aval: Any) -> Any:
    """The default output gradient: ones of the target's shape (one device array, reused)."""
    key = (tuple(aval.shape), aval.dtype)
    ones = _ONES.get(key)
    if ones is None:
        with jax.ensure_compile_time_eval():  # a concrete array even while a function is traced
            ones = _ONES[key] = jnp.ones(key[0], key[1])
        if len(_ONES) > 256:
            _ONES.pop(next(iter(_ONES)))
    return ones


class GradientTape:
    """Records operations for automatic differentiation (TF's ``tf.GradientTape``).

    Args:
      persistent: allow more than one ``gradient``/``jacobian`` call.
      watch_accessed_variables: watch every trainable Variable read while recording.

    Example::

        x = tf.Variable(3.0)
        with tf.GradientTape() as tape:
            y = x * x
        tape.gradient(y, x)  # 6.0
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._recording = False
        self._used = False
        self.reset()

    # -- recording -------------------------------------------------------------------
    def __enter__(self) -> "GradientTape":
        self._push()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._recording:
            self._pop()

    def _push(self) -> None:
        if self._recording:
            raise ValueError("GradientTape: this tape is already recording (nested `with` of the same tape).")
        dispatch.push_recorder(self)
        self._recording = True

    def _pop(self) -> None:
        dispatch.pop_recorder(self)
        self._recording = False

    def reset(self) -> None:
        """Forgets everything recorded so far (the tape stays active if it was)."""
        if getattr(self, "_records", None):
            self._force()
        self._records: list[prog.Record] = []
        self._producer: dict[int, tuple[int, int]] = {}  # id(Tensor) -> (record, output)
        self._watched: dict[int, Any] = {}  # id -> watched Tensor or Variable
        self._keep: list = []  # keeps watched/produced objects alive so ids stay valid
        self._runs: list = []  # gradient runs not executed yet (see autodiff.pending)

    def watch(self, tensor: Any) -> None:
        """Makes the tape track ``tensor`` (a Tensor, Variable, or a nested structure)."""
        for t in _flatten(tensor)[0]:
            if t is None:
                continue
            if not isinstance(t, TensorLike):
                raise TypeError(
                    f"GradientTape.watch: argument `tensor` must hold Tensors or Variables. Received: {type(t).__name__}"
                )
            if _differentiable(t):
                self._watched[id(t)] = t
                self._keep.append(t)

    def watched_variables(self) -> tuple:
        return tuple(v for v in self._watched.values() if isinstance(v, Variable))

    class _Paused:
        def __init__(self, tape: "GradientTape"):
            self.tape = tape

        def __enter__(self) -> None:
            self.was = self.tape._recording
            if self.was:
                self.tape._pop()

        def __exit__(self, *exc: Any) -> None:
            if self.was:
                self.tape._push()

    def stop_recording(self) -> "_Paused":
        """A context in which ops are not recorded (``with tape.stop_recording(): ...``)."""
        return GradientTape._Paused(self)

    def _tracked(self, x: Any) -> bool:
        if isinstance(x, Variable):
            if id(x) in self._watched:
                return True
            if self._watch_accessed and x.trainable and _differentiable(x):
                self._watched[id(x)] = x
                self._keep.append(x)
                return True
            return False
        return isinstance(x, Tensor) and (id(x) in self._producer or id(x) in self._watched)

    def record(self, op: Any, flat_inputs: list, arrays: dict, statics: dict, result: Any) -> None:
        """Called by dispatch after each op (see :func:`xlaflow.ops.dispatch.push_recorder`)."""
        if not any([self._tracked(x) for x in flat_inputs]):
            return
        flat_arrays: list = []
        in_structure: dict = {}
        for p in op.tensors:
            v = arrays[p]
            if isinstance(v, list):
                in_structure[p] = len(v)
                flat_arrays.extend(v)
            else:
                in_structure[p] = None
                flat_arrays.append(v)
        leaves, treedef = jax.tree_util.tree_flatten(result, is_leaf=lambda v: isinstance(v, Tensor))
        outputs = [leaf if isinstance(leaf, Tensor) else None for leaf in leaves]
        self.append(prog.Record(op, statics, self.origins(flat_inputs, flat_arrays), in_structure, outputs, treedef))

    def origins(self, flat_inputs: list, flat_arrays: list) -> list:
        """Where each input of an op being recorded comes from: an earlier record's
        output, a watched source (with the value read now) or a constant."""
        inputs = []
        producer, watched = self._producer, self._watched
        for x, a in zip(flat_inputs, flat_arrays):
            if a is None:
                inputs.append(None)
            elif id(x) in producer and isinstance(x, Tensor):
                inputs.append(("op",) + producer[id(x)])
            elif id(x) in watched and isinstance(x, TensorLike):
                inputs.append(("src", x, a))
            else:
                inputs.append(("const", a, x if isinstance(x, TensorLike) else None))
        return inputs

    def append(self, record: prog.Record) -> None:
        """Adds ``record``; its Tensor outputs become trackable inputs of later ops."""
        index = len(self._records)
        for j, leaf in enumerate(record.outputs):
            if leaf is not None:
                self._producer[id(leaf)] = (index, j)
                self._keep.append(leaf)
        self._records.append(record)

    def defer(self, op: Any, flat_inputs: list, arrays: dict, statics: dict) -> Any:
        """Records ``op`` without running it and returns lazy outputs, or None to let
        dispatch run it now (see :mod:`xlaflow.autodiff.lazy`)."""
        return lazy.defer(self, op, flat_inputs, arrays, statics)

    def _force(self, needed: Any = None) -> None:
        """Computes pending lazy outputs: the latest pending gradient run first (it
        computes the held ones anyway); if ``needed`` is still pending after it (or no
        ``needed`` is named), every pending output in one compiled forward program."""
        for run in reversed(self._runs):
            if not run.done:
                run.execute()
                break
        self._runs = [r for r in self._runs if not r.done]
        if needed is not None and not needed.pending:
            return  # the outputs only this tape holds wait until something reads them
        lazy.force(self)

    # -- differentiation -------------------------------------------------------------
    def _check_usable(self, what: str) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                f"GradientTape.{what}: a non-persistent GradientTape can only be used to compute "
                "one set of gradients (or jacobians). Create it with persistent=True to call it again."
            )
        self._used = True

    def _program(self, targets: list, sources: list) -> tuple[prog.Program | None, list, list]:
        """The program from ``sources`` to ``targets``; also the source slots' values and
        the source index each slot belongs to (a Variable read twice fills two slots)."""
        source_index = {id(s): k for k, s in enumerate(sources) if s is not None}
        # A source that is an output of a recorded op gets a zero "perturbation" slot
        # added to that output: its cotangent is the gradient with respect to it, and
        # gradients still flow through it to earlier sources.
        inner = {self._producer[id(s)]: k for k, s in enumerate(sources) if s is not None and id(s) in self._producer}
        target_origins = [self._producer.get(id(t)) if isinstance(t, Tensor) else None for t in targets]
        needed: set[int] = set()
        stack = [o[0] for o in target_origins if o is not None]
        while stack:
            i = stack.pop()
            if i in needed:
                continue
            needed.add(i)
            for inp in self._records[i].inputs:
                if inp is not None and inp[0] == "op":
                    stack.append(inp[1])
        order = sorted(needed)
        position = {i: n for n, i in enumerate(order)}
        slots: list = []  # values of source reads
        slot_owner: list[int] = []
        slot_objects: list = []
        constants: list = []
        const_objects: list = []

        def slot(value: Any, owner: int, obj: Any) -> tuple:
            slots.append(value)
            slot_owner.append(owner)
            slot_objects.append(obj)
            return ("src", len(slots) - 1)

        perturb = {}
        for (i, j), k in inner.items():
            if i in position:
                perturb[(position[i], j)] = slot(np.zeros(sources[k]._aval().shape, sources[k]._aval().dtype), k, None)[1]
        wiring = []
        for i in order:
            rec = self._records[i]
            origins = []
            for inp in rec.inputs:
                if inp is None:
                    origins.append(None)
                elif inp[0] == "op":
                    origins.append(("op", position[inp[1]], inp[2]))
                elif inp[0] == "src" and id(inp[1]) in source_index:
                    origins.append(slot(inp[2], source_index[id(inp[1])], inp[1]))
                else:
                    value, obj = (inp[2], inp[1]) if inp[0] == "src" else (inp[1], inp[2])
                    constants.append(value)
                    const_objects.append(obj)
                    origins.append(("const", len(constants) - 1))
            wiring.append((position[i], origins))
        targets_wired = [("op", position[o[0]], o[1]) for o in target_origins if o is not None]
        if not targets_wired or not slots:
            return None, slots, slot_owner
        program = prog.Program([self._records[i] for i in order], wiring, targets_wired, len(slots), constants, perturb)
        program.slot_objects = slot_objects
        program.const_objects = const_objects
        program.target_index = [n for n, o in enumerate(target_origins) if o is not None]
        return program, slots, slot_owner

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None, unconnected_gradients: Any = "none") -> Any:
        """Gradients of ``target`` (summed over its elements) with respect to ``sources``.

        Args:
          target: a Tensor or nested structure of Tensors to differentiate.
          sources: a Tensor/Variable or nested structure of them.
          output_gradients: per-target upstream gradients (default: ones).
          unconnected_gradients: 'none' (default) returns None for sources the target does
            not depend on; 'zero' returns zeros.

        Returns:
          Gradients with the structure of ``sources``.

        Raises:
          RuntimeError: a non-persistent tape is used a second time.
          ValueError: bad ``unconnected_gradients`` or ``output_gradients``.
        """
        mode = getattr(unconnected_gradients, "value", unconnected_gradients)
        if mode not in ("none", "zero"):
            raise ValueError(
                f"GradientTape.gradient: argument `unconnected_gradients` must be 'none' or 'zero'. Received: {unconnected_gradients!r}"
            )
        self._check_usable("gradient")
        flat_targets, _ = _flatten(target)
        flat_sources, source_tree = _flatten(sources)
        for s in flat_sources:
            if s is not None and not isinstance(s, TensorLike):
                raise TypeError(
                    f"GradientTape.gradient: argument `sources` must hold Tensors or Variables. Received: {type(s).__name__}"
                )
        grads = self._grads(flat_targets, flat_sources, output_gradients)
        if mode == "zero":
            grads = [g if g is not None or s is None else Tensor._wrap(jnp.zeros(s.shape.as_list(), s.dtype.as_numpy_dtype)) for g, s in zip(grads, flat_sources)]
        return jax.tree_util.tree_unflatten(source_tree, grads)

    def _grads(self, flat_targets: list, flat_sources: list, output_gradients: Any) -> list:
        live = [t for t in flat_targets if isinstance(t, Tensor) and _differentiable(t)]
        if output_gradients is None:
            ogs = [None] * len(flat_targets)
        else:
            ogs, _ = _flatten(output_gradients)
            if len(ogs) != len(flat_targets):
                raise ValueError(
                    f"GradientTape.gradient: argument `output_gradients` must have one entry per target "
                    f"({len(flat_targets)}). Received: {len(ogs)} entries"
                )
        cots = [_ones(t._aval()) if g is None else jnp.asarray(g._read() if isinstance(g, TensorLike) else g, t._aval().dtype)
                for t, g in zip(flat_targets, ogs) if isinstance(t, Tensor) and _differentiable(t)]
        return self._differentiate("vjp", live, cots, flat_sources)

    def _differentiate(self, kind: str, targets: list, cots: list | None, flat_sources: list) -> list:
        """Runs the cached compiled program of ``kind`` ('vjp' or 'jac'); one result per source
        (None where unconnected), summing over the slots of a source read more than once.
        An eager 'vjp' may instead return pending gradients (see :mod:`xlaflow.autodiff.pending`)."""
        sources = [s if s is not None and _differentiable(s) else None for s in flat_sources]
        program, slots, owner = self._program(targets, sources)
        if program is None:
            return [None] * len(flat_sources)
        extras: list = []
        if kind == "vjp":
            cots = [cots[n] for n in program.target_index]
            # Forward outputs still pending come out of the same program.
            extras = [("op", pos, j) for pos, rec in enumerate(program.records) for j in range(len(rec.outputs))
                      if _pending_and_held(rec.outputs, j)]
        key = (kind, tuple(extras)) + program.key(slots)

        def execute() -> list:
            return self._execute(kind, key, program, slots, owner, cots, extras, len(flat_sources))

        if kind == "vjp" and key not in _NEEDS_VALUES and _may_wait(program, slots, cots):
            run = pending.GradientRun(execute, program, slots, owner, cots, extras, key, sources)
            self._runs.append(run)
            return run.gradients
        return execute()

    def _execute(self, kind: str, key: tuple, program: prog.Program, slots: list, owner: list, cots: list | None,
                 extras: list, n_sources: int) -> list:
        if kind == "vjp" and state.tracing():
            # Inside a program being traced (a custom train_step, @function): the backward
            # pass joins that program directly, where XLA shares its forward with the
            # recorded ops (a nested compiled call would compute the forward twice).
            return self._inline_vjp(program, slots, owner, cots, extras, n_sources)
        build = (lambda: _gradient_op(prog.vjp_fn(program, extras), True)) if kind == "vjp" else (lambda: _gradient_op(prog.jacobian_fn(program), False))
        if key in _NEEDS_VALUES and program.bake():
            key = (kind, tuple(extras)) + program.key(slots)
        try:
            grads = _run(cached(key, build, family=program.family(kind), describe=lambda: program.describe(slots),
                                what="a GradientTape's recorded program"), program, slots, cots)
        except (TypeError, jax.errors.ConcretizationTypeError):
            # An op on the path needs concrete values (boolean_mask ...): compile its
            # integer/bool constants in, and remember to do so for this program.
            if program.baked or not program.bake():
                raise
            _NEEDS_VALUES.add(key)
            grads = _run(cached((kind, tuple(extras)) + program.key(slots), build), program, slots, cots)
        if extras:
            grads, values = grads[:len(slots)], grads[len(slots):]
            for (_, pos, j), value in zip(extras, values):
                out = program.records[pos].outputs[j]
                if out.pending:
                    out._filled = value._value
        result: list = [None] * n_sources
        for g, k in zip(grads, owner):
            result[k] = g if result[k] is None else result[k] + g
        return result

    def _inline_vjp(self, program: prog.Program, slots: list, owner: list, cots: list, extras: list, n_sources: int) -> list:
        grads = _run(_gradient_op(prog.vjp_pure(program, extras), True), program, slots, cots)
        if extras:
            grads, values = grads[:len(slots)], grads[len(slots):]
            for (_, pos, j), value in zip(extras, values):
                out = program.records[pos].outputs[j]
                if out.pending:
                    out._filled = value._value
        result: list = [None] * n_sources
        for g, k in zip(grads, owner):
            result[k] = g if result[k] is None else result[k] + g
        return result

    def jacobian(self, target: Any, sources: Any, unconnected_gradients: Any = "none", parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Any:
        """The Jacobian of ``target`` with respect to each source: shape target.shape + source.shape."""
        self._check_usable("jacobian")
        if not isinstance(target, Tensor):
            raise TypeError(f"GradientTape.jacobian: argument `target` must be a Tensor. Received: {type(target).__name__}")
        flat_sources, tree = _flatten(sources)
        result = self._jacobians(target, flat_sources)
        if getattr(unconnected_gradients, "value", unconnected_gradients) == "zero":
            result = [r if r is not None or s is None else Tensor._wrap(jnp.zeros(tuple(target.shape.as_list()) + tuple(s.shape.as_list()), s.dtype.as_numpy_dtype))
                      for r, s in zip(result, flat_sources)]
        return jax.tree_util.tree_unflatten(tree, result)

    def _jacobians(self, target: Tensor, flat_sources: list) -> list:
        return self._differentiate("jac", [target] if _differentiable(target) else [], None, flat_sources)

    def batch_jacobian(self, target: Any, source: Any, unconnected_gradients: Any = "none", parallel_iterations: Any = None, experimental_use_pfor: bool = True) -> Any:
        """Per-example Jacobians: for target [b, ...] and source [b, ...], [b, target..., source...]."""
        self._check_usable("batch_jacobian")
        for arg, v in (("target", target), ("source", source)):
            if not isinstance(v, TensorLike) or v.shape.rank is None or v.shape.rank < 1:
                raise ValueError(f"GradientTape.batch_jacobian: argument `{arg}` must be a tensor of rank >= 1. Received: {v!r:.100}")
        if target.shape[0] != source.shape[0]:
            raise ValueError(
                f"GradientTape.batch_jacobian: `target` and `source` must have the same batch size. "
                f"Received: {target.shape[0]} and {source.shape[0]}"
            )
        (jac,) = self._jacobians(target, [source])
        if jac is None:
            if getattr(unconnected_gradients, "value", unconnected_gradients) == "zero":
                return Tensor._wrap(jnp.zeros(tuple(target.shape.as_list()) + tuple(source.shape.as_list())[1:], source.dtype.as_numpy_dtype))
            return None
        return _batch_diagonal(jac, target.shape.rank)


@dispatch.op("BatchDiagonal", tensors=("jac",))
def _batch_diagonal(jac, target_rank):
    """jac[b, t..., b', s...] -> out[b, t..., s...] taking b == b'."""
    b = jac.shape[0]
    moved = jnp.moveaxis(jac, target_rank, 1)  # [b, b', t..., s...]
    return jnp.diagonal(moved, axis1=0, axis2=1).transpose((moved.ndim - 2,) + tuple(range(moved.ndim - 2))) if b else moved[:, 0]


def _pending_and_held(outputs: list, j: int) -> bool:
    """Whether ``outputs[j]`` is a pending lazy output that something besides the tape
    holds. One only the tape holds (its record's list, the keep list; plus
    getrefcount's argument: 3 references) is left out of the gradient program: only a
    later forward program could need it, and computes it then."""
    o = outputs[j]
    return isinstance(o, LazyTensor) and o.pending and sys.getrefcount(outputs[j]) > 4  # `o` is the 4th


_NEEDS_VALUES: set = set()  # program keys whose int/bool constants must be compiled in


def _may_wait(program: prog.Program, slots: list, cots: list) -> bool:
    """Whether a gradient may be computed later (eager, nothing else recording, no
    traced values): then ``gradient`` returns pending gradients."""
    if dispatch.active_recorders() or state.tracing():
        return False
    return not any(isinstance(x, jax.core.Tracer) for x in (*slots, *program.constants, *cots))


def _gradient_op(fn: Any, takes_cotangents: bool) -> dispatch.Op:  # noqa: D401
    """Wraps a compiled gradient program as an op, so outer tapes record its use."""
    if takes_cotangents:
        def impl(sources, consts, cots):
            return list(fn(sources, consts, cots))
    else:
        def impl(sources, consts, cots):
            return list(fn(sources, consts))
    return dispatch.Op("TapeGradient", impl, ("sources", "consts", "cots"), ("sources", "consts", "cots"), (), jit=False)


def _run(op: dispatch.Op, program: prog.Program, slots: list, cotangents: list | None) -> list:
    # The original objects go in (so an outer tape sees its Variables and tensors);
    # Python scalars as weakly typed arrays, as the recorded ops saw them.
    srcs = [o if isinstance(o, TensorLike) else s for o, s in zip(program.slot_objects, slots)]
    consts = [o if isinstance(o, TensorLike) else jnp.asarray(c) if isinstance(c, (bool, int, float, complex)) else c
              for o, c in zip(program.const_objects, program.constants)]
    return list(dispatch.call(op, (srcs, consts, [] if cotangents is None else list(cotangents)), {}))
