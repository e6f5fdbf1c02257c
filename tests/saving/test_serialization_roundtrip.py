"""``serialize_keras_object`` / ``deserialize_keras_object``: every allowlisted class of
every family (layers, models, optimizers, schedules, losses, metrics, initializers,
regularizers, constraints) survives a JSON round trip with an identical config, and
Keras 3's special value forms decode as Keras decodes them."""

import inspect
import json
import warnings

import numpy as np
import pytest

from xlaflow import keras
from xlaflow.saving import allowlist, deserialize_keras_object, serialize_keras_object

ABSTRACT = {"LearningRateSchedule", "Regularizer", "Optimizer", "LossFunctionWrapper", "MeanMetricWrapper"}


def _square(x):
    return x * x


WITH_ARGS = {
    "Activation": dict(activation="relu"), "AveragePooling1D": dict(pool_size=2), "AveragePooling2D": dict(pool_size=2),
    "Bidirectional": dict(layer=None), "Conv1D": dict(filters=2, kernel_size=3), "Conv2D": dict(filters=2, kernel_size=3),
    "Conv2DTranspose": dict(filters=2, kernel_size=3), "Dense": dict(units=3, activation="tanh"),
    "DepthwiseConv2D": dict(kernel_size=3), "Dot": dict(axes=1), "Dropout": dict(rate=0.3),
    "Embedding": dict(input_dim=5, output_dim=2), "GRU": dict(units=2), "GRUCell": dict(units=2),
    "InputLayer": dict(shape=(3,)), "LSTM": dict(units=2), "LSTMCell": dict(units=2),
    "MultiHeadAttention": dict(num_heads=2, key_dim=3), "Permute": dict(dims=(2, 1)), "RepeatVector": dict(n=2),
    "Reshape": dict(target_shape=(2, 2)), "SeparableConv2D": dict(filters=2, kernel_size=3),
    "SimpleRNN": dict(units=2), "SimpleRNNCell": dict(units=2),
    "Hashing": dict(num_bins=4, salt=3), "HashedCrossing": dict(num_bins=5),
    "CosineDecay": dict(initial_learning_rate=0.1, decay_steps=10),
    "CosineDecayRestarts": dict(initial_learning_rate=0.1, first_decay_steps=10),
    "ExponentialDecay": dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
    "InverseTimeDecay": dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "PiecewiseConstantDecay": dict(boundaries=[10], values=[0.1, 0.01]),
    "PolynomialDecay": dict(initial_learning_rate=0.1, decay_steps=10),
}


def _instances():
    out = []
    for family in allowlist.SEARCH_ORDER:
        for name, cls in sorted(allowlist.table(family).items()):
            if not inspect.isclass(cls) or name in ABSTRACT:
                continue
            kwargs = dict(WITH_ARGS.get(name, {}))
            if name in ("Bidirectional", "TimeDistributed"):
                kwargs = {"layer": keras.layers.LSTM(2) if name == "Bidirectional" else keras.layers.Dense(2)}
            if name == "RNN":
                kwargs = {"cell": keras.layers.SimpleRNNCell(2)}
            if name in ("Lambda", "Functional"):
                continue  # covered by test_load_safety / test_model_saving (need functions / a graph)
            out.append(pytest.param(family, cls, kwargs, id=f"{family}.{name}"))
    return out


@pytest.mark.parametrize("family,cls,kwargs", _instances())
def test_every_class_round_trips(family, cls, kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        obj = cls(**kwargs)
    config = serialize_keras_object(obj)
    assert config["class_name"] == cls.__name__ and config["registered_name"] is None
    assert config["module"].startswith("keras")
    text = json.dumps(config)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = deserialize_keras_object(json.loads(text))
    assert type(back) is cls
    assert serialize_keras_object(back) == config


def test_special_value_forms():
    values = [np.arange(3, dtype=np.int64), b"bytes", slice(1, None, 2), Ellipsis, [1, (2, 3)], {"k": 1.5}]
    for value in values:
        back = deserialize_keras_object(json.loads(json.dumps(serialize_keras_object(value))))
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(back, value)
            assert back.dtype == value.dtype
        elif isinstance(value, list):
            assert back == [1, [2, 3]]
        else:
            assert back == value
    tensor = deserialize_keras_object({"class_name": "__tensor__", "config": {"value": [[1.0]], "dtype": "float32"}})
    np.testing.assert_array_equal(np.asarray(tensor), [[1.0]])


@keras.saving.register_keras_serializable(package="tests_rt")
class HalfInit(keras.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return keras.initializers.Constant(0.5)(shape, dtype=dtype)

    def get_config(self):
        return {}


def test_registered_objects_nested_in_layer_configs(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2, activation="tanh", kernel_initializer=HalfInit(),
                                                 input_shape=(3,))])
    config = serialize_keras_object(model)
    dense = config["config"]["layers"][1]["config"]
    assert dense["kernel_initializer"]["class_name"] == "HalfInit"
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    x = np.ones((1, 3), np.float32)
    np.testing.assert_allclose(np.asarray(loaded(x)), np.asarray(model(x)), rtol=1e-6)
    assert isinstance(loaded.layers[0].kernel_initializer, HalfInit)
