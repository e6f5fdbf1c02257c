"""map / filter: Tensors in, compiled once per element spec, Python fallback, errors."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf


def test_map_receives_tensors_and_compiles_once():
    seen_types = []

    def f(x, y):
        seen_types.append((type(x), type(y)))
        return tf.square(x) + tf.cast(y, tf.float32)

    x = np.arange(8, dtype=np.float32)
    ds = tf.data.Dataset.from_tensor_slices((x, np.arange(8, dtype=np.int32))).map(f)
    got = [float(v) for v in ds.as_numpy_iterator()]
    assert got == [float(v * v + v) for v in x]
    assert all(t == (tf.Tensor, tf.Tensor) for t in seen_types)
    assert ds._fn.compiled.experimental_get_tracing_count() == 1
    assert ds._fn.fallback_reason is None
    assert len(seen_types) <= 4  # discovery + one trace (+ abstract spec traces), not once per element


def test_map_falls_back_to_python_when_untraceable():
    def f(x):
        v = x.numpy()  # needs a concrete value: cannot be traced
        return tf.constant(v * 10 if v % 2 else -v)

    ds = tf.data.Dataset.range(5).map(f)
    assert list(ds.as_numpy_iterator()) == [0, 10, -2, 30, -4]
    assert "numpy" in ds._fn.fallback_reason


def test_map_with_variables_and_random_ops():
    v = tf.Variable(3.0)
    ds = tf.data.Dataset.from_tensor_slices(np.ones(4, np.float32)).map(lambda x: x * v + tf.random.uniform([]))
    vals = list(ds.as_numpy_iterator())
    assert len(set(vals)) == 4  # a fresh random draw per element
    assert all(3.0 <= a < 4.0 for a in vals)
    v.assign(10.0)
    assert all(a >= 10.0 for a in ds.as_numpy_iterator())


def test_map_structures_and_spec():
    ds = tf.data.Dataset.range(6).batch(4).map(lambda x: {"double": x * 2, "parts": [x, x + 1]})
    spec = ds.element_spec
    assert spec["double"].shape.as_list() == [None]
    assert isinstance(spec["parts"], tuple)  # a returned list becomes a tuple (TF)
    first = next(iter(ds))
    assert first["double"].numpy().tolist() == [0, 2, 4, 6]
    assert first["parts"][1].numpy().tolist() == [1, 2, 3, 4]


def test_parallel_map_keeps_order():
    ds = tf.data.Dataset.range(40)
    seq = list(ds.map(lambda x: x * 3 + 1).as_numpy_iterator())
    par = list(ds.map(lambda x: x * 3 + 1, num_parallel_calls=tf.data.AUTOTUNE).as_numpy_iterator())
    assert par == seq == [3 * i + 1 for i in range(40)]


def _boom_at_3(x):
    if int(x) == 3:
        raise ValueError("bad element")
    return x


@pytest.mark.parametrize("parallel", [None, 4])
def test_map_error_names_operation_and_element(parallel):
    ds = tf.data.Dataset.range(6).map(_boom_at_3, num_parallel_calls=parallel)
    it = ds.as_numpy_iterator()
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Dataset\.map.*ValueError on element 3.*bad element") as info:
        next(it)
    assert isinstance(info.value.__cause__, ValueError)


def test_map_error_in_prefetch_thread_reaches_consumer():
    ds = tf.data.Dataset.range(10).map(_boom_at_3).batch(1).prefetch(4)
    got = []
    with pytest.raises(tf.errors.InvalidArgumentError, match="element 3"):
        for x in ds:
            got.append(int(x[0]))
    assert got == [0, 1, 2]


def test_filter():
    ds = tf.data.Dataset.range(10).filter(lambda x: tf.equal(x % 2, 0))
    assert list(ds.as_numpy_iterator()) == [0, 2, 4, 6, 8]
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    with pytest.raises(tf.errors.InvalidArgumentError, match="scalar boolean"):
        list(tf.data.Dataset.range(3).filter(lambda x: x).as_numpy_iterator())


def test_flat_map_and_interleave_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match="must return a Dataset"):
        list(tf.data.Dataset.range(2).flat_map(lambda x: x).as_numpy_iterator())


def test_map_is_not_recorded_by_an_enclosing_tape():
    v = tf.Variable(2.0)
    ds = tf.data.Dataset.from_tensor_slices(np.ones(3, np.float32)).map(lambda x: x * v)
    with tf.GradientTape() as tape:
        total = tf.add_n([x for x in ds]) * v
    assert float(tape.gradient(total, v)) == 6.0  # only the outer multiply: data is constant
