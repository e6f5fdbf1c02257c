"""GradientTape: gradients checked against jax.grad, tape semantics, one compile per program."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.autodiff import GradientTape
from xlaflow.engine import compile_count

RNG = np.random.default_rng(0)
X = RNG.normal(size=(4, 3)).astype(np.float32)
W = RNG.normal(size=(3, 2)).astype(np.float32)
B = RNG.normal(size=(2,)).astype(np.float32)


def tape_grad(fn, *values):
    """Gradient of fn(*variables) by GradientTape, for each value."""
    variables = [tf.Variable(v) for v in values]
    with GradientTape() as tape:
        out = fn(*variables)
    return [g.numpy() if g is not None else None for g in tape.gradient(out, variables)]


CASES = {
    "broadcast_affine": (lambda w, b: tf.math.reduce_sum(tf.matmul(X, w) + b), lambda w, b: jnp.sum(X @ w + b), (W, B)),
    "broadcast_mul_scalar": (lambda w, b: tf.math.reduce_mean(w * b * 3.0), lambda w, b: jnp.mean(w * b * 3.0), (W, B)),
    "indexing": (lambda w, b: tf.math.reduce_sum(w[1:, ::-1] * w[0]) + b[-1], lambda w, b: jnp.sum(w[1:, ::-1] * w[0]) + b[-1], (W, B)),
    "reductions": (lambda w, b: tf.math.reduce_max(w) + tf.math.reduce_logsumexp(w) - tf.math.reduce_min(b), lambda w, b: jnp.max(w) + jax.nn.logsumexp(w) - jnp.min(b), (W, B)),
    "where": (lambda w, b: tf.math.reduce_sum(tf.where(w > 0.0, w * w, -w)), lambda w, b: jnp.sum(jnp.where(w > 0, w * w, -w)), (W, B)),
    "unary_chain": (lambda w, b: tf.math.reduce_sum(tf.math.tanh(tf.math.exp(w) * 0.1) + tf.math.log1p(tf.math.square(b))), lambda w, b: jnp.sum(jnp.tanh(jnp.exp(w) * 0.1) + jnp.log1p(b * b)), (W, B)),
    "softmax_xent": (
        lambda w, b: tf.math.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=np.eye(2, dtype=np.float32)[[0, 1, 1, 0]], logits=tf.matmul(X, w) + b)),
        lambda w, b: jnp.mean(-jnp.sum(np.eye(2, dtype=np.float32)[[0, 1, 1, 0]] * jax.nn.log_softmax(X @ w + b), -1)),
        (W, B),
    ),
    "concat_reshape_gather": (
        lambda w, b: tf.math.reduce_sum(tf.gather(tf.reshape(tf.concat([w, w * 2.0], 0), [-1]), [0, 5, 7]) * b[0]),
        lambda w, b: jnp.sum(jnp.concatenate([w, w * 2.0], 0).reshape(-1)[jnp.array([0, 5, 7])] * b[0]),
        (W, B),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_match_jax_grad(name):
    fn, ref, values = CASES[name]
    got = tape_grad(fn, *values)
    want = jax.grad(ref, argnums=tuple(range(len(values))))(*values)
    for g, w in zip(got, want):
        if g is None:  # unconnected: TF gives None where jax.grad gives zeros
            assert not np.any(w)
        else:
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)


def test_python_control_flow_records_the_branch_taken():
    def fn(w):
        y = w * 2.0
        for _ in range(3):
            if float(tf.math.reduce_sum(y)) > 0:
                y = y * w
            else:
                y = y - w
        return tf.math.reduce_sum(y)

    def ref(w, branches):
        y = w * 2.0
        for multiply in branches:
            y = y * w if multiply else y - w
        return jnp.sum(y)

    for w in (np.full((2,), 0.5, np.float32), np.full((2,), -0.5, np.float32)):
        y, branches = w * 2.0, []
        for _ in range(3):  # the branches the Python loop takes for this w
            branches.append(float(y.sum()) > 0)
            y = y * w if branches[-1] else y - w
        np.testing.assert_allclose(tape_grad(fn, w)[0], jax.grad(ref)(w, branches), rtol=1e-6)


def test_integer_sources_and_unconnected_give_none_or_zero():
    i = tf.Variable([1, 2])
    v = tf.Variable([1.0, 2.0])
    u = tf.Variable(3.0)
    with GradientTape(persistent=True) as tape:
        y = tf.math.reduce_sum(v * tf.cast(i, tf.float32))
    assert tape.gradient(y, [i, u]) == [None, None]
    zero = tape.gradient(y, {"u": u, "v": v}, unconnected_gradients="zero")
    np.testing.assert_array_equal(zero["u"].numpy(), 0.0)
    np.testing.assert_array_equal(zero["v"].numpy(), [1.0, 2.0])


def test_nested_structures_keep_their_shape():
    a, b = tf.Variable(1.0), tf.Variable(2.0)
    with GradientTape() as tape:
        y = a * b
    g = tape.gradient(y, {"x": [a, (b, None)]})
    assert float(g["x"][0]) == 2.0 and float(g["x"][1][0]) == 1.0 and g["x"][1][1] is None


def test_non_persistent_tape_used_twice_is_a_clear_error():
    x = tf.Variable(1.0)
    with GradientTape() as tape:
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="non-persistent GradientTape can only be used to compute one set"):
        tape.gradient(y, x)


def test_watch_constants_and_accessed_variables_flag():
    c = tf.constant(3.0)
    v = tf.Variable(2.0)
    with GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(c)
        y = c * c * v
    assert tape.gradient(y, v) is None
    with GradientTape(watch_accessed_variables=False, persistent=True) as tape:
        tape.watch(c)
        y = c * c * v
    assert float(tape.gradient(y, c)) == 12.0
    assert tape.watched_variables() == ()
    with pytest.raises(TypeError, match="watch: argument `tensor` must hold Tensors or Variables"):
        tape.watch("x")


def test_stop_recording_and_reset():
    x = tf.Variable(2.0)
    with GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = x * x
        w = y + z
    assert float(tape.gradient(w, x)) == 4.0  # only the recorded square counts
    assert tape.gradient(z, x) is None
    tape.reset()
    assert tape.gradient(y, x) is None


def test_output_gradients_and_intermediate_sources():
    x = tf.constant([1.0, 2.0])
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        h = x * 3.0
        z = h * h
    np.testing.assert_allclose(tape.gradient(z, x, output_gradients=tf.constant([1.0, 0.5])).numpy(), [18.0, 18.0])
    gx, gh = tape.gradient(z, [x, h])
    np.testing.assert_allclose(gx.numpy(), [18.0, 36.0])
    np.testing.assert_allclose(gh.numpy(), [6.0, 12.0])
    np.testing.assert_allclose(tape.gradient(h, h).numpy(), [1.0, 1.0])
    with pytest.raises(ValueError, match="unconnected_gradients"):
        tape.gradient(z, x, unconnected_gradients="zeros")


def test_second_order_with_nested_tapes():
    x = tf.Variable(2.0)
    with GradientTape() as outer:
        with GradientTape() as inner:
            y = x * x * x
        dy = inner.gradient(y, x)
    d2y = outer.gradient(dy, x)
    assert float(dy) == 12.0 and float(d2y) == 12.0


def test_jacobian_and_batch_jacobian():
    x = tf.constant(RNG.normal(size=(3, 2)).astype(np.float32))
    w = tf.Variable(W)
    with GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tf.math.tanh(tf.matmul(x, w[:2]))
    jac = tape.jacobian(y, w).numpy()
    ref = jax.jacrev(lambda w_: jnp.tanh(x.numpy() @ w_[:2]))(W)
    np.testing.assert_allclose(jac, ref, rtol=1e-5, atol=1e-6)
    bj = tape.batch_jacobian(y, x).numpy()
    per_example = jax.vmap(jax.jacrev(lambda xi: jnp.tanh(xi @ W[:2])))(x.numpy())
    assert bj.shape == (3, 2, 2)
    np.testing.assert_allclose(bj, per_example, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="batch_jacobian: argument `target` must be a tensor of rank >= 1"):
        tape.batch_jacobian(tf.math.reduce_sum(y), x)


def test_a_training_loop_compiles_its_gradient_once():
    w = tf.Variable(W)
    b = tf.Variable(B)

    def step() -> None:
        x = RNG.normal(size=(4, 3)).astype(np.float32)
        with GradientTape() as tape:
            loss = tf.math.reduce_mean(tf.math.square(tf.matmul(x, w) + b - 1.0))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.01 * gw)
        b.assign_sub(0.01 * gb)

    step()  # records; the next read of w (step 2's forward pass) runs and compiles it
    step()
    before = compile_count()  # real XLA compiles, eager kernels included
    for _ in range(18):
        step()
    assert compile_count() == before


def test_variable_read_twice_sums_both_reads():
    v = tf.Variable(3.0)
    with GradientTape() as tape:
        y = v.read_value() * v
    assert float(tape.gradient(y, v)) == 6.0


def test_output_gradients_align_when_a_target_is_not_recorded():
    x = tf.Variable([1.0, 2.0])
    outside = tf.constant([5.0, 5.0])  # not produced on the tape
    with GradientTape() as tape:
        y = x * x
    g = tape.gradient([outside, y], x, output_gradients=[tf.constant([9.0, 9.0]), tf.constant([1.0, 10.0])])
    np.testing.assert_allclose(g.numpy(), [2.0, 40.0])


def test_ops_that_need_concrete_masks_still_differentiate():
    w = tf.Variable(np.arange(6, dtype=np.float32))
    counts = []
    for mask in ([True, False, True, True, False, False], [True, False, True, True, False, False], [False, True, False, False, False, True]):
        with GradientTape() as tape:
            y = tf.math.reduce_sum(tf.boolean_mask(w, np.array(mask)) ** 2)
        np.testing.assert_allclose(tape.gradient(y, w).numpy(), np.where(mask, 2 * np.arange(6), 0))
        counts.append(compile_count())
    assert counts[1] == counts[0]  # the same mask again: its program (values compiled in) is reused
