"""String elements in tf.data: string tensors in map functions (tf.strings ops), batch,
shuffle, padded_batch of split tokens, TextLineDataset and from_generator specs."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf


def test_map_batch_shuffle_with_string_ops():
    ds = tf.data.Dataset.from_tensor_slices(["Hello World", "Foo  Bar", "x"])
    assert ds.element_spec == tf.TensorSpec([], tf.string)
    lowered = ds.map(tf.strings.lower)
    first = next(iter(lowered))
    assert first.dtype == tf.string and first.numpy() == b"hello world"
    pairs = list(ds.map(lambda s: (s, tf.strings.length(s))).as_numpy_iterator())
    assert pairs == [(b"Hello World", 11), (b"Foo  Bar", 8), (b"x", 1)]
    tokens = ds.map(tf.strings.split)
    assert tokens.element_spec == tf.TensorSpec([None], tf.string)
    batch = next(tokens.padded_batch(3).as_numpy_iterator())
    assert batch.tolist() == [[b"Hello", b"World"], [b"Foo", b"Bar"], [b"x", b""]]
    shuffled = sorted(ds.shuffle(3, seed=2).batch(3).as_numpy_iterator().__next__().tolist())
    assert shuffled == [b"Foo  Bar", b"Hello World", b"x"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="holds a RaggedTensor .* return x.to_tensor"):
        list(ds.batch(2).map(tf.strings.split))
    assert [b.shape for b in ds.batch(2).map(lambda x: tf.strings.split(x).to_tensor())] == [[2, 2], [1, 1]]


def test_text_lines_and_generators(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_bytes("Déjà vu\nSECOND line\n".encode())
    lines = tf.data.TextLineDataset(str(path)).map(lambda s: tf.strings.lower(s, encoding="utf-8"))
    assert list(lines.as_numpy_iterator()) == ["déjà vu".encode(), b"second line"]
    gen = tf.data.Dataset.from_generator(lambda: iter(["a", "bb"]), output_signature=tf.TensorSpec([], tf.string))
    assert [int(n) for n in gen.map(tf.strings.length)] == [1, 2]
    with pytest.raises(tf.errors.InvalidArgumentError, match="string was expected"):
        list(tf.data.Dataset.from_generator(lambda: iter([np.float32(1)]),
                                            output_signature=tf.TensorSpec([], tf.string)))
