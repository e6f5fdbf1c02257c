"""Behaviour outside the golden scenarios: ``mode="auto"`` with compiled metrics, bad
arguments, warnings, reuse across fits, NaN handling, LambdaCallback, configs."""

from __future__ import annotations

import importlib.util
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.keras import callbacks as cbs

_spec = importlib.util.spec_from_file_location("_callback_sim", pathlib.Path(__file__).parent / "_callback_sim.py")
sim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sim)


def _model(metrics=None):
    return sim.FakeModel(keras.optimizers.SGD(0.1), metrics=metrics)


class _Container:
    """Like Keras' compiled-metrics wrapper: a metric-like object holding metrics."""

    name = "compile_metrics"

    def __init__(self, metrics):
        self.metrics = metrics


@pytest.mark.parametrize("metric, stops_after", [
    (keras.metrics.BinaryAccuracy(name="acc"), [0, 1, 2]),         # goes up: 0.5, 0.62, 0.6 -> stop
    (keras.metrics.MeanSquaredError(name="acc"), [0, 1]),          # goes down: 0.62 is worse than 0.5
])
def test_auto_mode_follows_the_compiled_metric_direction(metric, stops_after):
    model = _model(metrics=[_Container([metric])])
    rec = sim.run_fit(keras.callbacks, [cbs.EarlyStopping(monitor="val_acc", patience=1)], model, sim.logs_acc())
    assert rec["epochs_run"] == stops_after


def test_auto_mode_minimises_loss_and_rejects_unknown_directions():
    rec = sim.run_fit(keras.callbacks, [cbs.EarlyStopping(monitor="loss", patience=0)], _model(),
                      [{"loss": 1.0}, {"loss": 0.5}, {"loss": 0.7}])
    assert rec["epochs_run"] == [0, 1, 2]
    with pytest.raises(ValueError, match="EarlyStopping callback received monitor=val_acc.*mode='max'"):
        sim.run_fit(keras.callbacks, [cbs.EarlyStopping(monitor="val_acc")], _model(), sim.logs_acc(2))


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'maximum' is unknown"):
        es = cbs.EarlyStopping(mode="maximum")
    assert es.mode == "auto"


def test_missing_monitor_warns():
    with pytest.warns(UserWarning, match="Early stopping conditioned on metric `val_loss` which is not available"):
        rec = sim.run_fit(keras.callbacks, [cbs.EarlyStopping()], _model(), [{"loss": 1.0}])
    assert rec["epochs_run"] == [0]
    with pytest.warns(UserWarning, match="Learning rate reduction is conditioned on metric `val_loss`"):
        sim.run_fit(keras.callbacks, [cbs.ReduceLROnPlateau()], _model(), [{"loss": 1.0}])


def test_early_stopping_is_reusable_across_fits():
    es = cbs.EarlyStopping(patience=2, restore_best_weights=True)
    first = sim.run_fit(keras.callbacks, [es], _model(), sim.logs_loss_val())
    second = sim.run_fit(keras.callbacks, [es], _model(), sim.logs_loss_val())
    assert first["epochs_run"] == second["epochs_run"] == [0, 1, 2, 3, 4, 5]
    assert first["set_weights"] == second["set_weights"] == [4.0]


def test_model_checkpoint_arguments_and_directories(tmp_path):
    with pytest.raises(ValueError, match="ModelCheckpoint: argument `save_freq`.*Received: save_freq='batch'"):
        cbs.ModelCheckpoint("m.keras", save_freq="batch")
    with pytest.raises(ValueError, match=r"must end in `.weights.h5`.*Received: filepath=m.keras"):
        cbs.ModelCheckpoint("m.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"must end in `.keras`.*Received: filepath=m.ckpt"):
        cbs.ModelCheckpoint("m.ckpt")
    model = _model()
    rec = sim.run_fit(keras.callbacks, [cbs.ModelCheckpoint(tmp_path / "a" / "b" / "m{epoch}.keras")], model,
                      sim.logs_loss_val(2))
    assert [s[1] for s in rec["saves"]] == [str(tmp_path / "a" / "b" / f"m{e}.keras") for e in (1, 2)]
    assert (tmp_path / "a" / "b").is_dir()
    with pytest.raises(KeyError, match="Failed to format this callback filepath"):
        sim.run_fit(keras.callbacks, [cbs.ModelCheckpoint(str(tmp_path / "{nope}.keras"))], _model(),
                    sim.logs_loss_val(1))
    with pytest.warns(UserWarning, match="Can save best model only with val_auc available"):
        rec = sim.run_fit(keras.callbacks, [cbs.ModelCheckpoint(str(tmp_path / "x.keras"), monitor="val_auc",
                                                                 mode="max", save_best_only=True)],
                          _model(), sim.logs_loss_val(1))
    assert len(rec["saves"]) == 1


def test_reduce_lr_rejects_factor_at_least_one():
    with pytest.raises(ValueError, match="ReduceLROnPlateau does not support a factor >= 1.0. Received factor=1.5"):
        cbs.ReduceLROnPlateau(factor=1.5)


def test_scheduler_sets_a_rate_the_next_step_uses_and_checks_its_output():
    opt = keras.optimizers.SGD(0.1)
    model = sim.FakeModel(opt)
    sim.run_fit(keras.callbacks, [cbs.LearningRateScheduler(lambda epoch, lr: 0.5)], model, [{"loss": 1.0}])
    v = tf.Variable(1.0)
    opt.apply_gradients([(tf.constant(1.0), v)])
    assert float(v) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="the output of the `schedule` function should be a float. Got: 1"):
        sim.run_fit(keras.callbacks, [cbs.LearningRateScheduler(lambda epoch, lr: 1)], _model(), [{"loss": 1.0}])
    with pytest.raises(ValueError, match="LearningRateScheduler: argument `schedule`"):
        cbs.LearningRateScheduler(0.1)


def test_terminate_on_nan_inf_and_raise_error():
    rec = sim.run_fit(keras.callbacks, [cbs.TerminateOnNaN()], _model(), sim.logs_loss_val(3),
                      batch_logs=lambda e, s: {"loss": float("inf") if s == 1 else 1.0})
    assert rec["stopped_in_epoch_at_step"] == [0, 1] and rec["epochs_run"] == [0]
    assert "Batch 1: Invalid loss, terminating training" in rec["output"]
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 0"):
        sim.run_fit(keras.callbacks, [cbs.TerminateOnNaN(raise_error=True)], _model(), sim.logs_loss_val(1),
                    batch_logs=lambda e, s: {"loss": float("nan")})


def test_lambda_callback_hooks_and_extra_hooks():
    events = []
    cb = cbs.LambdaCallback(
        on_train_begin=lambda logs: events.append("begin"),
        on_epoch_begin=lambda epoch, logs: events.append(("epoch", epoch)),
        on_train_batch_end=lambda batch, logs: events.append(("batch", batch, logs["loss"])),
        on_epoch_end=lambda epoch, logs: events.append(("end", epoch, logs["val_loss"])),
        on_train_end=lambda logs: events.append("done"),
        on_test_end=lambda logs: events.append(("test", logs["loss"])),
    )
    sim.run_fit(keras.callbacks, [cb], _model(), sim.logs_loss_val(1), steps=2)
    assert events == ["begin", ("epoch", 0), ("batch", 0, 2.0), ("batch", 1, 2.0), ("test", 1.0), ("end", 0, 1.0),
                      "done"]
    with pytest.raises(TypeError, match="LambdaCallback: argument `on_epoch_end` must be callable"):
        cbs.LambdaCallback(on_epoch_end=3)


def test_csv_logger_lists_are_quoted_and_file_closed(tmp_path):
    path = tmp_path / "log.csv"
    csv_logger = cbs.CSVLogger(path)
    cbl = cbs.CallbackList([csv_logger], model=_model(), verbose=0, epochs=1, steps=1)
    cbl.on_train_begin()
    cbl.on_epoch_end(0, {"loss": 1.0, "per_class": np.array([0.5, 0.25])})
    cbl.on_train_end()
    assert path.read_text() == 'epoch,loss,per_class,val_loss,val_per_class\n0,1.0,"""[0.5, 0.25]""",NA,NA\n'
    assert csv_logger.csv_file.closed


@pytest.mark.parametrize("cls, kwargs", [
    (cbs.EarlyStopping, dict(monitor="loss", min_delta=0.1, patience=3, verbose=1, mode="min", baseline=0.5,
                             restore_best_weights=True, start_from_epoch=2)),
    (cbs.ModelCheckpoint, dict(filepath="m.weights.h5", monitor="acc", verbose=1, save_best_only=True,
                               save_weights_only=True, mode="max", save_freq=5, initial_value_threshold=0.3)),
    (cbs.ReduceLROnPlateau, dict(monitor="loss", factor=0.5, patience=2, verbose=1, mode="min", min_delta=0.01,
                                 cooldown=1, min_lr=0.001)),
    (cbs.CSVLogger, dict(filename="x.csv", separator=";", append=True)),
    (cbs.TerminateOnNaN, dict(raise_error=True)),
    (cbs.History, {}),
    (cbs.ProgbarLogger, {}),
])
def test_config_round_trip(cls, kwargs):
    cb = cls(**kwargs)
    assert cb.get_config() == kwargs
    assert cls.from_config(cb.get_config()).get_config() == kwargs
