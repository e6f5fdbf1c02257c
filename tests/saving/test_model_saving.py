"""``model.save`` / ``load_model`` / ``save_weights`` / ``load_weights`` round trips in xlaflow,
configs of ``Sequential`` and subclassed models, and resumed training."""

import json
import os
import zipfile

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.saving import LoadError


def _mlp(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.layers.Dense(5, activation="relu", input_shape=(4,)), keras.layers.Dense(2)])


def _data():
    rng = np.random.default_rng(3)
    return rng.normal(size=(8, 4)).astype(np.float32), rng.normal(size=(8, 2)).astype(np.float32)


def _tape_step(model, opt, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    grads = tape.gradient(loss, model.trainable_variables)
    opt.apply_gradients(zip(grads, model.trainable_variables))


def _same(a, b):
    assert len(a) == len(b)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(np.asarray(u.numpy()), np.asarray(v.numpy()))


def test_keras_archive_layout(tmp_path):
    model = _mlp()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.optimizer.build(model.trainable_variables)
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        assert sorted(z.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(z.read("config.json"))
        meta = json.loads(z.read("metadata.json"))
    assert meta["keras_version"].startswith("3.")
    assert config["class_name"] == "Sequential" and config["module"] == "keras"
    assert [l["class_name"] for l in config["config"]["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert config["config"]["layers"][0]["config"]["batch_shape"] == [None, 4]
    assert config["config"]["layers"][2]["build_config"] == {"input_shape": [None, 5]}
    assert config["compile_config"]["optimizer"]["class_name"] == "Adam"
    assert config["compile_config"]["loss"] == "mse"
    assert not [f for f in os.listdir(tmp_path) if f != "m.keras"]  # no temporary file left


def test_load_model_restores_optimizer_and_tape_training_continues_exactly(tmp_path):
    x, y = _data()
    model = _mlp()
    opt = keras.optimizers.Adam(0.01)
    model.optimizer = opt  # a custom loop's optimizer, saved with the model
    for _ in range(2):
        _tape_step(model, opt, x, y)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.optimizer, keras.optimizers.Adam) and loaded.optimizer is not opt
    _same(model.weights, loaded.weights)
    _same(opt.variables, loaded.optimizer.variables)
    for _ in range(3):
        _tape_step(model, opt, x, y)
        _tape_step(loaded, loaded.optimizer, x, y)
    _same(model.weights, loaded.weights)


def test_train_on_batch_continues_exactly_after_load(tmp_path):
    x, y = _data()
    model = _mlp()
    schedule = keras.optimizers.schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5)
    model.compile(optimizer=keras.optimizers.RMSprop(schedule, momentum=0.5), loss=keras.losses.MeanSquaredError(),
                  metrics=["mae", keras.metrics.RootMeanSquaredError()])
    model.train_on_batch(x, y)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded.optimizer.get_config()["learning_rate"], dict)  # the schedule came back
    for _ in range(2):
        assert model.train_on_batch(x, y, return_dict=True) == loaded.train_on_batch(x, y, return_dict=True)
    _same(model.weights, loaded.weights)
    _same(model.optimizer.variables, loaded.optimizer.variables)


def test_load_model_compile_false_has_no_optimizer(tmp_path):
    model = _mlp()
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", compile=False)
    assert getattr(loaded, "optimizer", None) is None
    _same(model.weights, loaded.weights)


def test_save_weights_load_weights_round_trip(tmp_path):
    x, y = _data()
    model = _mlp(0)
    model.optimizer = keras.optimizers.Adam(0.01)
    _tape_step(model, model.optimizer, x, y)
    model.save_weights(tmp_path / "w.weights.h5")
    saved = [w.numpy().copy() for w in model.weights]
    other = _mlp(1)
    other.optimizer = keras.optimizers.Adam(0.01)
    other.load_weights(tmp_path / "w.weights.h5")
    _same(model.weights, other.weights)
    _same(model.optimizer.variables, other.optimizer.variables)  # built from the file's state
    _tape_step(model, model.optimizer, x, y)
    _tape_step(other, other.optimizer, x, y)
    _same(model.weights, other.weights)
    plain = _mlp(2)  # no optimizer: the file's optimizer state is ignored
    plain.load_weights(tmp_path / "w.weights.h5")
    for s, w in zip(saved, plain.weights):
        np.testing.assert_array_equal(s, w.numpy())


def test_load_weights_from_keras_archive(tmp_path):
    model = _mlp(0)
    model.save(tmp_path / "m.keras")
    other = _mlp(1)
    other.load_weights(tmp_path / "m.keras")
    _same(model.weights, other.weights)


def test_mismatched_weights_raise_and_leave_model_untouched(tmp_path):
    model = _mlp(0)
    model.save_weights(tmp_path / "w.weights.h5")
    keras.utils.set_random_seed(1)
    wrong = keras.Sequential([keras.layers.Dense(5, input_shape=(4,)), keras.layers.Dense(3)])
    before = [w.numpy().copy() for w in wrong.weights]
    with pytest.raises(LoadError, match="shape"):
        wrong.load_weights(tmp_path / "w.weights.h5")
    for b, w in zip(before, wrong.weights):  # all or nothing: the first layer was not assigned either
        np.testing.assert_array_equal(b, w.numpy())
    with pytest.warns(UserWarning, match="Skipping"):
        wrong.load_weights(tmp_path / "w.weights.h5", skip_mismatch=True)
    np.testing.assert_array_equal(wrong.weights[0].numpy(), model.weights[0].numpy())


def test_file_name_and_overwrite_rules(tmp_path):
    model = _mlp()
    with pytest.raises(ValueError, match=r"\.keras"):
        model.save(tmp_path / "m.h5")
    with pytest.raises(ValueError, match=r"\.weights\.h5"):
        model.save_weights(tmp_path / "m.h5")
    model.save(tmp_path / "m.keras")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(tmp_path / "m.keras", overwrite=False)
    with pytest.raises(FileNotFoundError):
        keras.models.load_model(tmp_path / "missing.keras")
    with pytest.raises(TypeError, match="safe_mode"):
        keras.models.load_model(tmp_path / "m.keras", safe_mode="no")


def test_unbuilt_model_cannot_load_weights(tmp_path):
    _mlp().save_weights(tmp_path / "w.weights.h5")
    model = keras.Sequential([keras.layers.Dense(5), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="not built"):
        model.load_weights(tmp_path / "w.weights.h5")


def test_sequential_config_round_trip_and_legacy_layout():
    model = keras.Sequential([keras.layers.Conv2D(2, 3, input_shape=(6, 6, 1)), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")], name="seq")
    config = model.get_config()
    again = keras.Sequential.from_config(config)
    assert again.name == "seq" and again.built
    assert [type(l).__name__ for l in again.layers] == ["Conv2D", "Flatten", "Dense"]
    assert [tuple(w.shape.as_list()) for w in again.weights] == [tuple(w.shape.as_list()) for w in model.weights]
    assert again.get_config() == config
    legacy = {"name": "old", "layers": [{"class_name": "Dense", "config": {"units": 2, "batch_input_shape": [None, 3]}}]}
    old = keras.Sequential.from_config(legacy)
    assert old.built and tuple(old.weights[0].shape.as_list()) == (3, 2)


@keras.saving.register_keras_serializable(package="tests_saving")
class TwoLayer(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(units, activation="tanh")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_subclassed_registered_model_round_trip(tmp_path):
    keras.utils.set_random_seed(0)
    model = TwoLayer(units=4, name="two")
    x, _ = _data()
    expected = np.asarray(model(x))
    assert model.get_config() == {"name": "two", "trainable": True, "dtype": "float32", "units": 4}
    model.save(tmp_path / "m.keras")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        config = json.loads(z.read("config.json"))
    assert config["registered_name"] == "tests_saving>TwoLayer"
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert isinstance(loaded, TwoLayer) and loaded.units == 4
    np.testing.assert_array_equal(np.asarray(loaded(x)), expected)


class Unregistered(keras.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_objects_and_scope(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,)), Unregistered(3.0)])
    model.save(tmp_path / "m.keras")
    with pytest.raises(LoadError, match="Unregistered"):
        keras.models.load_model(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"Unregistered": Unregistered})
    assert loaded.layers[1].factor == 3.0
    with keras.saving.custom_object_scope({"Unregistered": Unregistered}):
        assert keras.models.load_model(tmp_path / "m.keras").layers[1].factor == 3.0


def test_register_keras_serializable_rules():
    with pytest.raises(ValueError, match="get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))
    with pytest.raises(ValueError, match="package"):
        keras.saving.register_keras_serializable(package="a>b")
    assert keras.saving.get_registered_name(TwoLayer) == "tests_saving>TwoLayer"
    assert keras.saving.get_registered_object("tests_saving>TwoLayer") is TwoLayer


@keras.saving.register_keras_serializable(package="tests_saving")
class Block(keras.layers.Layer):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.inner = keras.layers.Dense(units, activation="tanh")

    def build(self, input_shape):
        self.inner.build(input_shape)
        self.built = True

    def call(self, inputs):
        return self.inner(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_nested_layers_optimizer_slots_follow_keras_order(tmp_path):
    """Keras stores slots by position in *its* trainable-variable order (each layer's own,
    then its sub-layers', depth first); the file holds them in that order whichever order
    the optimizer was built with (here: reversed)."""
    from xlaflow.saving.object_walk import keras_trainable_variables, optimizer_variables

    x, y = _data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(4, input_shape=(4,)), Block(3), keras.layers.Dense(2)])
    opt = model.optimizer = keras.optimizers.Adam(0.01)
    opt.build(list(reversed(model.trainable_variables)))
    _tape_step(model, opt, x, y)
    model.save(tmp_path / "m.keras")
    view = optimizer_variables(opt, model)
    keras_vars = keras_trainable_variables(model)
    assert [tuple(v.shape.as_list()) for v in view[2::2]] == [tuple(v.shape.as_list()) for v in keras_vars]
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert loaded.get_layer(index=1).inner.built
    for _ in range(2):
        _tape_step(model, opt, x, y)
        _tape_step(loaded, loaded.optimizer, x, y)
    _same(model.weights, loaded.weights)


def test_functional_model_round_trip_with_keras_layout(tmp_path):
    import h5py

    x, y = _data()
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(2)(keras.layers.Dense(3, activation="relu")(inputs))
    model = keras.Model(inputs, outputs)
    model.optimizer = keras.optimizers.Adam(0.01)
    _tape_step(model, model.optimizer, x, y)
    model.save(tmp_path / "f.keras")
    with zipfile.ZipFile(tmp_path / "f.keras") as z:
        config = json.loads(z.read("config.json"))
        with z.open("model.weights.h5") as f, h5py.File(f, "r") as h5:
            groups = sorted(k for k in h5["layers"])
    assert (config["module"], config["class_name"]) == ("keras.src.models.functional", "Functional")
    assert groups == ["dense", "dense_1", "input_layer"]  # Keras 3 lists a functional model's InputLayer
    loaded = keras.models.load_model(tmp_path / "f.keras")
    np.testing.assert_array_equal(np.asarray(loaded(x)), np.asarray(model(x)))
    _same(model.optimizer.variables, loaded.optimizer.variables)
