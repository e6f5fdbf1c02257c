"""The state scope: Variable reads/writes redirected inside a pure computation."""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import state
from xlaflow._core.state import StateScope, state_scope
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable


def test_no_scope_outside():
    assert state.current() is None


def test_reads_and_writes_go_to_the_scope():
    v = Variable([1.0, 2.0])
    with state_scope() as scope:
        assert state.current() is scope
        np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])  # first read binds storage
        v.assign([5.0, 6.0])
        np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])  # reads see the write
        np.testing.assert_array_equal(np.asarray(v._storage), [1.0, 2.0])  # storage untouched
        assert [var for var, _ in scope.written()] == [v]
    assert state.current() is None
    np.testing.assert_array_equal(v.numpy(), [1.0, 2.0])  # nothing committed
    scope.commit()
    np.testing.assert_array_equal(v.numpy(), [5.0, 6.0])


def test_bound_values_replace_storage():
    v = Variable(1.0)
    scope = StateScope()
    scope.bind(v, jnp.float32(7.0))
    with state_scope(scope):
        assert float(v) == 7.0
        assert float(v + 1.0) == 8.0
    assert float(v) == 1.0
    assert scope.written() == []  # binding is not writing


def test_read_and_written_ids_in_order_without_duplicates():
    a, b = Variable(1.0), Variable(2.0)
    with state_scope() as scope:
        _ = a + b + a
        b.assign_add(1.0)
        b.assign_add(1.0)
    assert list(scope.read_ids) == [id(a), id(b)]
    assert list(scope.written_ids) == [id(b)]
    assert [id(v) for v in scope.touched()] == [id(a), id(b)]
    ((var, value),) = scope.written()
    assert var is b and float(value) == 4.0


def test_nested_scopes_use_the_innermost():
    v = Variable(1.0)
    with state_scope() as outer:
        v.assign(2.0)
        with state_scope() as inner:
            assert float(v) == 1.0  # the inner scope starts from storage
            v.assign(3.0)
        assert state.current() is outer
        assert float(v) == 2.0
    assert float(inner.written()[0][1]) == 3.0


def test_scope_is_popped_on_error():
    with pytest.raises(RuntimeError):
        with state_scope():
            raise RuntimeError("boom")
    assert state.current() is None


def test_scopes_are_per_thread():
    v = Variable(1.0)
    seen = []
    with state_scope():
        v.assign(5.0)
        t = threading.Thread(target=lambda: seen.append((state.current(), float(v))))
        t.start()
        t.join()
    assert seen == [(None, 1.0)]


def test_jit_step_binds_traced_values_and_commits():
    """End to end: a pure jitted step reads two variables, updates one, and the new
    value is written back after the call."""
    a = Variable([1.0, 2.0], name="state_a")
    b = Variable([10.0, 20.0], name="state_b")
    variables = [a, b]
    written_vars: list = []
    traces = []

    @jax.jit
    def step(values, x):
        traces.append(1)
        scope = StateScope()
        for var, value in zip(variables, values):
            scope.bind(var, value)
        with state_scope(scope):
            out = a * b + x
            a.assign_add(b)
        written_vars[:] = [var for var, _ in scope.written()]
        return out, [value for _, value in scope.written()]

    for i in range(2):
        values = [var._storage for var in variables]
        out, new_values = step(values, Tensor._wrap(jnp.float32(i)))
        assert isinstance(out, Tensor)
        post = StateScope()
        for var, value in zip(written_vars, new_values):
            post.write(var, value)
        post.commit()
    # step 0: out = [10, 40], a -> [11, 22]; step 1: out = [111, 441] (x=1), a -> [21, 42]
    np.testing.assert_allclose(out.numpy(), [111.0, 441.0])
    np.testing.assert_allclose(a.numpy(), [21.0, 42.0])
    np.testing.assert_allclose(b.numpy(), [10.0, 20.0])
    assert written_vars == [a]
    assert len(traces) == 1  # the second call reused the compiled step
    assert not isinstance(a._storage, jax.core.Tracer)


def test_assigning_a_tracer_outside_a_scope_is_a_clear_error():
    import jax
    import pytest

    from xlaflow.ops.variable import Variable

    v = Variable(1.0, name="leak_check")

    def bad(x):
        v.assign(x)
        return x

    with pytest.raises(TypeError, match="cannot store a traced value outside a state scope"):
        jax.jit(bad)(2.0)
    assert float(v) == 1.0
