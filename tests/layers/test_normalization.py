"""Normalization: adapt on arrays, Tensors and iterables of batches, given statistics,
invert, compiled use, errors, config — against Keras goldens."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras.layers import Normalization
from _norm_attention_golden import case, case_names, close


def adapted(name: str, as_tensor: bool = False, as_generator: bool = False):
    kwargs, a = case(name)
    layer = Normalization(**kwargs)
    batches = [a[k] for k in sorted(k for k in a if k.startswith("adapt"))]
    if batches:
        if as_generator:
            layer.adapt((b for b in batches))
        elif len(batches) > 1:
            layer.adapt(batches)
        else:
            layer.adapt(tf.constant(batches[0]) if as_tensor else batches[0])
    return layer, a


@pytest.mark.parametrize("name", case_names("Normalization"))
def test_matches_keras(name):
    layer, a = adapted(name)
    if "mean" in a:
        close(layer.adapt_mean, a["mean"])
        close(layer.adapt_variance, a["variance"])
    close(layer(a["x"]), a["out"])


@pytest.mark.parametrize("name", ["norm_adapt_last", "norm_adapt_axes"])
def test_adapt_on_a_tensor_matches(name):
    layer, a = adapted(name, as_tensor=True)
    close(layer.adapt_mean, a["mean"])
    close(layer.adapt_variance, a["variance"])
    close(layer(a["x"]), a["out"])


def test_adapt_on_a_generator_of_batches_and_xy_tuples():
    layer, a = adapted("norm_adapt_batches", as_generator=True)
    close(layer.adapt_mean, a["mean"])
    close(layer.adapt_variance, a["variance"])
    _, b = case("norm_adapt_batches")
    tuples = Normalization()
    tuples.adapt([(b["adapt0"], np.zeros(7)), (tf.constant(b["adapt1"]), np.zeros(5)), (b["adapt2"], np.zeros(9))])
    close(tuples.adapt_variance, a["variance"])


def test_adapt_on_datasets_batched_or_not():
    _, a = case("norm_adapt_last")
    data = a["adapt0"]
    for ds in (tf.data.Dataset.from_tensor_slices(data).batch(6),
               tf.data.Dataset.from_tensor_slices((data, data[:, :1])).batch(7),
               tf.data.Dataset.from_tensor_slices(data)):  # single vectors: batched by 128 first
        layer = Normalization()
        layer.adapt(ds)
        close(layer.adapt_mean, a["mean"])
        close(layer.adapt_variance, a["variance"])


def test_weights_compiled_use_and_set_weights():
    layer, a = adapted("norm_adapt_last")
    assert [w.name.split("/")[-1] for w in layer.weights] == ["mean:0", "variance:0", "count:0"]
    assert layer.trainable_weights == [] and layer.count_params() == 7
    compiled = tf.function(lambda x: layer(x))
    close(compiled(a["x"]), a["out"])
    layer.set_weights([np.zeros(3), np.full(3, 4.0), np.array(0)])
    close(layer(a["x"]), a["x"] / 2)
    close(compiled(a["x"]), a["x"] / 2)  # reads the variables: no retrace needed
    assert compiled.experimental_get_tracing_count() == 1


def test_errors_name_the_layer_and_argument():
    with pytest.raises(ValueError, match="both `mean` and `variance` must be set"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="rank of `mean`"):
        Normalization(mean=np.ones((2, 2)), variance=np.ones((2, 2)))
    layer = Normalization(name="norm_strict")
    layer.adapt(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match='Normalization "norm_strict": the layer was built with input_shape=\\(4, 3\\)'):
        layer.adapt(np.ones((4, 5), np.float32))
    with pytest.raises(ValueError, match="adapt\\(\\) received an empty iterable"):
        Normalization().adapt([])
    with pytest.raises(TypeError, match="adapt\\(\\) supports NumPy arrays"):
        Normalization().adapt(3.0)
    with pytest.raises(ValueError, match="cannot adapt a layer created with fixed"):
        Normalization(mean=1.0, variance=1.0).adapt(np.ones((2, 1), np.float32))
    with pytest.raises(ValueError, match="all `axis` values must be in the range"):
        Normalization(axis=3, name="norm_axis")(np.ones((2, 3), np.float32))


def test_config_round_trip():
    layer = Normalization(axis=(1, 2), mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True, name="norm_cfg")
    config = layer.get_config()
    assert config["axis"] == (1, 2) and config["mean"] == [1.0, 2.0] and config["invert"] is True
    clone = Normalization.from_config({**config, "name": "norm_cfg_clone"})
    assert clone.get_config() == {**config, "name": "norm_cfg_clone"}
    plain = Normalization.from_config(Normalization(axis=None).get_config())
    assert plain.axis == () and plain.input_mean is None
