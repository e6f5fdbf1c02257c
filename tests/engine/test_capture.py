"""``engine.capture``: one trace of Python, with the Variables it meets as inputs."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow._core import state
from xlaflow.engine import capture


def test_variables_read_inside_grad_and_scan_become_inputs():
    a = tf.Variable(np.ones(3, np.float32))
    b = tf.Variable(2.0)
    runs = []

    def fn(tracers):
        runs.append(1)
        x = tracers[0]

        def loss(w):
            return jnp.sum(w * x * state.read(b))

        g = jax.grad(loss)(state.read(a))
        total, _ = jax.lax.scan(lambda c, xs: (c + state.read(b) * xs, None), 0.0, x)
        return [g, total], "extra"

    traced = capture.trace(fn, [jax.ShapeDtypeStruct((3,), jnp.float32)])
    assert runs == [1]
    assert traced.variables == [a, b] and traced.written == [] and traced.extra == "extra"
    x = np.arange(3, dtype=np.float32)
    g, total = traced.evaluate(traced.consts, [x], [a._storage, b._storage])
    np.testing.assert_allclose(g, 2.0 * x)
    np.testing.assert_allclose(total, 2.0 * x.sum())


def test_written_variables_are_inputs_and_outputs():
    v = tf.Variable(1.0)
    w = tf.Variable(5.0)

    def fn(tracers):
        v.assign_add(tracers[0])
        w.assign(3.0)  # written without being read
        return [v.read_value()], None

    traced = capture.trace(fn, [jax.ShapeDtypeStruct((), jnp.float32)])
    assert traced.written == [v, w] and set(map(id, traced.variables)) == {id(v), id(w)}
    values = {id(v): v._storage, id(w): w._storage}
    out = traced.evaluate(traced.consts, [np.float32(2.0)], [values[id(x)] for x in traced.variables])
    assert [float(o) for o in out] == [3.0, 3.0, 3.0]  # output, new v, new w


def test_a_variable_created_in_the_trace_gets_a_concrete_initial_value():
    made = []

    def fn(tracers):
        made.append(tf.Variable(tf.ones([2]) * 3.0))  # computed in the trace, lifted out of it
        return [made[0] * tracers[0]], None

    traced = capture.trace(fn, [jax.ShapeDtypeStruct((), jnp.float32)])
    assert traced.created == made
    assert not isinstance(made[0]._storage, jax.core.Tracer)
    np.testing.assert_allclose(made[0].numpy(), [3.0, 3.0])


def test_an_initial_value_that_needs_the_arguments_is_refused():
    def fn(tracers):
        tf.Variable(tracers[0] * 2.0)
        return [], None

    with pytest.raises(state.TracedInitialValue):
        capture.trace(fn, [jax.ShapeDtypeStruct((), jnp.float32)])


def test_creating_is_refused_on_a_later_trace():
    def fn(tracers):
        tf.Variable(1.0)
        return [], None

    with pytest.raises(ValueError, match="Variables may only be created on a function's first call"):
        capture.trace(fn, [], creating=False)


def test_binding_checks_shape_and_dtype():
    v = tf.Variable(np.zeros((2, 3), np.float32))
    scope = state.StateScope()
    with pytest.raises(ValueError, match=r"must have shape \(2, 3\). Received: a value of shape \(3, 2\)"):
        scope.bind(v, jnp.zeros((3, 2)))
    with pytest.raises(ValueError, match="must have dtype float32. Received: a value of dtype int32"):
        scope.bind(v, jnp.zeros((2, 3), jnp.int32))
