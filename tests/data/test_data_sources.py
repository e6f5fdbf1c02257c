"""Sources: from_tensor_slices / from_tensors / range / zip / from_generator / text files."""

from __future__ import annotations

import collections
import gzip

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.data import structure


def test_from_tensor_slices_nested_structures():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.arange(4, dtype=np.int32)
    ds = tf.data.Dataset.from_tensor_slices({"img": x, "meta": (y, y * 2)})
    assert ds.element_spec == {"img": tf.TensorSpec((3,), tf.float32), "meta": (tf.TensorSpec((), tf.int32), tf.TensorSpec((), tf.int32))}
    els = list(ds.as_numpy_iterator())
    assert len(els) == 4 and len(ds) == 4
    np.testing.assert_array_equal(els[2]["img"], x[2])
    assert els[3]["meta"] == (3, 6)


def test_from_tensor_slices_namedtuple_and_tensors():
    Pt = collections.namedtuple("Pt", "a b")
    ds = tf.data.Dataset.from_tensor_slices(Pt(tf.constant([1.0, 2.0]), np.array([3, 4], np.int32)))
    first = next(iter(ds))
    assert isinstance(first, Pt) and isinstance(first.a, tf.Tensor)
    assert float(first.a) == 1.0 and int(first.b) == 3


def test_python_lists_are_tensors_with_tf_dtypes():
    ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4]])
    assert ds.element_spec == tf.TensorSpec((2,), tf.int32)
    ds = tf.data.Dataset.from_tensor_slices([1.5, 2.5])
    assert ds.element_spec == tf.TensorSpec((), tf.float32)


def test_from_tensors_is_one_element():
    ds = tf.data.Dataset.from_tensors((np.zeros((2, 3), np.float32), 7))
    assert int(ds.cardinality()) == 1
    (a, b), = list(ds.as_numpy_iterator())
    assert a.shape == (2, 3) and b == 7


def test_range_forms_and_dtype():
    assert list(tf.data.Dataset.range(4).as_numpy_iterator()) == [0, 1, 2, 3]
    assert list(tf.data.Dataset.range(5, 1, -2).as_numpy_iterator()) == [5, 3]
    assert len(tf.data.Dataset.range(0)) == 0
    ds = tf.data.Dataset.range(3, dtype=tf.float32)
    assert ds.element_spec.dtype == tf.float32


def test_zip_mixed_random_access_and_generator():
    gen = tf.data.Dataset.from_generator(lambda: iter(range(100, 103)), output_signature=tf.TensorSpec((), tf.int32))
    ds = tf.data.Dataset.zip((tf.data.Dataset.range(10), gen))
    assert int(ds.cardinality()) == tf.data.UNKNOWN_CARDINALITY
    assert [tuple(map(int, e)) for e in ds.as_numpy_iterator()] == [(0, 100), (1, 101), (2, 102)]
    assert tf.data.Dataset.zip(tf.data.Dataset.range(3), tf.data.Dataset.range(2)).cardinality() == 2


def test_from_generator_with_args_and_output_types():
    def gen(n):
        for i in range(int(n)):
            yield i, [float(i)] * i

    ds = tf.data.Dataset.from_generator(gen, output_types=(tf.int32, tf.float32), output_shapes=((), (None,)), args=(3,))
    assert ds.element_spec == (tf.TensorSpec((), tf.int32), tf.TensorSpec((None,), tf.float32))
    got = list(ds.as_numpy_iterator())
    assert [g[0] for g in got] == [0, 1, 2] and got[2][1].tolist() == [2.0, 2.0]
    assert got[1][1].dtype == np.float32
    # re-iterable: the generator is called again
    assert len(list(ds)) == 3


def test_text_line_dataset_and_list_files(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"alpha\nbeta\r\ngamma")
    with gzip.open(tmp_path / "b.txt.gz", "wb") as f:
        f.write(b"one\ntwo\n")
    ds = tf.data.TextLineDataset(str(tmp_path / "a.txt"))
    assert ds.element_spec == structure.StringSpec(())
    assert list(ds.as_numpy_iterator()) == [b"alpha", b"beta", b"gamma"]
    assert list(ds) == [b"alpha", b"beta", b"gamma"]  # string tensors compare equal to bytes
    assert list(tf.data.TextLineDataset([str(tmp_path / "b.txt.gz")], compression_type="GZIP").as_numpy_iterator()) == [b"one", b"two"]
    files = tf.data.Dataset.list_files(str(tmp_path / "*.txt*"), shuffle=False)
    names = [n.decode() for n in files.as_numpy_iterator()]
    assert names == sorted([str(tmp_path / "a.txt"), str(tmp_path / "b.txt.gz")])
    shuffled = sorted(n.decode() for n in tf.data.Dataset.list_files(str(tmp_path / "*"), seed=3).as_numpy_iterator())
    assert shuffled == names
    lines = tf.data.Dataset.list_files(str(tmp_path / "a.txt")).interleave(tf.data.TextLineDataset, cycle_length=1)
    assert list(lines.as_numpy_iterator()) == [b"alpha", b"beta", b"gamma"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="no files matched"):
        tf.data.Dataset.list_files(str(tmp_path / "*.csv"))


def test_text_state_resumes(tmp_path):
    (tmp_path / "a.txt").write_text("\n".join(f"l{i}" for i in range(6)))
    it = iter(tf.data.TextLineDataset(str(tmp_path / "a.txt")))
    next(it), next(it)
    state = it.get_state()
    rest = list(it)
    it2 = iter(tf.data.TextLineDataset(str(tmp_path / "a.txt")))
    it2.set_state(state)
    assert list(it2) == rest == [b"l2", b"l3", b"l4", b"l5"]
