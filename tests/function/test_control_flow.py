"""cond / while_loop / scan / map_fn: eager Python and compiled lax forms agree, and
Variables assigned inside bodies are carried and written back."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf


def run_both(fn, *args):
    """fn eagerly and inside @function, with fresh state each time."""
    return fn(*args), tf.function(fn)(*args)


def test_cond_picks_the_branch_eagerly_and_compiled():
    for x in ([1.0, 2.0], [-1.0, -2.0]):
        eager, compiled = run_both(lambda t: tf.cond(tf.reduce_sum(t) > 0, lambda: t * 2.0, lambda: t - 1.0), tf.constant(x))
        np.testing.assert_allclose(compiled.numpy(), eager.numpy())
        np.testing.assert_allclose(eager.numpy(), np.array(x) * 2 if sum(x) > 0 else np.array(x) - 1)
    assert isinstance(tf.cond(tf.constant(True), lambda: 1.0, lambda: 2.0), tf.Tensor)


def test_cond_assigns_variables_in_the_taken_branch_only():
    v = tf.Variable(0.0)

    @tf.function
    def bump(x):
        return tf.cond(x > 0, lambda: v.assign_add(x).read_value(), lambda: v.read_value())

    assert float(bump(tf.constant(2.0))) == 2.0
    assert float(bump(tf.constant(-5.0))) == 2.0
    assert float(bump(tf.constant(3.0))) == 5.0
    assert float(v) == 5.0 and bump.experimental_get_tracing_count() == 1


def test_while_loop_with_variables_and_maximum_iterations():
    counter = tf.Variable(0)

    def loop(n):
        def body(i, acc):
            counter.assign_add(1)
            return i + 1, acc * 2.0

        return tf.while_loop(lambda i, acc: i < n, body, (tf.constant(0), tf.constant(1.0)), maximum_iterations=10)

    i, acc = loop(tf.constant(4))
    assert int(i) == 4 and float(acc) == 16.0 and int(counter) == 4
    i, acc = tf.function(loop)(tf.constant(50))
    assert int(i) == 10 and float(acc) == 1024.0 and int(counter) == 14
    assert tf.while_loop(lambda i: i < 3, lambda i: i + 1, [0])[0].numpy() == 3


def test_scan_matches_numpy_both_ways():
    elems = tf.constant([1.0, 2.0, 3.0, 4.0])
    for kwargs, want in (({}, np.cumsum([1, 2, 3, 4])), ({"initializer": tf.constant(10.0)}, 10 + np.cumsum([1, 2, 3, 4])),
                         ({"reverse": True}, np.cumsum([4, 3, 2, 1])[::-1])):
        eager, compiled = run_both(lambda e: tf.scan(lambda a, x: a + x, e, **kwargs), elems)
        np.testing.assert_allclose(eager.numpy(), want)
        np.testing.assert_allclose(compiled.numpy(), want)
    pairs = tf.scan(lambda acc, x: (acc[0] + x, acc[1] * x), tf.constant([1.0, 2.0, 3.0]), initializer=(tf.constant(0.0), tf.constant(1.0)))
    np.testing.assert_allclose(pairs[0].numpy(), [1, 3, 6])
    np.testing.assert_allclose(pairs[1].numpy(), [1, 2, 6])


def test_map_fn_on_structures():
    eager, compiled = run_both(lambda a, b: tf.map_fn(lambda ab: ab[0] * ab[1], (a, b)), tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))
    np.testing.assert_allclose(eager.numpy(), [3.0, 8.0])
    np.testing.assert_allclose(compiled.numpy(), [3.0, 8.0])


def test_traced_condition_under_a_tape_is_refused_clearly():
    w = tf.Variable(1.0)

    @tf.function
    def f(x):
        with tf.GradientTape() as tape:
            y = tf.cond(x > 0, lambda: w * x, lambda: w)
        return tape.gradient(y, w)

    with pytest.raises(TypeError, match="cond: a GradientTape cannot yet record a cond whose condition is only known at run time"):
        f(tf.constant(1.0))


def test_bad_arguments():
    with pytest.raises(TypeError, match="cond: argument `true_fn` must be callable"):
        tf.cond(True, 1, lambda: 2)
    with pytest.raises(ValueError, match="cond: argument `pred` must be a scalar bool tensor"):
        tf.cond(tf.constant([True, False]), lambda: 1, lambda: 2)
    with pytest.raises(TypeError, match="while_loop: argument `loop_vars` must be a list or tuple"):
        tf.while_loop(lambda i: i < 3, lambda i: i + 1, 0)
    with pytest.raises(ValueError, match="scan: argument `elems` must hold tensors of rank >= 1"):
        tf.scan(lambda a, x: a + x, tf.constant(1.0))
    with pytest.raises(ValueError, match="while_loop: `body` must return 2 loop variables"):
        tf.while_loop(lambda i, j: i < 3, lambda i, j: i + 1, [0, 0])

    @tf.function
    def mismatched(x):
        return tf.cond(x > 0, lambda: x, lambda: tf.stack([x, x]))

    with pytest.raises(tf.errors.InvalidArgumentError, match="cond: `true_fn` and `false_fn` must return the same structure"):
        mismatched(tf.constant(1.0))
