"""Golden outputs of tf.data pipelines (issue 6) from real TensorFlow.

Each case is one Python expression building a pipeline with ``tf`` and ``np``; the
test evaluates the same text with ``tf = xlaflow`` and compares elements (as nested
lists), ``cardinality()`` and the element_spec (shapes; dtype names with TF's int64
read as int32, xlaflow's counter dtype without 64-bit mode).

Regenerate (TensorFlow 2.21 lives outside the repository):

    cd /work/main && /tmp/tfenv/bin/python tools/golden/make_data_golden.py

which writes tests/golden/data_pipelines.json.
"""

from __future__ import annotations

import json
import os

import numpy as np

CASES = [
    "tf.data.Dataset.range(10).batch(3)",
    "tf.data.Dataset.range(10).batch(3, drop_remainder=True)",
    "tf.data.Dataset.range(2, 20, 3)",
    "tf.data.Dataset.range(10, 0, -3)",
    "tf.data.Dataset.from_tensor_slices(np.arange(12, dtype=np.float32).reshape(6, 2)).batch(4).unbatch()",
    "tf.data.Dataset.from_tensor_slices((np.arange(6, dtype=np.float32), np.arange(12, dtype=np.int32).reshape(6, 2))).batch(4).unbatch()",
    "tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]])",
    "tf.data.Dataset.from_tensors(([1, 2, 3], 4.5)).repeat(2)",
    "tf.data.Dataset.range(1, 6).interleave(lambda x: tf.data.Dataset.from_tensors(x).repeat(6), cycle_length=2, block_length=4)",
    "tf.data.Dataset.range(3).interleave(lambda x: tf.data.Dataset.range(x * 10, x * 10 + 3), cycle_length=2)",
    "tf.data.Dataset.range(1, 5).interleave(lambda x: tf.data.Dataset.range(x), cycle_length=3, block_length=2)",
    "tf.data.Dataset.range(1, 4).flat_map(lambda x: tf.data.Dataset.range(x))",
    "tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], x)).padded_batch(2)",
    "tf.data.Dataset.range(1, 6).map(lambda x: tf.fill([x], tf.cast(x, tf.float32))).padded_batch(2, padded_shapes=[6], padding_values=-1.0, drop_remainder=True)",
    "tf.data.Dataset.range(10).batch(4).rebatch(3)",
    "tf.data.Dataset.range(10).batch(4).rebatch(3, drop_remainder=True)",
    "tf.data.Dataset.range(11).batch(4).rebatch([2, 3])",
    "tf.data.Dataset.from_tensor_slices(np.array([5., 6., 7.], np.float32)).enumerate(start=2)",
    "tf.data.Dataset.range(3).concatenate(tf.data.Dataset.range(5, 7))",
    "tf.data.Dataset.range(5).repeat(2).skip(3).take(5)",
    "tf.data.Dataset.range(5).take(-1).skip(-1)",
    "tf.data.Dataset.range(5).repeat(0)",
    "tf.data.Dataset.range(10).filter(lambda x: x % 3 == 0)",
    "tf.data.Dataset.from_tensor_slices((np.arange(4, dtype=np.float32), np.arange(4, dtype=np.int32))).map(lambda x, y: (x * 2.0, y + 1)).batch(3)",
    "tf.data.Dataset.from_tensor_slices({'a': np.arange(4, dtype=np.float32), 'b': np.arange(8, dtype=np.int32).reshape(4, 2)}).batch(2)",
    "tf.data.Dataset.from_tensor_slices({'a': np.arange(4, dtype=np.float32), 'b': np.arange(4, dtype=np.int32)}).map(lambda d: d['a'] + tf.cast(d['b'], tf.float32))",
    "tf.data.Dataset.zip((tf.data.Dataset.range(3), tf.data.Dataset.range(10, 14)))",
    "tf.data.Dataset.zip({'x': tf.data.Dataset.range(3), 'y': (tf.data.Dataset.range(2), tf.data.Dataset.range(5))})",
    "tf.data.Dataset.from_generator(lambda: iter([(1, [1.0, 2.0]), (2, [3.0, 4.0]), (3, [5.0, 6.0])]), output_signature=(tf.TensorSpec((), tf.int32), tf.TensorSpec((2,), tf.float32))).batch(2)",
    "tf.data.Dataset.range(7).batch(2).repeat(2)",
    "tf.data.Dataset.range(7).repeat(2).batch(3)",
    "tf.data.Dataset.range(4).map(lambda x: (x, x * 2)).batch(3)",
    "tf.data.Dataset.range(6).batch(2).map(lambda x: tf.reduce_sum(x))",
    "tf.data.Dataset.range(6).cache().repeat(2)",
    "tf.data.Dataset.range(3).repeat()",
    "tf.data.Dataset.range(3).repeat().take(7)",
    "tf.data.Dataset.range(10).batch(3).prefetch(2)",
]
# Pipelines too long (infinite) to list: only cardinality and spec are compared.
NO_ELEMENTS = {"tf.data.Dataset.range(3).repeat()"}


def to_py(x):
    if isinstance(x, dict):
        return {k: to_py(v) for k, v in sorted(x.items())}
    if isinstance(x, (tuple, list)):
        return [to_py(v) for v in x]
    arr = np.asarray(x)
    return arr.tolist()


def spec_py(spec, tf):
    if isinstance(spec, dict):
        return {k: spec_py(v, tf) for k, v in sorted(spec.items())}
    if isinstance(spec, (tuple, list)):
        return [spec_py(v, tf) for v in spec]
    name = spec.dtype.name
    return {"shape": None if spec.shape.rank is None else list(spec.shape.as_list()), "dtype": "int32" if name == "int64" else name}


def main() -> None:
    import tensorflow as tf

    out = []
    for code in CASES:
        ds = eval(code, {"tf": tf, "np": np})
        case = {"code": code, "cardinality": int(ds.cardinality()), "spec": spec_py(ds.element_spec, tf)}
        if code not in NO_ELEMENTS:
            case["elements"] = [to_py(e) for e in ds.as_numpy_iterator()]
        out.append(case)
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "data_pipelines.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=0)
    print(f"wrote {len(out)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
