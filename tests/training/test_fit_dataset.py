"""``fit``/``evaluate``/``predict`` on ``xlaflow.data.Dataset``: the same numbers as on arrays."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from tests.training.test_train_on_batch import data, mlp


def test_fit_on_dataset_equals_fit_on_arrays():
    x, y = data(70)
    a = mlp(metrics=())
    b = mlp(metrics=())
    b.set_weights(a.get_weights())
    ha = a.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(16).prefetch(tf.data.AUTOTUNE)
    hb = b.fit(ds, epochs=2, verbose=0)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-5)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
    assert hb.params["steps"] == 5
    np.testing.assert_allclose(b.evaluate(ds, verbose=0), b.evaluate(x, y, batch_size=16, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(b.predict(ds, verbose=0), b.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_infinite_dataset_needs_steps_per_epoch():
    x, y = data(40)
    model = mlp()
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(8).repeat()
    with pytest.raises(ValueError, match="infinite dataset.*steps_per_epoch"):
        model.fit(ds, epochs=1, verbose=0)
    hist = model.fit(ds, epochs=3, steps_per_epoch=7, verbose=0)
    assert len(hist.history["loss"]) == 3
    assert int(model.optimizer.iterations.numpy()) == 21


def test_validation_data_as_dataset_and_y_with_dataset_is_an_error():
    x, y = data(48)
    model = mlp()
    val = tf.data.Dataset.from_tensor_slices((x[:16], y[:16])).batch(8)
    hist = model.fit(x, y, epochs=1, batch_size=16, validation_data=val, verbose=0)
    assert "val_loss" in hist.history
    with pytest.raises(ValueError, match="`y` must be None"):
        model.fit(val, y, verbose=0)
