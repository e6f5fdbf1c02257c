"""``BackupAndRestore``: a fit interrupted mid-epoch resumes and ends with the uninterrupted weights."""

from __future__ import annotations

import os

import numpy as np
import pytest

from xlaflow import keras
from tests.training.test_train_on_batch import data, mlp


class Crash(Exception):
    pass


class CrashAt(keras.callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise Crash()


@pytest.mark.parametrize("save_freq, crash", [("epoch", (2, 1)), (2, (1, 4))])
def test_interrupted_fit_resumes_to_the_same_weights(tmp_path, save_freq, crash):
    x, y = data(96)
    keras.utils.set_random_seed(3)
    ref = mlp()
    init = ref.get_weights()
    ref.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=True)

    keras.utils.set_random_seed(3)
    model = mlp()
    model.set_weights(init)
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"), save_freq=save_freq)
    with pytest.raises(Crash):
        model.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=True, callbacks=[backup, CrashAt(*crash)])
    assert os.listdir(tmp_path / "backup")
    # a new process would build a fresh model and optimizer: do the same
    keras.utils.set_random_seed(99)
    fresh = mlp()
    hist = fresh.fit(x, y, batch_size=16, epochs=4, verbose=0, shuffle=True,
                     callbacks=[keras.callbacks.BackupAndRestore(str(tmp_path / "backup"), save_freq=save_freq)])
    for a, b in zip(fresh.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert int(fresh.optimizer.iterations.numpy()) == int(ref.optimizer.iterations.numpy())
    assert not os.path.exists(tmp_path / "backup")  # deleted after a normal end
    assert len(hist.history["loss"]) == 4 - crash[0]  # resumed in the epoch that crashed


def test_model_checkpoint_best_value_survives_a_restart(tmp_path):
    x, y = data(48)
    path = str(tmp_path / "best.weights.h5")
    model = mlp()
    cb = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=True)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[cb])
    best = cb.best
    saved = os.path.getmtime(path)
    # a restarted run from worse weights must not overwrite the better checkpoint
    worse = mlp()
    rng = np.random.default_rng(0)
    worse.set_weights([rng.normal(size=w.shape).astype(np.float32) * 10 for w in worse.get_weights()])
    worse.compile(optimizer=keras.optimizers.SGD(0.0), loss="categorical_crossentropy")
    restarted = keras.callbacks.ModelCheckpoint(path, monitor="loss", save_best_only=True, save_weights_only=True)
    worse.fit(x, y, epochs=1, batch_size=16, verbose=0, callbacks=[restarted])
    assert worse.evaluate(x, y, verbose=0) > best  # (really worse)
    assert restarted.best == best and os.path.getmtime(path) == saved
