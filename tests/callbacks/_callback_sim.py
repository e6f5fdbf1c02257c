"""A tiny simulated ``fit`` that drives callbacks through a ``CallbackList``.

Shared by the tests in this directory and by ``tools/golden/make_callbacks_golden.py``,
which runs the very same scenarios against real Keras 3 callbacks: the scenario
runner takes the callbacks module (``keras.callbacks`` or ``xlaflow.keras.callbacks``)
and an optimizer as arguments and imports neither framework itself.

The loop follows Keras' ``fit`` order: ``on_train_begin``; per epoch
``on_epoch_begin``, per step ``on_train_batch_begin(step)`` /
``on_train_batch_end(step, logs)`` (leaving the epoch early when a callback set
``model.stop_training``), a validation pass through ``on_test_*`` hooks when the
epoch's logs hold ``val_*`` entries, ``on_epoch_end(epoch, logs)``; finally
``on_train_end(logs)``. The fake model's single weight equals ``epoch + 1`` after
an epoch (``epoch + (step + 1) / steps`` inside it), so restored weights identify
the epoch they come from.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
from typing import Any, Callable

import numpy as np


class FakeModel:
    """The part of a Keras model that callbacks use, recording what they do."""

    def __init__(self, optimizer: Any, metrics: list | None = None):
        self.optimizer = optimizer
        self.stop_training = False
        self.metrics = metrics or []
        self.history = None
        self.weight = 0.0
        self.set_weights_calls: list[float] = []
        self.saves: list[tuple[str, str, float]] = []
        self.layers: list = []

    def get_weights(self) -> list:
        return [np.array([self.weight], np.float32)]

    def set_weights(self, weights: list) -> None:
        self.weight = float(np.asarray(weights[0])[0])
        self.set_weights_calls.append(self.weight)

    def save_weights(self, filepath: str, overwrite: bool = True) -> None:
        self.saves.append(("weights", str(filepath), self.weight))

    def save(self, filepath: str, overwrite: bool = True) -> None:
        self.saves.append(("model", str(filepath), self.weight))


def normalize_output(text: str) -> str:
    """Progress output as a reader sees it: per line the last ``\\r`` redraw, without
    backspaces, colours and trailing blanks, with times replaced by ``T``."""
    lines = []
    for line in text.split("\n"):
        line = line.split("\r")[-1].replace("\b", "")
        line = re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip()
        line = re.sub(r"\d+(s|ms|us)/step", "T/step", line)
        line = re.sub(r"(?<![\w.])(\d+:)?\d+(:\d+)?s(?![\w/])", "Ts", line)
        lines.append(line)
    return "\n".join(lines)


def run_fit(
    cbmod: Any,
    callbacks: list,
    model: FakeModel,
    epoch_logs: list[dict],
    *,
    steps: int | None = 4,
    verbose: int = 0,
    batch_logs: Callable[[int, int], dict] | None = None,
    val_steps: int = 2,
    to_value: Callable[[float], Any] = float,
    workdir: str | None = None,
    capture: bool = True,
) -> dict:
    """Run ``len(epoch_logs)`` epochs of ``steps`` steps and return what happened.

    ``batch_logs(epoch, step)`` gives a step's logs (default: the epoch's training
    entries); ``to_value`` wraps each log value (e.g. into a device scalar).
    Returns the epochs run, the learning rate during each epoch, the History, the
    model's saves and restores, and the normalized printed output.
    """
    epochs = len(epoch_logs)
    n_steps = steps if steps is not None else 3
    cbl = cbmod.CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=model,
                             verbose=verbose, epochs=epochs, steps=steps)
    out = io.StringIO()
    cwd = os.getcwd()
    record: dict = {"epochs_run": [], "lr_during": [], "stopped_in_epoch_at_step": None}
    try:
        if workdir:
            os.chdir(workdir)
        with contextlib.redirect_stdout(out) if capture else contextlib.nullcontext():
            model.stop_training = False
            cbl.on_train_begin()
            logs: dict = {}
            for epoch in range(epochs):
                cbl.on_epoch_begin(epoch)
                record["lr_during"].append(float(np.asarray(model.optimizer.learning_rate)))
                train = {k: v for k, v in epoch_logs[epoch].items() if not k.startswith("val_")}
                for step in range(n_steps):
                    cbl.on_train_batch_begin(step)
                    model.weight = epoch + (step + 1) / n_steps
                    step_logs = batch_logs(epoch, step) if batch_logs else train
                    cbl.on_train_batch_end(step, {k: to_value(v) for k, v in step_logs.items()})
                    if model.stop_training:
                        record["stopped_in_epoch_at_step"] = [epoch, step]
                        break
                model.weight = float(epoch + 1)
                logs = dict(train)
                val = {k[4:]: v for k, v in epoch_logs[epoch].items() if k.startswith("val_")}
                if val:
                    cbl.on_test_begin()
                    for step in range(val_steps):
                        cbl.on_test_batch_begin(step)
                        cbl.on_test_batch_end(step, {k: to_value(v) for k, v in val.items()})
                    cbl.on_test_end(dict(val))
                    logs.update({f"val_{k}": v for k, v in val.items()})
                cbl.on_epoch_end(epoch, {k: to_value(v) for k, v in logs.items()})
                record["epochs_run"].append(epoch)
                if model.stop_training:
                    break
            cbl.on_train_end(logs)
    finally:
        os.chdir(cwd)
    history = model.history
    record["history"] = {k: [float(v) for v in vs] for k, vs in history.history.items()}
    record["history_epoch"] = list(history.epoch)
    record["history_params"] = dict(history.params)
    record["set_weights"] = list(model.set_weights_calls)
    record["saves"] = [list(s) for s in model.saves]
    record["final_weight"] = model.weight
    record["output"] = normalize_output(out.getvalue())
    return record


# --- scenarios shared with the golden generator -------------------------------------

VAL_LOSS = [1.0, 0.8, 0.85, 0.79, 0.81, 0.82, 0.83, 0.7, 0.9, 0.95]
LOSS = [2.0, 1.5, 1.2, 1.0, 0.9, 0.85, 0.8, 0.7, 0.65, 0.6]
VAL_ACC = [0.5, 0.62, 0.6, 0.7, 0.69, 0.71, 0.68, 0.67, 0.8, 0.79]


def logs_loss_val(n: int = 10) -> list[dict]:
    return [{"loss": LOSS[i], "val_loss": VAL_LOSS[i]} for i in range(n)]


def logs_acc(n: int = 10) -> list[dict]:
    return [{"acc": 0.4 + 0.03 * i, "loss": LOSS[i], "val_acc": VAL_ACC[i], "val_loss": VAL_LOSS[i]} for i in range(n)]


def logs_plateau() -> list[dict]:
    loss = [1.0, 0.9, 0.89995, 0.8999, 0.85, 0.85, 0.85, 0.85, 0.84995, 0.849, 0.849, 0.849]
    return [{"loss": v} for v in loss]


def _nan_batches(epoch: int, step: int) -> dict:
    return {"loss": float("nan") if (epoch, step) == (1, 2) else 1.0 / (epoch + step + 1)}


def _progbar_batches(epoch: int, step: int) -> dict:
    return {"acc": 0.25 * step + 0.1 * epoch, "loss": 1.0 / (step + 1) + epoch, "tiny": 0.0005 * (step + 1)}


def _halve_after_two(epoch, lr):
    return lr if epoch < 2 else lr * 0.5


def _old_api(epoch):
    return 0.1 / (epoch + 1)


def scenarios(cbmod: Any) -> dict[str, dict]:
    """name -> {callbacks (fresh instances of ``cbmod``), epoch_logs, run_fit options,
    files to read afterwards, repeat (runs with the same callback instances)}."""
    c = cbmod
    progbar_logs = [{"acc": 0.9 + 0.01 * e, "loss": 0.25 / (e + 1), "tiny": 0.00025, "val_acc": 0.5,
                     "val_loss": 0.5 / (e + 1)} for e in range(2)]
    return {
        "history": dict(callbacks=[], epoch_logs=logs_acc(3)),
        "es_patience2": dict(callbacks=[c.EarlyStopping(patience=2)], epoch_logs=logs_loss_val()),
        "es_min_delta": dict(callbacks=[c.EarlyStopping(monitor="loss", min_delta=0.12, patience=1, verbose=1)],
                             epoch_logs=logs_loss_val()),
        "es_baseline_restore": dict(callbacks=[c.EarlyStopping(patience=3, baseline=0.75, restore_best_weights=True,
                                                               verbose=1)], epoch_logs=logs_loss_val()),
        "es_baseline_met": dict(callbacks=[c.EarlyStopping(patience=2, baseline=0.9, restore_best_weights=True)],
                                epoch_logs=logs_loss_val()),
        "es_start_from_epoch": dict(callbacks=[c.EarlyStopping(patience=1, start_from_epoch=4,
                                                               restore_best_weights=True, verbose=1)],
                                    epoch_logs=logs_loss_val()),
        "es_max": dict(callbacks=[c.EarlyStopping(monitor="val_acc", mode="max", patience=1)], epoch_logs=logs_acc()),
        "es_patience0_restore": dict(callbacks=[c.EarlyStopping(patience=0, restore_best_weights=True, verbose=1)],
                                     epoch_logs=logs_loss_val()),
        "rlr_cooldown": dict(callbacks=[c.ReduceLROnPlateau(factor=0.5, patience=1, cooldown=1, min_lr=0.02,
                                                            verbose=1)], epoch_logs=logs_loss_val()),
        "rlr_min_delta": dict(callbacks=[c.ReduceLROnPlateau(monitor="loss", factor=0.2, patience=2, verbose=1)],
                              epoch_logs=logs_plateau()),
        "lrs": dict(callbacks=[c.LearningRateScheduler(_halve_after_two, verbose=1)], epoch_logs=logs_loss_val(5)),
        "lrs_old_api": dict(callbacks=[c.LearningRateScheduler(_old_api)], epoch_logs=logs_loss_val(3)),
        "ckpt_best": dict(callbacks=[c.ModelCheckpoint("ck/m.{epoch:02d}-{val_loss:.2f}.keras", save_best_only=True,
                                                       verbose=1)], epoch_logs=logs_loss_val(6)),
        "ckpt_all_weights": dict(callbacks=[c.ModelCheckpoint("w.{epoch}.weights.h5", save_weights_only=True)],
                                 epoch_logs=logs_loss_val(3)),
        "ckpt_batches": dict(callbacks=[c.ModelCheckpoint("b/e{epoch}-b{batch}.weights.h5", save_weights_only=True,
                                                          save_freq=3)], epoch_logs=logs_loss_val(3)),
        "ckpt_threshold_max": dict(callbacks=[c.ModelCheckpoint("best.keras", monitor="val_acc", mode="max",
                                                                save_best_only=True, initial_value_threshold=0.65)],
                                   epoch_logs=logs_acc(6)),
        "csv_default": dict(callbacks=[c.CSVLogger("log.csv")], epoch_logs=logs_acc(3), files=["log.csv"]),
        "csv_no_val_append": dict(callbacks=[c.CSVLogger("log2.csv", separator=";", append=True)],
                                  epoch_logs=[{"loss": 0.5, "mae": 0.25}, {"loss": 0.4, "mae": 0.125}],
                                  files=["log2.csv"], repeat=2),
        "nan": dict(callbacks=[c.TerminateOnNaN()], epoch_logs=logs_loss_val(4), run=dict(batch_logs=_nan_batches),
                    ),
        "progbar_v1": dict(callbacks=[], epoch_logs=progbar_logs, run=dict(verbose=1, steps=5,
                                                                           batch_logs=_progbar_batches)),
        "progbar_v2": dict(callbacks=[], epoch_logs=progbar_logs, run=dict(verbose=2, steps=5,
                                                                           batch_logs=_progbar_batches)),
        "progbar_v1_unknown_steps": dict(callbacks=[], epoch_logs=[{"loss": 0.5}], run=dict(verbose=1, steps=None)),
        "progbar_v2_unknown_steps": dict(callbacks=[], epoch_logs=[{"loss": 0.5}, {"loss": 0.25}],
                                         run=dict(verbose=2, steps=None)),
    }


def run_scenario(cbmod: Any, name: str, make_optimizer: Callable[[], Any], workdir: str,
                 to_value: Callable[[float], Any] = float) -> list[dict]:
    """Run one scenario (``repeat`` times with the same callbacks); read its files."""
    sc = scenarios(cbmod)[name]
    records = []
    for _ in range(sc.get("repeat", 1)):
        model = FakeModel(make_optimizer())
        rec = run_fit(cbmod, sc["callbacks"], model, sc["epoch_logs"], workdir=workdir, to_value=to_value,
                      **sc.get("run", {}))
        for f in sc.get("files", []):
            with open(os.path.join(workdir, f)) as fh:
                rec.setdefault("files", {})[f] = fh.read()
        records.append(rec)
    return records
