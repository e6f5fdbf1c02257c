"""Bad input: clear errors naming the dataset operation, the argument or the element."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf


def test_from_tensor_slices_mismatched_first_dimensions():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"from_tensor_slices.*same size in their first dimension.*\(10, 3\).*\(9,\)"):
        tf.data.Dataset.from_tensor_slices((np.zeros((10, 3), np.float32), np.zeros(9, np.float32)))
    with pytest.raises(ValueError, match="rank >= 1"):
        tf.data.Dataset.from_tensor_slices(np.float32(3.0))
    with pytest.raises(ValueError, match="from_tensor_slices"):
        tf.data.Dataset.from_tensor_slices([[1, 2], [3]])


@pytest.mark.parametrize("size", [0, -2])
def test_batch_size_must_be_positive(size):
    with pytest.raises(tf.errors.InvalidArgumentError, match=rf"Dataset\.batch: argument `batch_size` must be greater than zero. Received: {size}"):
        tf.data.Dataset.range(5).batch(size)
    with pytest.raises(tf.errors.InvalidArgumentError, match="padded_batch"):
        tf.data.Dataset.range(5).padded_batch(size)


def test_non_integer_arguments():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"Dataset\.take: argument `count` must be an integer"):
        tf.data.Dataset.range(5).take(1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_parallel_calls"):
        tf.data.Dataset.range(5).map(lambda x: x, num_parallel_calls=0)


def _gen_ds(values, spec):
    return tf.data.Dataset.from_generator(lambda: iter(values), output_signature=spec)


def test_generator_values_must_match_signature():
    spec = (tf.TensorSpec((2,), tf.float32), tf.TensorSpec((), tf.int32))
    ok = ([1.0, 2.0], 3)
    cases = [
        ([ok, ok, ([1.0, 2.0, 3.0], 1)], r"element 2 whose component \[0\] has shape \(3,\) where a value of shape \(2,\) was expected"),
        ([ok, ([1.0, 2.0], 2.5)], r"element 1 whose component \[1\] could not be converted to int32"),
        ([ok, ([1.0, 2.0],)], r"element 1 that did not match the structure.*tuple of 2"),
        ([(["a", "b"], 1)], r"element 0 whose component \[0\] could not be converted to float32"),
    ]
    for values, pattern in cases:
        it = iter(_gen_ds(values, spec))
        with pytest.raises(tf.errors.InvalidArgumentError, match=pattern):
            for _ in it:
                pass


def test_generator_that_raises_and_bad_signature():
    def gen():
        yield 1
        raise RuntimeError("disk gone")

    with pytest.raises(tf.errors.InvalidArgumentError, match="raised RuntimeError while producing element 1: disk gone"):
        list(tf.data.Dataset.from_generator(gen, output_signature=tf.TensorSpec((), tf.int32)))
    with pytest.raises(TypeError, match="output_signature"):
        tf.data.Dataset.from_generator(lambda: iter([1]), output_signature=(int,))
    with pytest.raises(TypeError, match="callable"):
        tf.data.Dataset.from_generator([1, 2], output_signature=tf.TensorSpec((), tf.int32))


def test_batching_ragged_elements_suggests_padded_batch():
    ds = tf.data.Dataset.range(1, 4).map(lambda x: tf.fill([x], x)).batch(3)
    with pytest.raises(tf.errors.InvalidArgumentError, match="padded_batch"):
        list(ds.as_numpy_iterator())


def test_len_of_infinite_and_unknown():
    with pytest.raises(TypeError, match="infinite"):
        len(tf.data.Dataset.range(3).repeat())
    with pytest.raises(TypeError, match="unknown"):
        len(tf.data.Dataset.range(3).filter(lambda x: x > 1))


def test_concatenate_incompatible():
    with pytest.raises(tf.errors.InvalidArgumentError, match="concatenate"):
        tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensor_slices(np.zeros(3, np.float32)))
