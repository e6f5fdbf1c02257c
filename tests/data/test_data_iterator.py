"""Iteration: Tensors out, use inside @function loops, checkpointable state."""

from __future__ import annotations

import pickle

import jax
import numpy as np
import pytest

import xlaflow as tf


def _np(e):
    if isinstance(e, tuple):
        return tuple(_np(v) for v in e)
    if isinstance(e, dict):
        return {k: _np(v) for k, v in e.items()}
    return np.asarray(e).tolist()


def test_iteration_yields_tensors_and_numpy_iterator_yields_numpy():
    ds = tf.data.Dataset.from_tensor_slices((np.ones((5, 2), np.float32), np.arange(5, dtype=np.int32))).batch(2)
    x, y = next(iter(ds))
    assert isinstance(x, tf.Tensor) and isinstance(y, tf.Tensor)
    assert x.shape.as_list() == [2, 2] and y.dtype == tf.int32
    a, b = next(ds.as_numpy_iterator())
    assert isinstance(a, np.ndarray) and b.tolist() == [0, 1]
    assert isinstance(next(tf.data.Dataset.range(3).as_numpy_iterator()), np.integer)
    it = iter(tf.data.Dataset.range(1))
    assert int(it.get_next()) == 0
    with pytest.raises(tf.errors.OutOfRangeError):
        it.get_next()


def test_seed_002_loop_with_function():
    """Seed 002's third example: for x_batch, y_batch in dataset: train_step(x_batch, y_batch)."""
    rng = np.random.default_rng(0)
    X = rng.random((100, 20)).astype(np.float32)
    Y = rng.integers(0, 2, size=(100, 1)).astype(np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((X, Y)).batch(32)
    total = tf.Variable(0.0)

    @tf.function
    def train_step(x, y):
        total.assign_add(tf.reduce_sum(x) + tf.reduce_sum(y))
        return tf.shape(x)[0]

    sizes = [int(train_step(x_batch, y_batch)) for x_batch, y_batch in dataset]
    assert sizes == [32, 32, 32, 4]
    np.testing.assert_allclose(float(total.numpy()), X.sum() + Y.sum(), rtol=1e-5)
    assert train_step.experimental_get_tracing_count() <= 2  # batch 32 and the last batch of 4


def _resume_check(make, n_before):
    """Consume n_before elements, save, finish; a fresh pipeline restored continues identically."""
    it = iter(make())
    head = [_np(next(it)) for _ in range(n_before)]
    state = pickle.loads(pickle.dumps(it.get_state()))
    rest = [_np(e) for e in it]
    it2 = iter(make())
    it2.set_state(state)
    assert [_np(e) for e in it2] == rest
    return head, rest


def test_state_resumes_shuffled_batched_prefetched_repeated_pipeline():
    x = np.arange(200, dtype=np.float32).reshape(100, 2)
    y = np.arange(100, dtype=np.int32)

    def make():
        return tf.data.Dataset.from_tensor_slices((x, y)).shuffle(30, seed=7).batch(8).repeat(3).prefetch(tf.data.AUTOTUNE)

    head, rest = _resume_check(make, 17)  # mid second epoch
    assert len(head) + len(rest) == 39
    full = [_np(e) for e in make()]
    assert head + rest == full


@pytest.mark.parametrize("n_before", [0, 3, 9])
def test_state_resumes_buffered_shuffle_map_and_interleave(n_before):
    def make():
        gen = tf.data.Dataset.from_generator(lambda: iter(range(12)), output_signature=tf.TensorSpec((), tf.int32))
        return (gen.shuffle(5, seed=2).map(lambda v: v * 10)
                .interleave(lambda v: tf.data.Dataset.range(2).map(lambda i: tf.cast(i, tf.int32) + v), cycle_length=3, block_length=2)
                .batch(2).prefetch(2))

    _resume_check(make, n_before)


def test_state_resumes_unbatch_cache_enumerate_concatenate():
    def make():
        a = tf.data.Dataset.range(10).batch(3).unbatch().cache()
        return a.concatenate(tf.data.Dataset.range(100, 104)).enumerate().skip(2).take(10)

    _resume_check(make, 6)


def test_state_rejects_garbage():
    with pytest.raises(tf.errors.InvalidArgumentError, match="set_state"):
        iter(tf.data.Dataset.range(3)).set_state({"x": 1})


def test_final_prefetch_moves_batches_to_device_in_its_thread():
    ds = tf.data.Dataset.from_tensor_slices(np.ones((64, 4), np.float32)).batch(8).prefetch(4)
    it = iter(ds)
    first = next(it)
    assert isinstance(first.value, jax.Array)
    internal = it._it
    assert internal.device  # the last stage was asked for device arrays
    for _ in range(3):
        next(it)
    np.testing.assert_array_equal(first.numpy(), np.ones((8, 4), np.float32))
    it.close()


@pytest.mark.parametrize("drop", [False, True])
def test_tensor_iteration_moves_chunks_but_matches_numpy(drop):
    x = np.arange(2000, dtype=np.float32).reshape(1000, 2)
    names = np.array([f"r{i}".encode() for i in range(1000)], dtype=object)

    def make():
        ds = tf.data.Dataset.from_tensor_slices((x, names)).shuffle(300, seed=3)
        return ds.repeat(2).batch(7, drop_remainder=drop).prefetch(3).repeat(2).take(500)

    as_np = [(a.tolist(), list(b)) for a, b in make().as_numpy_iterator()]
    as_tensors = [(a.numpy().tolist(), list(b)) for a, b in make()]
    assert as_tensors == as_np
    assert len(as_np) == 500 and len({str(b[0]) for b in as_np}) > 280  # 2 x (285 or 286) batches, cut at 500
    first = next(iter(make()))
    assert isinstance(first[0], tf.Tensor) and first[1].dtype == tf.string  # strings: host string tensors
