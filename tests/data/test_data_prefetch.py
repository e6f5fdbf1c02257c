"""prefetch: runs ahead while the consumer computes, surfaces errors, stops cleanly."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.data import adapter

STEP = 0.03


def _slow_source(n):
    def gen():
        for i in range(n):
            time.sleep(STEP)  # producing an element takes STEP (sleep: no CPU needed)
            yield i
    return tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int32))


def _consume(ds):
    t0 = time.perf_counter()
    out = []
    for v in ds.as_numpy_iterator():
        time.sleep(STEP)  # the consumer computes for STEP per element
        out.append(int(v))
    return out, time.perf_counter() - t0


def test_prefetch_overlaps_production_with_consumption():
    n = 10
    out, serial = _consume(_slow_source(n))
    out2, overlapped = _consume(_slow_source(n).prefetch(2))
    assert out == out2 == list(range(n))
    assert serial >= 2 * n * STEP * 0.95
    assert overlapped < 0.75 * serial, (overlapped, serial)


def test_generator_error_surfaces_through_prefetch():
    def gen():
        yield 1
        yield "not a number"

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int32)).prefetch(3)
    it = iter(ds)
    assert int(next(it)) == 1
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"from_generator.*element 1"):
        next(it)
    with pytest.raises(StopIteration):
        next(it)


def test_closing_iterator_stops_producer_thread():
    ds = tf.data.Dataset.range(10**9).prefetch(2)
    before = threading.active_count()
    it = iter(ds)
    next(it)
    it.close()
    del it
    deadline = time.time() + 2
    while threading.active_count() > before and time.time() < deadline:
        time.sleep(0.01)
    assert threading.active_count() <= before


def test_adapter_iterates_numpy_and_device():
    x = np.arange(20, dtype=np.float32).reshape(10, 2)
    ds = tf.data.Dataset.from_tensor_slices((x, x[:, 0])).batch(4).prefetch(2)
    batches = list(adapter.iterate_numpy(ds))
    assert [b[0].shape[0] for b in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), x)
    dev = list(adapter.iterate_device(ds))
    assert all(type(b[1]).__module__.startswith("jax") for b in dev)
    assert adapter.steps(ds) == 3 and adapter.steps(ds.repeat()) is None and adapter.is_infinite(ds.repeat())
    assert adapter.steps(ds.filter(lambda a, b: True)) is None
