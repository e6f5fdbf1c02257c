"""``TensorBoard`` writes event files that the real ``tensorboard`` package reads, with
Keras' directory layout and tag names."""

from __future__ import annotations

import importlib.util
import re
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras

_spec = importlib.util.spec_from_file_location("_callback_sim", pathlib.Path(__file__).parent / "_callback_sim.py")
sim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sim)

event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")


class _Layer:
    def __init__(self, *weights):
        self.weights = list(weights)


def _read(path):
    acc = event_accumulator.EventAccumulator(str(path), size_guidance={"scalars": 0, "histograms": 0})
    acc.Reload()
    return acc


def _scalars(acc, tag):
    return [(e.step, e.value) for e in acc.Scalars(tag)]


def test_epoch_batch_and_histogram_events(tmp_path):
    kernel = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="dense/kernel")
    bias = tf.Variable(np.zeros(3, np.float32), name="dense/bias")
    opt = keras.optimizers.SGD(0.1)
    model = sim.FakeModel(opt)
    model.layers = [_Layer(kernel, bias)]
    logs = sim.logs_acc(3)
    tb = keras.callbacks.TensorBoard(log_dir=tmp_path / "logs", histogram_freq=2, update_freq=3)
    sim.run_fit(keras.callbacks, [tb], model, logs, steps=4,
                batch_logs=lambda e, s: {"loss": 10.0 * e + s, "acc": 0.5})

    train = _read(tmp_path / "logs" / "train")
    val = _read(tmp_path / "logs" / "validation")
    tags = train.Tags()
    assert sorted(tags["scalars"]) == ["batch_acc", "batch_loss", "epoch_acc", "epoch_learning_rate", "epoch_loss"]
    assert _scalars(train, "epoch_loss") == [(e, pytest.approx(logs[e]["loss"])) for e in range(3)]
    assert _scalars(train, "epoch_acc") == [(e, pytest.approx(logs[e]["acc"])) for e in range(3)]
    assert _scalars(train, "epoch_learning_rate") == [(e, pytest.approx(0.1)) for e in range(3)]
    # Global batch count 1..12; written when it is a multiple of update_freq=3.
    assert _scalars(train, "batch_loss") == [(3, 2.0), (6, 11.0), (9, 20.0), (12, 23.0)]
    # Histograms at epochs 0 and 2 (histogram_freq=2), named by weight path.
    # (variable names get a _N suffix when an earlier test made a "dense/kernel" too)
    names = sorted(tags["histograms"])
    assert [re.sub(r"_\d+(?=/)", "", n) for n in names] == ["dense/bias/histogram", "dense/kernel/histogram"]
    hist = train.Histograms(names[1])
    assert [h.step for h in hist] == [0, 2]
    assert hist[0].histogram_value.num == 6 and hist[0].histogram_value.sum == pytest.approx(15.0)
    assert hist[0].histogram_value.min == 0.0 and hist[0].histogram_value.max == 5.0

    assert sorted(val.Tags()["scalars"]) == ["epoch_acc", "epoch_loss", "evaluation_acc_vs_iterations",
                                             "evaluation_loss_vs_iterations"]
    assert _scalars(val, "epoch_loss") == [(e, pytest.approx(logs[e]["val_loss"])) for e in range(3)]
    assert [v for _, v in _scalars(val, "evaluation_acc_vs_iterations")] == pytest.approx(
        [logs[e]["val_acc"] for e in range(3)])


def test_epoch_only_writes_no_batch_scalars_and_needs_no_batch_hooks(tmp_path):
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path))
    cbl = keras.callbacks.CallbackList([tb])
    assert not cbl.needs_batch_hooks
    sim.run_fit(keras.callbacks, [tb], sim.FakeModel(keras.optimizers.SGD(0.1)), [{"loss": 1.0}, {"loss": 0.5}])
    train = _read(tmp_path / "train")
    assert sorted(train.Tags()["scalars"]) == ["epoch_learning_rate", "epoch_loss"]
    assert not (tmp_path / "validation").exists()
    assert keras.callbacks.CallbackList([keras.callbacks.TensorBoard(str(tmp_path), update_freq="batch")]
                                        ).needs_batch_hooks


def test_multi_step_dispatches_count_steps(tmp_path):
    # The trainer may run several steps per dispatch: batch = the last step's index.
    tb = keras.callbacks.TensorBoard(log_dir=str(tmp_path), update_freq=4)
    model = sim.FakeModel(keras.optimizers.SGD(0.1))
    cbl = keras.callbacks.CallbackList([tb], model=model, verbose=0, epochs=2, steps=10)
    cbl.on_train_begin()
    for epoch in range(2):
        cbl.on_epoch_begin(epoch)
        for last in (2, 5, 8, 9):  # dispatches of 3, 3, 3 and 1 steps
            cbl.on_train_batch_begin(last)
            cbl.on_train_batch_end(last, {"loss": float(epoch * 10 + last)})
        cbl.on_epoch_end(epoch, {"loss": 1.0})
    cbl.on_train_end()
    # Global counts after each dispatch: 3,6,9,10, 13,16,19,20 -> multiples of 4 crossed at 6,9,13,16,20.
    assert _scalars(_read(tmp_path / "train"), "batch_loss") == [(6, 5.0), (9, 8.0), (13, 12.0), (16, 15.0),
                                                                  (20, 19.0)]


@pytest.mark.parametrize("kwargs, match", [
    (dict(update_freq="often"), "update_freq"),
    (dict(update_freq=0), "update_freq"),
    (dict(histogram_freq=-1), "histogram_freq"),
    (dict(profile_batch=(5, 2)), "profile_batch"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=f"TensorBoard: argument `{match}`"):
        keras.callbacks.TensorBoard(**kwargs)


def test_profile_batch_is_accepted_with_a_warning():
    with pytest.warns(UserWarning, match="profile_batch"):
        keras.callbacks.TensorBoard(profile_batch="2,4")


def test_config_round_trip(tmp_path):
    tb = keras.callbacks.TensorBoard(str(tmp_path), histogram_freq=1, update_freq="batch")
    config = tb.get_config()
    assert config["update_freq"] == "batch" and config["histogram_freq"] == 1
    assert keras.callbacks.TensorBoard.from_config(config).update_freq == 1
