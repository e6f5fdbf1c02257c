"""Tracing Python once into a jaxpr, with the Variables it touches as inputs.

A front end does not know in advance which Variables its Python reads (a layer built
lazily, the RNG key, an optimizer's slots). Instead of running the Python twice —
once to find out, once to trace — the engine traces it once with a *capturing*
state scope: the first read of a Variable appends a new input to the program being
traced and binds the variable to it. Writes are collected by the scope; after the
trace, every written variable is an input (so its buffer can be donated) and an
output. Variables created during the first trace are fine: their initial values are
computed eagerly (see :func:`init_scope`) and they are captured like the others.

This is the only module that uses JAX's internal tracing API
(``DynamicJaxprTrace.new_arg``, the mechanism behind ``jax.jit``'s own tracing); it
is pinned by ``jax<0.11`` and tested in ``tests/engine/test_capture.py``.
"""

from __future__ import annotations

import contextlib
from typing import Any, Callable, Iterator, Sequence

import jax
from jax._src import core as jcore
from jax._src import linear_util as lu
from jax._src import source_info_util
from jax._src.interpreters import partial_eval as pe

from xlaflow._core import state


class Traced:
    """The result of one trace.

    Attributes:
      jaxpr: a closed-over-nothing jaxpr; its inputs are ``consts``, then the declared
        arguments, then one per captured variable (in ``variables`` order).
      consts: arrays the Python closed over (passed as arguments, so the compiled
        program depends only on the structure).
      variables: the captured Variables, in input order.
      written: the variables written, in output order (their new values follow
        ``n_out`` ordinary outputs).
      created: Variables created during the trace.
      n_out: the number of ordinary outputs.
      extra: whatever the traced function returned besides its arrays (its output
        structure, static outputs), as given by ``fn``.
    """

    def __init__(self, jaxpr: Any, consts: list, variables: list, written: list, created: list, n_out: int, extra: Any):
        self.jaxpr, self.consts, self.variables, self.written = jaxpr, consts, variables, written
        self.created, self.n_out, self.extra = created, n_out, extra
        self._key: Any = None

    def structure_key(self) -> Any:
        """What makes two traces the same program: the jaxpr's text and input types.

        Two models of one architecture trace to the same text (literal
        hyperparameters included), so they share one compiled program."""
        if self._key is None:
            self._key = (str(self.jaxpr), tuple(v.aval for v in self.jaxpr.invars))
        return self._key

    def evaluate(self, consts: Sequence[Any], args: Sequence[Any], var_values: Sequence[Any]) -> list:
        """The program's outputs (ordinary, then written values) as a JAX function."""
        return jcore.eval_jaxpr(self.jaxpr, [], *consts, *args, *var_values)


def trace(fn: Callable[[list], tuple[list, Any]], arg_avals: Sequence[Any], *, creating: bool = True,
          name: str = "program", on_start: Callable[[Any, Any], None] | None = None) -> Traced:
    """Traces ``fn(arg_tracers) -> (flat outputs, extra)`` once, capturing Variables.

    Args:
      fn: receives one tracer per ``arg_avals`` entry and returns a flat list of
        arrays/Tensors and anything else the caller wants back (``Traced.extra``).
      arg_avals: ``jax.ShapeDtypeStruct``-like abstract values of the arguments.
      creating: whether the Python may create Variables (first trace only).
      name: shown in the jaxpr's debug info.
      on_start: called with ``(owns, at_top)`` once the trace exists: ``owns(x)``
        says whether a tracer belongs to this trace, ``at_top()`` makes it current
        (for checks that must compute their flags in the program itself).
    """
    parent = jcore.trace_ctx.trace
    debug = lu.DebugInfo("xlaflow", name, None, None)
    jtrace = pe.DynamicJaxprTrace(debug, parent_trace=parent)
    variables: list = []
    source = source_info_util.current()

    def capture(var: Any) -> Any:
        variables.append(var)
        return jtrace.new_arg(jcore.typeof(state.storage(var)), source)

    n_args = len(arg_avals)

    def lift(value: Any) -> Any:
        # The part of the program so far that computes `value`, evaluated now on the
        # captured Variables' stored values; refused if it needs an argument.
        if not isinstance(value, pe.DynamicJaxprTracer) or value._trace is not jtrace:
            raise state.TracedInitialValue("the initial value is not a value of this program")
        partial, consts_ = jtrace.frame.to_jaxpr(jtrace, [value], debug, source)
        n_consts = len(partial.constvars)
        partial, used = pe.dce_jaxpr(pe.convert_constvars_jaxpr(partial), [True])
        if any(used[n_consts:n_consts + n_args]):
            raise state.TracedInitialValue("the initial value depends on the function's arguments")
        inputs = [*consts_, *[None] * n_args, *[state.storage(v) for v in variables]]
        with jax.ensure_compile_time_eval():
            return jcore.eval_jaxpr(partial, [], *[x for x, u in zip(inputs, used) if u])[0]

    scope = state.StateScope(capture=capture, lift=lift, creating=creating)
    if on_start is not None:
        on_start(lambda value: isinstance(value, pe.DynamicJaxprTracer) and value._trace is jtrace,
                 lambda: jcore.set_current_trace(jtrace))
    with source_info_util.reset_name_stack(), jax.named_scope(name):
        in_tracers = [jtrace.new_arg(jcore.ShapedArray(tuple(a.shape), a.dtype, weak_type=bool(getattr(a, "weak_type", False))), source)
                      for a in arg_avals]
        with jcore.set_current_trace(jtrace), state.state_scope(scope):
            outs, extra = fn(in_tracers)
        written = [var for var, _ in scope.written()]
        captured = {id(v) for v in variables}
        for var in written:  # written before (or without) being read: an input all the same
            if id(var) not in captured:
                capture(var)
        values = [_array(o) for o in outs] + [scope.values[id(v)][1] for v in written]
        out_tracers = [jtrace.to_jaxpr_tracer(jax.numpy.asarray(x) if not isinstance(x, jax.core.Tracer) else x, source)
                       for x in values]
        jaxpr, consts = jtrace.frame.to_jaxpr(jtrace, out_tracers, debug, source)
    jaxpr = pe.convert_constvars_jaxpr(jaxpr)
    return Traced(jaxpr, list(consts), variables, written, list(scope.created), len(outs), extra)


def _array(x: Any) -> Any:
    read = getattr(x, "_read", None)
    return read() if read is not None else x


@contextlib.contextmanager
def evaluating() -> Iterator[None]:
    """JAX computes values in the block even while a program is traced (ops on small
    constants: shape arithmetic stays static). Unlike ``jax.ensure_compile_time_eval``
    it does not fold constants inside the jitted helpers it calls, so those compile
    once as a whole instead of piece by piece."""
    with jcore.set_current_trace(jcore.eval_trace):
        yield


@contextlib.contextmanager
def init_scope() -> Iterator[None]:
    """Runs its block eagerly even while a program is traced (TF's ``tf.init_scope``):
    no state scope, and JAX computes (and compiles) as it does outside any trace.
    Initial values of Variables created during a trace are computed here, so they
    are concrete arrays."""
    with evaluating(), state.eager():
        yield
