"""Applying gradients: eager vs compiled, compile counts, learning-rate changes, slots, errors."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.engine import compile_count
from xlaflow.keras import optimizers
from xlaflow.keras.optimizers import schedules


def _vars():
    w = tf.Variable(np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], np.float32), name="w")
    b = tf.Variable(np.array([0.1, -0.3], np.float32), name="b")
    return w, b


def _grads(w, b):
    return [w * 0.1 + 0.3, b * 0.1 - 0.2]


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32) + 0.3).astype(np.float32)
    return tf.constant(x), tf.constant(y)


@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.Adam, optimizers.RMSprop, optimizers.Nadam])
def test_compiled_matches_eager_and_traces_once(cls):
    w1, b1 = _vars()
    eager = cls(learning_rate=0.05)
    for _ in range(5):
        eager.apply_gradients(zip(_grads(w1, b1), [w1, b1]))
    w2, b2 = _vars()
    opt = cls(learning_rate=0.05)

    @tf.function
    def step():
        opt.apply_gradients(zip(_grads(w2, b2), [w2, b2]))

    for _ in range(5):
        step()
    assert step.experimental_get_tracing_count() == 1
    np.testing.assert_allclose(w2.numpy(), w1.numpy(), rtol=1e-6)
    np.testing.assert_allclose(b2.numpy(), b1.numpy(), rtol=1e-6)
    assert int(opt.iterations) == 5


def test_eager_apply_compiles_once():
    w, b = _vars()
    opt = optimizers.Adam(0.01)
    opt.apply_gradients(zip(_grads(w, b), [w, b]))
    before = compile_count()
    for _ in range(5):
        opt.apply_gradients(zip(_grads(w, b), [w, b]))
    assert compile_count() == before
    assert int(opt.iterations) == 6


def test_learning_rate_settable_without_recompiling():
    w, b = _vars()
    opt = optimizers.SGD(learning_rate=0.1)

    @tf.function
    def step():
        opt.apply_gradients([(tf.ones([3, 2]), w), (tf.ones([2]), b)])

    step()
    np.testing.assert_allclose(b.numpy(), [0.0, -0.4], rtol=1e-6)
    opt.learning_rate = 0.5
    assert isinstance(opt.learning_rate, tf.Variable) and not opt.learning_rate.trainable
    np.testing.assert_allclose(float(opt.learning_rate), 0.5)
    step()
    np.testing.assert_allclose(b.numpy(), [-0.5, -0.9], rtol=1e-6)
    assert step.experimental_get_tracing_count() == 1
    # eagerly too: no new compile for a new learning rate
    opt.apply_gradients([(tf.ones([3, 2]), w), (tf.ones([2]), b)])
    before = compile_count()
    opt.learning_rate = 0.25
    opt.apply_gradients([(tf.ones([3, 2]), w), (tf.ones([2]), b)])
    assert compile_count() == before
    np.testing.assert_allclose(b.numpy(), [-1.25, -1.65], rtol=1e-6)


def test_schedule_follows_iterations_in_compiled_step():
    b = tf.Variable(np.zeros(2, np.float32))
    opt = optimizers.SGD(learning_rate=schedules.PiecewiseConstantDecay([1], [1.0, 0.1]))

    @tf.function
    def step():
        opt.apply_gradients([(tf.ones([2]), b)])

    for _ in range(4):
        step()
    # steps 0 and 1 use 1.0, steps 2 and 3 use 0.1
    np.testing.assert_allclose(b.numpy(), [-2.2, -2.2], rtol=1e-6)
    assert step.experimental_get_tracing_count() == 1
    np.testing.assert_allclose(float(opt.learning_rate), 0.1)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.3


def test_callable_learning_rate():
    b = tf.Variable(np.zeros(2, np.float32))
    rate = {"lr": 0.5}
    opt = optimizers.SGD(learning_rate=lambda: rate["lr"])
    opt.apply_gradients([(tf.ones([2]), b)])
    rate["lr"] = 0.25
    opt.apply_gradients([(tf.ones([2]), b)])
    np.testing.assert_allclose(b.numpy(), [-0.75, -0.75])


def test_tape_loop_converges():
    x, y = _data()
    w = tf.Variable(np.zeros((3, 1), np.float32))
    b = tf.Variable(np.zeros(1, np.float32))
    opt = optimizers.Adam(learning_rate=0.1)
    for _ in range(200):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
    assert float(loss) < 1e-3
    np.testing.assert_allclose(w.numpy().ravel(), [1.0, -2.0, 0.5], atol=0.05)


def test_compiled_train_step_with_tape():
    x, y = _data()
    w = tf.Variable(np.zeros((3, 1), np.float32))
    b = tf.Variable(np.zeros(1, np.float32))
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
        return loss

    for _ in range(100):
        loss = train_step(x, y)
    assert float(loss) < 1e-3
    assert train_step.experimental_get_tracing_count() == 1
    assert int(opt.iterations) == 100


def test_minimize_with_callable_and_tape():
    x, y = _data()
    w = tf.Variable(np.zeros((3, 1), np.float32))
    opt = optimizers.SGD(learning_rate=0.1)
    loss_fn = lambda: tf.reduce_mean(tf.square(tf.matmul(x, w) - y))  # noqa: E731
    first = float(loss_fn())
    opt.minimize(loss_fn, [w])
    assert float(loss_fn()) < first
    with tf.GradientTape() as tape:
        loss = loss_fn()
    assert opt.minimize(loss, [w], tape=tape) is opt.iterations
    assert int(opt.iterations) == 2
    with pytest.raises(ValueError, match="`tape` is required"):
        opt.minimize(loss, [w])


def test_slots_are_lazy_and_not_trainable():
    w, b = _vars()
    opt = optimizers.Adam()
    assert [v.name for v in opt.variables] == [opt.iterations.name, opt.learning_rate.name]
    assert not opt.iterations.trainable and not opt.built
    opt.apply_gradients(zip(_grads(w, b), [w, b]))
    assert opt.built and len(opt.variables) == 6
    assert all(not v.trainable for v in opt.variables)
    assert opt.variables[2].shape == (3, 2) and "momentum" in opt.variables[2].name


def test_slots_created_on_first_compiled_call():
    w, b = _vars()
    opt = optimizers.RMSprop(momentum=0.5, centered=True)

    @tf.function
    def step():
        opt.apply_gradients(zip(_grads(w, b), [w, b]))

    step()
    step()
    assert len(opt.variables) == 2 + 3 * 2 and int(opt.iterations) == 2
    assert step.experimental_get_tracing_count() == 1


def test_none_gradients_are_skipped_with_a_warning():
    w, b = _vars()
    opt = optimizers.SGD(1.0)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(None, w), (tf.ones([2]), b)])
    np.testing.assert_allclose(w.numpy()[0], [0.5, -1.0])
    np.testing.assert_allclose(b.numpy(), [-0.9, -1.3], rtol=1e-6)
    with pytest.raises(ValueError, match="no gradients provided"):
        opt.apply_gradients([(None, w), (None, b)])


def test_apply_without_variables_and_subsets():
    w, b = _vars()
    opt = optimizers.Adam(0.1)
    opt.build([w, b])
    opt.apply(_grads(w, b))
    opt.apply([tf.ones([2])], [b])
    assert int(opt.iterations) == 2
    with pytest.raises(ValueError, match="without `trainable_variables`"):
        optimizers.Adam().apply(_grads(w, b))


def test_constraint_weight_decay_exclusion_and_ema():
    w = tf.Variable(np.ones((2,), np.float32), constraint=lambda v: tf.clip_by_value(v, 0.0, 0.95))
    b = tf.Variable(np.ones((2,), np.float32), name="bias")
    opt = optimizers.SGD(0.1, weight_decay=0.5, use_ema=True, ema_momentum=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply_gradients([(tf.zeros([2]), w), (tf.zeros([2]), b)])
    np.testing.assert_allclose(w.numpy(), [0.95, 0.95])  # decayed to 0.95, then constrained
    np.testing.assert_allclose(b.numpy(), [1.0, 1.0])  # excluded
    with pytest.raises(ValueError, match="before the optimizer is built"):
        opt.exclude_from_weight_decay(var_names=["w"])
    w.assign(np.zeros(2, np.float32))
    opt.apply_gradients([(tf.zeros([2]), w), (tf.zeros([2]), b)])
    opt.finalize_variable_values([w, b])
    np.testing.assert_allclose(w.numpy(), [0.475, 0.475])  # 0.5 * 0.95 + 0.5 * 0


def test_set_weights():
    w, b = _vars()
    opt = optimizers.SGD(0.1, momentum=0.5)
    with pytest.raises(ValueError, match="not built"):
        opt.set_weights([])
    opt.build([w, b])
    weights = [np.int32(3), np.float32(0.2), np.ones((3, 2), np.float32), np.ones(2, np.float32)]
    opt.set_weights(weights)
    assert int(opt.iterations) == 3 and np.isclose(float(opt.learning_rate), 0.2)
    with pytest.raises(ValueError, match="shape"):
        opt.set_weights([np.int32(3), np.float32(0.2), np.ones((2, 3), np.float32), np.ones(2, np.float32)])


def test_bad_arguments():
    w, b = _vars()
    with pytest.raises(ValueError, match="`learning_rate` must be >= 0"):
        optimizers.Adam(learning_rate=-0.1)
    with pytest.raises(ValueError, match="`learning_rate` must be a float"):
        optimizers.Adam(learning_rate="fast")
    with pytest.raises(ValueError, match="`learning_rate` must be >= 0"):
        optimizers.SGD().learning_rate = -1.0
    with pytest.raises(ValueError, match="only one of `clipnorm`"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="`clipnorm`"):
        optimizers.SGD(clipnorm=-1.0)
    with pytest.raises(ValueError, match="`momentum`"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="`weight_decay`"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="`beta_1`"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(lr=0.1)
    with pytest.raises(ValueError, match="`gradient_accumulation_steps` must be None or an integer >= 2"):
        optimizers.SGD(gradient_accumulation_steps=1)
    with pytest.raises(ValueError, match="`ema_momentum`"):
        optimizers.Adam(use_ema=True, ema_momentum=2.0)
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="Adam.apply: arguments `grads` and `trainable_variables` must have the same length"):
        opt.apply([tf.ones([3, 2])], [w, b])
    with pytest.raises(ValueError, match=r"argument `grads`.*shape \(2,\) for variable w"):
        opt.apply_gradients([(tf.ones([2]), w), (tf.ones([2]), b)])
    with pytest.raises(ValueError, match="`grads_and_vars` must hold at least one"):
        opt.apply_gradients([])
    with pytest.raises(TypeError, match="xlaflow.Variable"):
        opt.apply_gradients([(tf.ones([2]), tf.ones([2]))])
    opt.apply_gradients(zip(_grads(w, b), [w, b]))
    other = tf.Variable(np.ones(2, np.float32))
    slots = len(opt.variables)
    opt.apply_gradients([(tf.ones([2]), other)])  # a variable met later gets slots of its own (Keras 2's rule)
    assert len(opt.variables) == slots + 2 and not np.allclose(other.numpy(), 1.0)


def test_learning_rate_set_from_a_traced_tensor():
    b = tf.Variable(np.zeros(2, np.float32))
    opt = optimizers.SGD(0.01)

    @tf.function
    def step(lr):
        opt.learning_rate = lr
        opt.apply_gradients([(tf.ones([2]), b)])

    step(tf.constant(0.5))
    step(tf.constant(0.25))
    np.testing.assert_allclose(b.numpy(), [-0.75, -0.75])
    np.testing.assert_allclose(float(opt.learning_rate), 0.25)
    assert step.experimental_get_tracing_count() == 1


def test_custom_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / tf.cast(step + 1, tf.float32)

        def get_config(self):
            return {}

    b = tf.Variable(np.zeros(2, np.float32))
    opt = optimizers.SGD(Halving())
    for _ in range(2):
        opt.apply_gradients([(tf.ones([2]), b)])
    np.testing.assert_allclose(b.numpy(), [-1.5, -1.5])
