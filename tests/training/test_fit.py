"""``fit``/``evaluate``/``predict``: the same numbers as the other training styles.

The central check: one seed, one data order, three styles — ``fit``, a
``train_on_batch`` loop and a ``GradientTape`` loop — end with the same weights
(1e-5), including a ragged last batch (which ``fit`` pads and masks).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.engine import compile_count
from tests.training.test_train_on_batch import data, mlp


def _three_models():
    a = mlp(metrics=())
    b, c = mlp(metrics=()), mlp(metrics=())
    b.set_weights(a.get_weights())
    c.set_weights(a.get_weights())
    return a, b, c


@pytest.mark.parametrize("spe", ["auto", 1, 3])
def test_fit_equals_train_on_batch_equals_tape(spe):
    x, y = data(100)  # batches of 32: 32, 32, 32, 4
    a, b, c = _three_models()
    a.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", steps_per_execution=spe)
    hist = a.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
    batch_losses = []
    for _ in range(2):
        for i in range(0, 100, 32):
            batch_losses.append(b.train_on_batch(x[i:i + 32], y[i:i + 32]))
    opt = keras.optimizers.Adam(0.01)
    loss_fn = keras.losses.CategoricalCrossentropy()
    for _ in range(2):
        for i in range(0, 100, 32):
            with tf.GradientTape() as tape:
                loss = loss_fn(y[i:i + 32], c(x[i:i + 32], training=True))
            grads = tape.gradient(loss, c.trainable_variables)
            opt.apply_gradients(zip(grads, c.trainable_variables))
    for wa, wb, wc in zip(a.get_weights(), b.get_weights(), c.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(wa, wc, rtol=1e-5, atol=1e-6)
    # the epoch loss is the sample-weighted mean of the batch losses
    sizes = np.array([32, 32, 32, 4], np.float64)
    expected = np.dot(batch_losses[4:], sizes) / 100
    np.testing.assert_allclose(hist.history["loss"][1], expected, rtol=1e-5)


def test_history_validation_and_evaluate():
    x, y = data(120)
    model = mlp()
    hist = model.fit(x, y, batch_size=16, epochs=3, validation_split=0.25, verbose=0, shuffle=False)
    assert set(hist.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert hist.epoch == [0, 1, 2] and hist.params["epochs"] == 3 and hist.params["steps"] == 6  # 90 rows / 16
    assert model.history is hist
    val = model.evaluate(x[90:], y[90:], batch_size=7, verbose=0, return_dict=True)
    np.testing.assert_allclose(val["loss"], hist.history["val_loss"][-1], rtol=1e-5)
    np.testing.assert_allclose(val["accuracy"], hist.history["val_accuracy"][-1], rtol=1e-6)
    pred = model.predict(x, batch_size=17, verbose=0)
    np.testing.assert_allclose(pred, model(x).numpy(), rtol=1e-5, atol=1e-6)
    acc = np.mean(np.argmax(pred[90:], -1) == np.argmax(y[90:], -1))
    np.testing.assert_allclose(val["accuracy"], acc, rtol=1e-6)


def test_fit_compiles_once_per_shape_and_never_per_epoch():
    x, y = data(100)
    model = mlp()
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)  # several passes: data on the device
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)  # one pass: streamed from the host
    before = compile_count()
    model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    assert compile_count() == before


def test_generators_and_sample_weights():
    x, y = data(64)
    a, b, _ = _three_models()

    def batches():
        for i in range(0, 64, 20):  # 20, 20, 20, 4
            yield x[i:i + 20], y[i:i + 20]

    a.fit(batches(), epochs=1, verbose=0)
    for i in range(0, 64, 20):
        b.train_on_batch(x[i:i + 20], y[i:i + 20])
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
    # zero sample weights: those rows do not count; class_weight scales per class
    m = mlp(metrics=())
    sw = np.ones(64, np.float32)
    sw[32:] = 0
    l_w = m.evaluate(x, y, sample_weight=sw, batch_size=64, verbose=0)
    l_half = m.evaluate(x[:32], y[:32], batch_size=64, verbose=0)
    np.testing.assert_allclose(l_w, l_half * 0.5, rtol=1e-5)  # sum over 32 rows / 64 rows
    cw = {k: 2.0 for k in range(5)}
    h1 = mlp(metrics=())
    h1.set_weights(m.get_weights())
    first = h1.train_on_batch(x, y, class_weight=cw)
    np.testing.assert_allclose(first, 2 * m.test_on_batch(x, y), rtol=1e-5)


def test_callbacks_see_current_weights_and_can_stop():
    x, y = data(64)
    model = mlp()
    seen = []

    class Spy(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append([w.copy() for w in self.model.get_weights()])
            if epoch == 1:
                self.model.stop_training = True

    hist = model.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[Spy()])
    assert len(hist.history["loss"]) == 2
    for got, want in zip(seen[-1], model.get_weights()):
        np.testing.assert_array_equal(got, want)


def test_learning_rate_scheduler_and_early_stopping():
    x, y = data(64)
    model = mlp()
    sched = keras.callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    model.fit(x, y, epochs=3, batch_size=32, verbose=0, callbacks=[sched])
    assert math.isclose(float(model.optimizer.learning_rate.numpy()), 0.1 / 3, rel_tol=1e-6)
    stop = keras.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    hist = model.fit(x, y, epochs=20, batch_size=32, verbose=0, callbacks=[stop])
    assert len(hist.history["loss"]) == 1 + 1  # the first epoch sets the best, the second does not improve by 10


def test_nan_loss_terminate_on_nan_and_history():
    x, y = data(64)
    x[5, 0] = np.nan
    model = mlp()
    hist = model.fit(x, y, epochs=2, batch_size=32, verbose=0, shuffle=False)
    assert len(hist.history["loss"]) == 2 and math.isnan(hist.history["loss"][0])
    model = mlp()
    model.compile(optimizer="adam", loss="categorical_crossentropy", steps_per_execution=1)
    hist = model.fit(x, y, epochs=3, batch_size=32, verbose=0, shuffle=False,
                     callbacks=[keras.callbacks.TerminateOnNaN()])
    assert model.stop_training and len(hist.history.get("loss", [])) <= 1


def test_predict_without_compile_and_errors():
    x, _ = data(10)
    model = keras.Sequential([keras.layers.Dense(3, input_shape=(12,))])
    np.testing.assert_allclose(model.predict(x, verbose=0), model(x).numpy(), rtol=1e-6, atol=1e-6)
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, np.zeros((10, 3)), verbose=0)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, np.zeros((10, 3)), batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_split"):
        model.fit(x, np.zeros((10, 3)), validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match="same number of samples"):
        model.fit(x, np.zeros((9, 3)), verbose=0)


def test_auto_steps_per_execution_trains_convolutions_one_step_per_dispatch_on_cpu():
    """XLA:CPU runs convolution gradients inside a scan loop several times slower, so
    a CNN's train step is dispatched alone on CPU; evaluation keeps the loop."""
    import jax

    cnn = keras.Sequential([keras.layers.Conv2D(4, 3, input_shape=(6, 6, 1)), keras.layers.Flatten(),
                            keras.layers.Dense(2)])
    cnn.compile(optimizer="sgd", loss="mse")
    dense = mlp()
    cpu = jax.default_backend() == "cpu"
    assert cnn._per_dispatch(None, 100, "train") == (1 if cpu else 32)
    assert cnn._per_dispatch(None, 100, "test") == 32
    assert dense._per_dispatch(None, 100, "train") == 32
    cnn.compile(optimizer="sgd", loss="mse", steps_per_execution=8)
    assert cnn._per_dispatch(None, 100, "train") == 8  # the user's choice wins
    x = np.random.default_rng(0).random((70, 6, 6, 1), dtype=np.float32)
    cnn.compile(optimizer="sgd", loss="mse")
    hist = cnn.fit(x, np.zeros((70, 2), np.float32), batch_size=16, epochs=2, shuffle=False, verbose=0)
    assert len(hist.history["loss"]) == 2 and all(math.isfinite(v) for v in hist.history["loss"])
