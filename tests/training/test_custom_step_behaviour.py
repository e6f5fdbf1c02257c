"""Custom steps inside fit: equal to the built-in step, run eagerly when asked, every
kind of input, shared optimizers, Keras 2 spellings, saving."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras


def _data(n=40, d=5, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)).astype(np.float32), rng.integers(0, 3, n)


def _layers_model(cls=keras.Model):
    inputs = keras.Input((5,))
    model = cls(inputs, keras.layers.Dense(3, activation="softmax")(keras.layers.Dense(8, activation="relu")(inputs)))
    rng = np.random.default_rng(3)
    model.set_weights([rng.normal(scale=0.3, size=w.shape).astype(np.float32) for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


class SameAsDefault(keras.Model):
    """Keras 3's default train step, written out."""

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for m in self.metrics:
            if m.name == "loss":
                m.update_state(loss)
            else:
                m.update_state(y, y_pred, sample_weight)
        return {m.name: m.result() for m in self.metrics}


def test_an_override_identical_to_the_default_gives_the_same_weights():
    x, y = _data()
    default, custom = _layers_model(), _layers_model(SameAsDefault)
    h1 = default.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    h2 = custom.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(default.get_weights(), custom.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(h1.history["accuracy"], h2.history["accuracy"], rtol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)


def test_the_ragged_last_batch_reaches_a_custom_step_unpadded():
    seen = []

    class Sizes(keras.Model):
        def train_step(self, data):
            x, y = data
            seen.append(tuple(x.shape))
            return {"rows": tf.cast(tf.shape(x)[0], tf.float32)}

    inputs = keras.Input((5,))
    model = Sizes(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")
    x, y = _data(n=19)
    history = model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    assert sorted(set(seen)) == [(3, 5), (8, 5)]  # traced once per size: 8 and the last 3
    assert history.history["rows"] == [3.0]


def test_run_eagerly_runs_the_python_every_step_with_the_same_numbers():
    calls = []

    class Counting(SameAsDefault):
        def train_step(self, data):
            calls.append(1)
            return super().train_step(data)

    x, y = _data()
    eager = _layers_model(Counting)
    eager.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"], run_eagerly=True)
    eager.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert len(calls) == 5  # once per step
    compiled = _layers_model(Counting)
    calls.clear()
    compiled.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    assert len(calls) == 1  # traced once
    for a, b in zip(eager.get_weights(), compiled.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", [{}, {"run_eagerly": True}, {"jit_compile": False}])
@pytest.mark.parametrize("rows", [1, 32, 33, 50])
def test_predict_shapes_in_every_mode(mode, rows):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(5,))])
    model.compile(optimizer="sgd", loss="mse", **mode)
    x = np.ones((rows, 5), np.float32)
    assert model.predict(x, verbose=0).shape == (rows, 1)


def test_fit_takes_generators_py_datasets_and_datasets_of_dicts():
    x, y = _data(n=32)

    class Batches(keras.utils.PyDataset):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.epochs_ended = 0

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]

        def on_epoch_end(self):
            self.epochs_ended += 1

    reference = _layers_model()
    reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    from_py = _layers_model()
    batches = Batches(workers=2, use_multiprocessing=False, max_queue_size=4)
    from_py.fit(batches, epochs=2, verbose=0)
    assert batches.epochs_ended == 2
    from_gen = _layers_model()
    from_gen.fit(((x[i * 8:(i + 1) * 8], y[i * 8:(i + 1) * 8]) for _ in range(2) for i in range(4)),
                 steps_per_epoch=4, epochs=2, verbose=0)
    for model in (from_py, from_gen):
        for a, b in zip(model.get_weights(), reference.get_weights()):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    a_in, b_in = keras.Input((2,), name="a"), keras.Input((3,), name="b")
    merged = keras.layers.Concatenate()([a_in, b_in])
    two = keras.Model({"a": a_in, "b": b_in}, keras.layers.Dense(1)(merged))
    two.compile(optimizer="sgd", loss="mse")
    ds = tf.data.Dataset.from_tensor_slices(({"a": x[:, :2], "b": x[:, 2:]}, x[:, :1])).batch(8)
    history = two.fit(ds, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_one_optimizer_shared_by_two_compiled_models():
    opt = keras.optimizers.Adam(1e-2)
    discriminator = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(4,))])
    discriminator.compile(optimizer=opt, loss="binary_crossentropy")
    generator = keras.Sequential([keras.layers.Dense(4, input_shape=(2,))])
    discriminator.trainable = False
    z = keras.Input((2,))
    combined = keras.Model(z, discriminator(generator(z)))
    combined.compile(optimizer=opt, loss="binary_crossentropy")
    discriminator.trainable = True
    real = np.random.default_rng(0).random((8, 4)).astype(np.float32)
    g_before = [w.copy() for w in generator.get_weights()]
    d_before = [w.copy() for w in discriminator.get_weights()]
    discriminator.train_on_batch(real, np.ones((8, 1), np.float32))
    d_after = [w.copy() for w in discriminator.get_weights()]
    combined.train_on_batch(np.ones((8, 2), np.float32), np.ones((8, 1), np.float32))
    assert not all(np.array_equal(a, b) for a, b in zip(d_before, d_after))
    assert not all(np.array_equal(a, b) for a, b in zip(g_before, generator.get_weights()))
    assert all(np.array_equal(a, b) for a, b in zip(d_after, discriminator.get_weights()))  # frozen in combined


def test_keras2_minimize_with_tape_and_compiled_loss():
    class Keras2(keras.Model):
        def train_step(self, data):
            x, y = data
            with tf.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            self.optimizer.minimize(loss, self.trainable_variables, tape=tape)
            self.compiled_metrics.update_state(y, y_pred)
            out = {}
            for m in self.metrics:
                result = m.result()
                out.update(result if isinstance(result, dict) else {m.name: result})
            return out

    x, y = _data()
    custom, default = _layers_model(Keras2), _layers_model()
    h1 = custom.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    h2 = default.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(custom.get_weights(), default.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-5)  # compiled_loss updates the tracker
    np.testing.assert_allclose(h1.history["accuracy"], h2.history["accuracy"], rtol=1e-6)


def test_custom_step_models_save_and_load(tmp_path):
    x, y = _data()
    model = _layers_model(SameAsDefault)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    path = tmp_path / "custom.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"SameAsDefault": SameAsDefault})
    assert isinstance(loaded, SameAsDefault)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)  # and trains on


def test_steps_per_execution_and_backup_and_restore_with_a_custom_step(tmp_path):
    x, y = _data()
    one = _layers_model(SameAsDefault)
    many = _layers_model(SameAsDefault)
    many.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                 steps_per_execution=3)
    one.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    many.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0,
             callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup"))])
    for a, b in zip(one.get_weights(), many.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
