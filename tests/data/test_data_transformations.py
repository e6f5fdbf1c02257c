"""Transformations beyond the golden cases: cache files, padded_batch structures,
cardinality bookkeeping, options, AUTOTUNE names."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf


def test_constants_and_experimental_names():
    assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1
    assert tf.data.INFINITE_CARDINALITY == -1 and tf.data.UNKNOWN_CARDINALITY == -2
    assert int(tf.data.experimental.cardinality(tf.data.Dataset.range(4))) == 4


@pytest.mark.parametrize("make, expected", [
    (lambda: tf.data.Dataset.range(10).repeat(), -1),
    (lambda: tf.data.Dataset.range(10).repeat().take(25), 25),
    (lambda: tf.data.Dataset.range(10).repeat().batch(4), -1),
    (lambda: tf.data.Dataset.range(10).repeat(3).batch(4), 8),
    (lambda: tf.data.Dataset.range(10).repeat(3).batch(4, drop_remainder=True), 7),
    (lambda: tf.data.Dataset.range(10).skip(12), 0),
    (lambda: tf.data.Dataset.range(10).filter(lambda x: x > 2).repeat(), -2),
    (lambda: tf.data.Dataset.range(10).shuffle(3).map(lambda x: x).prefetch(1).cache(), 10),
    (lambda: tf.data.Dataset.range(10).concatenate(tf.data.Dataset.range(3).repeat()), -1),
    (lambda: tf.data.Dataset.range(10).batch(4).unbatch(), -2),
    (lambda: tf.data.Dataset.from_tensor_slices(np.zeros((10, 4), np.float32)).batch(5, drop_remainder=True).unbatch(), 10),
])
def test_cardinality(make, expected):
    ds = make()
    assert int(ds.cardinality()) == expected
    assert ds.cardinality() == expected


def test_cache_in_memory_reads_input_once_and_file_cache(tmp_path):
    calls = []

    def gen():
        calls.append(1)
        yield from range(5)

    ds = tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int32)).cache()
    assert list(ds.as_numpy_iterator()) == list(range(5))
    assert list(ds.as_numpy_iterator()) == list(range(5))
    assert len(calls) == 1
    # a filled cache is random access: shuffle + batch use the fast path
    assert ds.random_access() is not None
    assert sorted(np.concatenate(list(ds.shuffle(5, seed=1).batch(2).as_numpy_iterator())).tolist()) == list(range(5))
    path = str(tmp_path / "c")
    f1 = tf.data.Dataset.from_tensor_slices((np.arange(4, dtype=np.float32), np.array([b"a", b"b", b"c", b"d"], dtype=object))).cache(path)
    first = list(f1.as_numpy_iterator())
    f2 = tf.data.Dataset.from_tensor_slices((np.zeros(4, np.float32), np.array([b"z"] * 4, dtype=object))).cache(path)
    assert list(f2.as_numpy_iterator()) == first  # read back from the file, not the new input
    assert first[1] == (1.0, b"b")


def test_padded_batch_dict_and_strings():
    ds = tf.data.Dataset.from_generator(
        lambda: iter([{"ids": [1, 2, 3], "name": "a"}, {"ids": [4], "name": "bb"}]),
        output_signature={"ids": tf.TensorSpec((None,), tf.int32), "name": _string_spec()})
    batch = next(ds.padded_batch(2, padding_values={"ids": -1, "name": b""}).as_numpy_iterator())
    assert batch["ids"].tolist() == [[1, 2, 3], [4, -1, -1]]
    assert batch["name"].tolist() == [b"a", b"bb"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not fit the padded shape"):
        list(tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).padded_batch(3, padded_shapes=[2]).as_numpy_iterator())


def _string_spec():
    from xlaflow.data.structure import StringSpec

    return StringSpec(())


def test_unbatch_take_batch_spans_input_batches():
    x = np.arange(30, dtype=np.float32).reshape(15, 2)
    ds = tf.data.Dataset.from_tensor_slices(x).batch(4).unbatch().batch(6)
    out = list(ds.as_numpy_iterator())
    assert [o.shape for o in out] == [(6, 2), (6, 2), (3, 2)]
    np.testing.assert_array_equal(np.concatenate(out), x)


def test_with_options_and_apply():
    opts = tf.data.Options()
    opts.deterministic = True
    opts.experimental_optimization.map_parallelization = True
    ds = tf.data.Dataset.range(3).with_options(opts).apply(lambda d: d.map(lambda x: x + 1))
    assert ds.options().deterministic is True
    assert list(ds.as_numpy_iterator()) == [1, 2, 3]


def test_batched_elements_are_read_only_views_not_copies_of_user_data():
    x = np.arange(12, dtype=np.float32).reshape(6, 2)
    batch = next(tf.data.Dataset.from_tensor_slices(x).batch(3).as_numpy_iterator())
    with pytest.raises(ValueError):
        batch[0, 0] = 5.0
    assert x[0, 0] == 0.0


def test_reduce_and_get_single_element():
    total = tf.data.Dataset.range(5).reduce(0, lambda s, x: s + x)
    assert isinstance(total, tf.Tensor) and int(total) == 10
    assert int(tf.data.Dataset.range(5).take(1).skip(0).get_single_element()) == 0
    with pytest.raises(tf.errors.InvalidArgumentError, match="more than one"):
        tf.data.Dataset.range(2).get_single_element()
