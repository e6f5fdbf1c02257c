"""Gradients computed on first use, or fused into the optimizer step that consumes them.

``tape.gradient`` in an eager loop does not run its compiled program at once: it
returns :class:`PendingGradient` tensors that belong to one :class:`GradientRun`.
Reading any of them (``g.numpy()``, an op on it) runs that program, exactly as an
immediate call would have. But when the next thing to use them is
``optimizer.apply_gradients`` — the usual loop — the optimizer hands its own pure
update to :meth:`GradientRun.fuse`, and forward, backward and update run as one
compiled program: one dispatch per step instead of two. The gradient tensors are
still filled in, so code that inspects them after the update sees the same values.

A run is never left pending where that could change a result: inside a traced
function, under another recording tape (which must see the gradient as an op), or
for programs that need values compiled in (see ``Program.bake``).
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp

from xlaflow.autodiff import program as prog
from xlaflow.autodiff.lazy import LazyTensor
from xlaflow.engine import cache as engine_cache
from xlaflow.engine import compiler

MAX_FUSED = 64  # fused programs kept per optimizer (oldest dropped first)


class PendingGradient(LazyTensor):
    """One source's gradient; its run computes it on first use."""

    __slots__ = ("_run", "_index")

    @property
    def _value(self) -> Any:  # type: ignore[override]
        if self._filled is None:
            self._run.execute()
        return self._filled


class GradientRun:
    """A ``tape.gradient`` call whose compiled program has not run yet.

    Args:
      execute: runs the program the ordinary way and returns one Tensor (or None) per
        source; used on first read, and as the fallback of :meth:`fuse`.
      program, slots, owner, cotangents, extras: the vjp program, the values of its
        source slots, the source each slot belongs to, the target cotangents and the
        pending forward outputs it also computes (see ``GradientTape._differentiate``).
      key: the program's cache key.
    """

    def __init__(self, execute: Callable[[], list], program: prog.Program, slots: list, owner: list[int],
                 cotangents: list, extras: list, key: tuple, sources: list):
        self._execute = execute
        self.program, self.slots, self.owner, self.cotangents, self.extras, self.key = program, slots, owner, cotangents, extras, key
        self.done = False
        connected = sorted(set(owner))
        self.connected = connected
        self.gradients: list = [None] * len(sources)
        for k in connected:
            g = PendingGradient.make(_spec(sources[k]._aval()), None)
            g._run, g._index = self, k
            self.gradients[k] = g

    chain: Any = None  # ops and writes recorded on this run (xlaflow.autodiff.chain)

    def _force(self, needed: Any = None) -> None:
        """A lazy value of this run is needed: run it (see ``LazyTensor``)."""
        self.execute()

    def execute(self) -> None:
        """Runs the gradient program now (the ordinary path) and fills every gradient."""
        if self.done:
            return
        self.done = True
        if self.chain is not None:
            from xlaflow.autodiff import chain

            chain.execute(self, self.chain)
            return
        for g, value in zip(self.gradients, self._execute()):
            if g is not None:
                g._filled = value._value

    def fuse(self, gradients: list, cache: dict, key: tuple, step: Callable, args: tuple, donate: tuple = ()) -> Any:
        """``step([values of gradients], *args)`` and this run in one compiled program.

        ``gradients`` are this run's PendingGradients in the order ``step`` wants them;
        ``cache``/``key`` (the caller's own) hold the compiled program; ``donate`` names
        the ``args`` whose buffers the caller owns alone and replaces with the result.
        Returns ``step``'s result, or None when this program cannot be fused (the
        caller then reads the gradients, which runs it the ordinary way)."""
        if self.chain is not None:
            return None  # ops were recorded on the gradients: they run first
        picks = tuple(g._index for g in gradients)
        full_key = (self.key, key, picks, donate)
        fn = cache.get(full_key)
        if fn is False:
            return None
        if fn is None:
            engine_cache.note_trace(("fused", self.program.family("vjp"), key, picks), lambda: self.program.describe(self.slots),
                                    "a GradientTape's recorded program with its optimizer step")
            fn = cache[full_key] = compiler.jit(_fused(self, picks, step), donate_argnums=tuple(3 + i for i in donate))
            while len(cache) > MAX_FUSED:
                cache.pop(next(iter(cache)))
        consts = [jnp.asarray(c) if isinstance(c, (bool, int, float, complex)) else c for c in self.program.constants]
        try:
            grads, extras, result = fn(self.slots, consts, self.cotangents, *args)
        except (TypeError, jax.errors.ConcretizationTypeError):
            cache[full_key] = False  # needs values compiled in: the ordinary path bakes them
            return None
        self.done = True
        for k, value in zip(self.connected, grads):
            self.gradients[k]._filled = value
        _fill_extras(self.program, self.extras, extras)
        return result


_SPECS: dict = {}


def _spec(aval: Any) -> jax.ShapeDtypeStruct:
    key = (tuple(aval.shape), aval.dtype)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = jax.ShapeDtypeStruct(*key)
    return spec


def _fused(run: GradientRun, picks: tuple, step: Callable) -> Callable:
    vjp = prog.vjp_fn(run.program, run.extras)
    n, owner, connected = len(run.slots), list(run.owner), list(run.connected)

    def fused(slots, consts, cotangents, *args):
        outs = vjp(slots, consts, cotangents)
        per_source: dict = {}
        for g, k in zip(outs[:n], owner):
            per_source[k] = g if k not in per_source else per_source[k] + g
        return [per_source[k] for k in connected], list(outs[n:]), step([per_source[k] for k in picks], *args)

    return fused


def _fill_extras(program: prog.Program, extras: list, values: list) -> None:
    for (_, pos, j), value in zip(extras, values):
        out = program.records[pos].outputs[j]
        if out.pending:
            out._filled = value


def common_run(gradients: list) -> GradientRun | None:
    """The one not-yet-run GradientRun behind every gradient in ``gradients``, or None."""
    run = None
    for g in gradients:
        if not isinstance(g, PendingGradient) or g._filled is not None or (run is not None and g._run is not run):
            return None
        run = g._run
    return None if run is None or run.done else run
