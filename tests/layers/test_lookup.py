"""StringLookup, IntegerLookup, Hashing and HashedCrossing beyond the goldens: the
JAX path of IntegerLookup in compiled code, the input-type errors and saving."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras


@pytest.mark.parametrize("mode", ["int", "multi_hot", "count", "one_hot", "tf_idf"])
def test_integer_lookup_compiled_matches_eager(mode):
    layer = keras.layers.IntegerLookup(output_mode=mode, num_oov_indices=2 if mode == "int" else 1, mask_token=0)
    layer.adapt(np.array([[1, 2, 2, 7], [7, 7, 3, 0]]))
    x = tf.constant([[1, 9, 7, 0], [3, 3, -4, 2]])
    eager = layer(x).numpy()
    compiled = tf.function(lambda v: layer(v))(x).numpy()
    np.testing.assert_allclose(compiled, eager, rtol=1e-6)
    inverse = keras.layers.IntegerLookup(vocabulary=[12, 36, 1138], invert=True)
    np.testing.assert_array_equal(tf.function(lambda v: inverse(v))(tf.constant([0, 1, 3, 9])).numpy(), [-1, 12, 1138, -1])


def test_integer_lookup_hashing_needs_the_host():
    layer = keras.layers.IntegerLookup(vocabulary=[1, 2], num_oov_indices=3, oov_method="farmhash")
    assert layer(tf.constant([1, 5])).shape == [2]
    with pytest.raises(TypeError, match="runs on the host"):
        tf.function(lambda v: layer(v))(tf.constant([1, 5]))


def test_type_errors_name_the_right_layer():
    with pytest.raises(TypeError, match="StringLookup .* maps strings; it received dtype int"):
        keras.layers.StringLookup(vocabulary=["a"])(np.array([1, 2]))
    with pytest.raises(TypeError, match="IntegerLookup .* maps integers; it received dtype object"):
        keras.layers.IntegerLookup(vocabulary=[1])(tf.constant(["a"]))
    with pytest.raises(ValueError, match="should have an integer or string dtype"):
        keras.layers.HashedCrossing(4)((np.array([1.5]), np.array([2.5])))
    with pytest.raises(NotImplementedError, match="sparse=True"):
        keras.layers.Hashing(4, sparse=True)


def test_string_lookup_ragged_and_pipeline():
    layer = keras.layers.StringLookup(vocabulary=["a", "b"])
    out = layer(tf.strings.split(["a b c", "b"]))
    assert isinstance(out, tf.RaggedTensor) and out.to_list() == [[1, 2, 0], [2]]
    ds = tf.data.Dataset.from_tensor_slices(["a", "c"]).map(layer)
    assert [int(v) for v in ds] == [1, 0]


def test_tf_idf_lookup_saves_its_weights(tmp_path):
    layer = keras.layers.StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "b", "a"], ["c", "a", "d"]])
    model = keras.Sequential([keras.Input(shape=(2,), dtype="string"), layer])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    x = np.array([["a", "z"], ["d", "d"]])
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(loaded.layers[0].idf_weights, layer.idf_weights)
