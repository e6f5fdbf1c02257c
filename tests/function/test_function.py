"""@function: tracing once per signature, variables bound and written back, errors."""

from __future__ import annotations

import warnings

import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.function import XlaflowRetracingWarning, function


def test_decorator_forms_and_variable_write_back():
    v = tf.Variable(0.0)

    @function
    def plain(x):
        v.assign_add(tf.reduce_sum(x))
        return v.read_value() * 2.0

    @function()
    def with_parens(x):
        return x + 1.0

    assert float(plain(tf.ones([3]))) == 6.0
    assert float(plain(tf.ones([3]))) == 12.0
    assert float(v) == 6.0
    assert float(with_parens(1.5)) == 2.5
    assert plain.experimental_get_tracing_count() == 1
    undecorated = function(lambda a, b: a * b)
    assert float(undecorated(tf.constant(2.0), tf.constant(4.0))) == 8.0


def test_input_signature_accepts_any_batch_size_and_compiles_per_size():
    total = tf.Variable(0.0)

    @function(input_signature=[tf.TensorSpec(shape=(None, 2), dtype=tf.float32)])
    def add_rows(x):
        total.assign_add(tf.reduce_sum(x))
        return tf.reduce_mean(x, axis=0)

    for n in (1, 3, 3, 5, 1):
        out = add_rows(np.ones((n, 2), np.float32) * n)
        np.testing.assert_allclose(out.numpy(), [n, n])
    assert float(total) == 1 * 2 + 9 * 2 * 2 + 25 * 2 + 1 * 2
    assert add_rows.experimental_get_tracing_count() == 3  # one per distinct size

    with pytest.raises(ValueError, match=r"add_rows: argument `x` must match TensorSpec\(shape=\(None, 2\), dtype=tf.float32, name=None\). Received: shape \(4,\)"):
        add_rows(np.ones(4, np.float32))
    with pytest.raises(ValueError, match=r"argument `x` must match .* Received: a tensor of dtype int32"):
        add_rows(tf.ones([2, 2], tf.int32))


def test_same_shapes_never_retrace_across_many_calls():
    w = tf.Variable(np.ones((3, 2), np.float32))

    @function
    def step(x):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        w.assign_sub(0.01 * tape.gradient(loss, w))
        return loss

    rng = np.random.default_rng(0)
    for _ in range(1000):
        step(rng.random((4, 3), dtype=np.float32))
    assert step.experimental_get_tracing_count() == 1


def test_matches_eager_numbers():
    rng = np.random.default_rng(1)
    init = rng.normal(size=(3, 2)).astype(np.float32)
    xs = [rng.normal(size=(5, 3)).astype(np.float32) for _ in range(4)]

    def train(step_fn):
        w = tf.Variable(init)

        def step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.math.tanh(tf.matmul(x, w)))
            w.assign_sub(0.1 * tape.gradient(loss, w))
            return loss

        fn = step_fn(step)
        losses = [float(fn(x)) for x in xs]
        return losses, w.numpy()

    eager = train(lambda f: f)
    compiled = train(function)
    np.testing.assert_allclose(compiled[0], eager[0], rtol=1e-5)
    np.testing.assert_allclose(compiled[1], eager[1], rtol=1e-5, atol=1e-6)


def test_python_scalars_are_static_and_retracing_warns_naming_the_argument():
    @function
    def scale(x, factor):
        return x * factor

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for f in (1.0, 2.0, 3.0, 4.0, 5.0):
            assert float(scale(tf.constant(1.0), f)) == f
    with pytest.warns(XlaflowRetracingWarning, match=r"traced 6 times; this call retraces because `factor` \(5.0 -> 6.0\) changed"):
        assert float(scale(tf.constant(1.0), 6.0)) == 6.0
    with pytest.warns(XlaflowRetracingWarning, match=r"`factor` \(6.0 -> 7.0\)"):
        scale(tf.constant(1.0), 7.0)
    assert float(scale(tf.constant(2.0), 3.0)) == 6.0  # cached: no warning
    assert scale.experimental_get_tracing_count() == 7


def test_lazy_variable_creation_on_first_call_and_methods():
    class Dense:
        def __init__(self):
            self.kernel = None

        @function
        def __call__(self, x):
            if self.kernel is None:
                self.kernel = tf.Variable(tf.ones([x.shape[-1], 2]))
            return tf.matmul(x, self.kernel)

    a, b = Dense(), Dense()
    np.testing.assert_allclose(a(tf.ones([1, 3])).numpy(), [[3.0, 3.0]])
    a.kernel.assign(tf.ones([3, 2]) * 2.0)
    np.testing.assert_allclose(a(tf.ones([1, 3])).numpy(), [[6.0, 6.0]])
    np.testing.assert_allclose(b(tf.ones([1, 4])).numpy(), [[4.0, 4.0]])  # own variable


def test_creating_a_variable_on_every_call_is_a_clear_error():
    @function
    def make(x):
        return tf.Variable(x) * 2.0

    # As in TF: the variable made by the first (discovery) run is kept, and the trace
    # that would make another one is refused.
    with pytest.raises(ValueError, match="Variables may only be created on a function's first call"):
        make(tf.constant(1.0))


def test_variable_first_touched_on_a_new_path_is_picked_up():
    a = tf.Variable(1.0)
    b = tf.Variable(10.0)

    @function
    def pick(x, use_b):
        if use_b:
            b.assign_add(x)
            return b.read_value()
        return a + x

    assert float(pick(tf.constant(1.0), False)) == 2.0
    assert float(pick(tf.constant(1.0), True)) == 11.0
    assert float(pick(tf.constant(1.0), True)) == 12.0
    assert float(b) == 12.0 and float(a) == 1.0


def test_tensor_held_by_the_user_survives_donation():
    v = tf.Variable(np.arange(3, dtype=np.float32))
    before = v.value()

    @function
    def bump():
        v.assign_add(tf.ones([3]))

    bump()
    bump()
    np.testing.assert_array_equal(before.numpy(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(v.numpy(), [2.0, 3.0, 4.0])


def test_tape_differentiates_through_a_compiled_call():
    w = tf.Variable(3.0)

    @function
    def f(x):
        return w * x * x

    with tf.GradientTape() as tape:
        y = f(tf.constant(2.0))
    assert float(y) == 12.0
    assert float(tape.gradient(y, w)) == 4.0


def test_nested_functions_inline_and_outputs_keep_structure():
    @function
    def inner(x):
        return {"double": x * 2.0, "label": "static", "none": None}

    @function
    def outer(x):
        out = inner(x)
        return out["double"] + 1.0, out["label"]

    value, label = outer(tf.constant(1.0))
    assert float(value) == 3.0 and label == "static"
    res = inner(jnp.ones(2))
    assert res["label"] == "static" and res["none"] is None and res["double"].shape == (2,)


def test_bad_arguments():
    with pytest.raises(TypeError, match="function: argument `func` must be callable"):
        function(3)
    with pytest.raises(TypeError, match="input_signature` must hold only TensorSpec objects"):
        function(lambda x: x, input_signature=[3])
    f = function(lambda x: x, input_signature=[tf.TensorSpec([2])])
    with pytest.raises(TypeError, match="takes 1 arguments as declared by its input_signature. Received: 2"):
        f(tf.ones([2]), tf.ones([2]))
