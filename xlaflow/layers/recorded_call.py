"""A built-in layer called eagerly becomes one compiled op.

Running a layer op by op costs some Python per op, every call; for the usual
``with tape: loss = loss_fn(y, model(x))`` loop, or an RL agent's ``model(state)``
per environment step, that is most of the time. When a layer made only of
xlaflow's own layers (``Sequential`` of them included) is called eagerly — with no
tape, or under exactly one recording ``GradientTape`` — its call is traced once per
input signature into a pure function of (the variables it reads, its input) and
run as a single op (see :mod:`xlaflow.ops.dispatch`). Without a tape that is one
compiled call; under a tape the op is recorded, differentiated and deferred like any
other (:mod:`xlaflow.autodiff.lazy`). The values and gradients are those of the
op-by-op call, only the Python overhead goes.

A call is made the ordinary way instead when it could behave differently as one op:
it writes a variable (BatchNormalization while training, Dropout's RNG), uses an op
that inspects values eagerly (index and label checks), adds a loss, produces masks,
creates variables, receives a mask, extra arguments or a non-boolean ``training``,
or the layer (or one inside it) is user code or a ``Lambda`` (its Python would then
run only at trace time).
"""

from __future__ import annotations

from typing import Any

import jax
import numpy as np

from xlaflow._core import state
from xlaflow.layers import structure
from xlaflow.ops import dispatch
from xlaflow.ops.tensor import Tensor, TensorLike

NotRecorded = NotImplemented  # record()'s answer when the layer must be called the ordinary way
_UNFIT = "unfit"


def record(layer: Any, inputs: Any, args: tuple, kwargs: dict, training: Any) -> Any:
    """``layer(inputs, **kwargs)`` run (or recorded) as one op, or :data:`NotRecorded`."""
    recorders = dispatch._local.recorders
    if args or not layer.built or state.current() is not None:
        return NotRecorded
    tape = recorders[0] if len(recorders) == 1 and hasattr(recorders[0], "defer") else None
    if (recorders and tape is None) or (not recorders and dispatch._local.capture_variables):
        return NotRecorded  # several recorders, or a TF1 graph being built
    if any(k != "training" for k in kwargs) or not (training is None or isinstance(training, bool)):
        return NotRecorded
    x = _input(layer, inputs)
    if x is None:
        return NotRecorded
    calls = layer.__dict__.get("_recorded_calls")
    if calls is None or calls[0] != structure.version():  # traced again after a structure change
        calls = (structure.version(), {})
        object.__setattr__(layer, "_recorded_calls", calls)
    key = (tuple(x.shape), training)
    entry = calls[1].get(key)
    if entry is None:
        entry = calls[1][key] = _trace(layer, x, training)
    if entry is _UNFIT:
        return NotRecorded
    op, variables = entry
    weights = [v._read() for v in variables]
    if tape is not None:
        # Straight to the tape (the arguments need none of dispatch's conversions); an
        # input the tape has not computed yet stays pending.
        pending = x if dispatch._is_deferred(x) else x._read() if isinstance(x, Tensor) else x
        out = tape.defer(op, [*variables, x], {"weights": weights, "x": pending}, {})
        if out is not None:
            return out
    # No tape, or nothing in the call is watched: one compiled call
    return dispatch._wrap(op.compiled({})(weights=weights, x=x._value if isinstance(x, Tensor) else x))


def _input(layer: Any, inputs: Any) -> Any:
    """The one input, in the layer's dtype (host data stays on the host), or None."""
    dtype = layer._dtype
    if isinstance(inputs, Tensor):
        ok = inputs.dtype == dtype and getattr(inputs, "_keras_mask", None) is None
        return inputs if ok else None
    if isinstance(inputs, np.ndarray) and inputs.dtype.kind == "f" and dtype.is_floating:
        return inputs.astype(dtype.as_numpy_dtype, copy=False)
    if isinstance(inputs, jax.Array) and jax.numpy.issubdtype(inputs.dtype, jax.numpy.floating) and dtype.is_floating:
        return inputs.astype(dtype.as_numpy_dtype)
    return None


def _builtin(layer: Any) -> bool:
    from xlaflow.layers.core_lambda import Lambda

    return all(type(sub).__module__.startswith("xlaflow.") and not isinstance(sub, Lambda) for sub in layer._flatten_layers())


def _trace(layer: Any, x: Any, training: Any) -> Any:
    """(the op, the variables it reads) for this input signature, or _UNFIT."""
    if not _builtin(layer):
        return _UNFIT
    layers = layer._flatten_layers()
    candidates = layer._all_weights()
    kwargs = {} if training is None else {"training": training}
    seen: dict = {}

    def call(weights: list, inputs: Any) -> Any:
        scope, out = _pure_call(layer, candidates, weights, inputs, kwargs)
        seen.update(reads=scope.read_ids, writes=scope.written_ids, created=scope.created, out=out)
        return _arrays(out)

    losses = [len(sub._losses) for sub in layers]
    value_ops = dispatch._local.value_ops
    aval = x._aval() if isinstance(x, Tensor) else x
    try:
        jax.eval_shape(call, [v._read() for v in candidates], jax.ShapeDtypeStruct(aval.shape, aval.dtype))
        fit = True
    except Exception:  # noqa: BLE001 - the ordinary call reports errors properly
        fit = False
    checks_values = dispatch._local.value_ops != value_ops  # eagerly it would check indices, labels ...
    added_loss = any(len(sub._losses) > n for sub, n in zip(layers, losses))
    for sub, n in zip(layers, losses):
        del sub._losses[n:]  # traced values: never visible outside
    out_leaves = jax.tree_util.tree_leaves(seen.get("out"), is_leaf=lambda t: isinstance(t, TensorLike))
    if (not fit or checks_values or added_loss or seen["writes"] or seen["created"] or not out_leaves
            or any(not isinstance(t, Tensor) or getattr(t, "_keras_mask", None) is not None for t in out_leaves)):
        return _UNFIT
    variables = [v for v in candidates if id(v) in seen["reads"]]

    def impl(weights, x):
        return _arrays(_pure_call(layer, variables, weights, x, kwargs)[1])

    impl.__name__ = f"{layer.name}.call"
    return dispatch.Op(f"LayerCall:{type(layer).__name__}", impl, ("weights", "x"), ("weights",), (), jit=True), variables


def _pure_call(layer: Any, variables: list, weights: list, x: Any, kwargs: dict) -> tuple:
    """(the state scope, the outputs) of ``layer(x)`` with ``variables`` bound to
    ``weights``: a call traced on its own, recorded by no tape."""
    scope = state.StateScope({id(v): (v, w) for v, w in zip(variables, weights)}, closed=True, tracing=True)
    with dispatch.recorders_paused(), state.state_scope(scope):
        out = layer(Tensor._wrap(x), **kwargs)
    return scope, out


def _arrays(out: Any) -> Any:
    return jax.tree_util.tree_map(lambda t: t._read(), out, is_leaf=lambda t: isinstance(t, TensorLike))
