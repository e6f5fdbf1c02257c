"""``CallbackList``: default callbacks, params/model wiring, hook forwarding, log
conversion (device scalars stay lazy for built-ins) and ``needs_batch_hooks``."""

from __future__ import annotations

import io

import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow import keras
from xlaflow.keras import callbacks as cbs
from xlaflow.keras.callbacks import LearningRateScheduler


class _Model:
    def __init__(self):
        self.stop_training = False
        self.optimizer = keras.optimizers.SGD(0.1)
        self.history = None


class _Recorder(cbs.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if name.startswith("on_") and callable(attr):
            def record(*args, **kwargs):
                self.calls.append((name, args, kwargs.get("logs", args[-1] if args else None)))
                return attr(*args, **kwargs)
            return record
        return attr


class _Tty(io.StringIO):
    def isatty(self):
        return True


def test_public_paths():
    assert keras.callbacks.EarlyStopping is cbs.EarlyStopping
    import xlaflow.callbacks as impl
    assert LearningRateScheduler is impl.LearningRateScheduler is cbs.LearningRateScheduler


def test_default_callbacks_params_and_model():
    model = _Model()
    user = cbs.Callback()
    cbl = cbs.CallbackList([user], add_history=True, add_progbar=True, model=model, verbose=2, epochs=3, steps=7)
    assert [type(c) for c in cbl.callbacks] == [cbs.Callback, cbs.History, cbs.ProgbarLogger]
    assert model.history is cbl.callbacks[1]
    for c in cbl.callbacks:
        assert c.model is model and c.params == {"verbose": 2, "epochs": 3, "steps": 7}
    progbar = cbl.callbacks[2]
    assert (progbar.verbose, progbar.epochs, progbar.target) == (2, 3, 7)
    # A user's own History/ProgbarLogger is used instead of a second one; nested lists flatten.
    own = cbs.History()
    cbl = cbs.CallbackList([[own], cbs.ProgbarLogger()], add_history=True, add_progbar=True, model=model,
                           verbose=1, epochs=1, steps=1)
    assert len(cbl.callbacks) == 2 and model.history is own
    assert cbs.CallbackList(None).callbacks == []


def test_rejects_non_callbacks():
    with pytest.raises(TypeError, match="CallbackList: argument `callbacks`.*Received an element of type str"):
        cbs.CallbackList(["EarlyStopping"])


def test_end_without_begin_is_an_error():
    cbl = cbs.CallbackList([])
    with pytest.raises(ValueError, match="without a matching"):
        cbl.on_test_end()


def test_every_hook_is_forwarded_in_order():
    rec = _Recorder()
    cbl = cbs.CallbackList([rec], model=_Model(), verbose=0, epochs=1, steps=1)
    cbl.on_train_begin()
    cbl.on_epoch_begin(0)
    cbl.on_train_batch_begin(0)
    cbl.on_train_batch_end(0, {"loss": 1.0})
    cbl.on_test_begin()
    cbl.on_test_batch_begin(0)
    cbl.on_test_batch_end(0, {"loss": 2.0})
    cbl.on_test_end({"loss": 2.0})
    cbl.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    cbl.on_train_end({"loss": 1.0})
    cbl.on_predict_begin()
    cbl.on_predict_batch_begin(0)
    cbl.on_predict_batch_end(0, {"outputs": np.zeros(2)})
    cbl.on_predict_end()
    names = [c[0] for c in rec.calls]
    assert names == ["on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_batch_begin",
                     "on_train_batch_end", "on_batch_end", "on_test_begin", "on_test_batch_begin",
                     "on_test_batch_end", "on_test_end", "on_epoch_end", "on_train_end", "on_predict_begin",
                     "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]


def test_logs_sorted_flattened_floats_for_user_callbacks_lazy_for_builtins():
    seen = {}

    class User(cbs.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen["user"] = logs

    class Builtin(cbs.Callback):
        _accepts_device_logs = True

        def on_train_batch_end(self, batch, logs=None):
            seen["builtin"] = logs

    cbl = cbs.CallbackList([User(), Builtin()], model=_Model())
    cbl.on_train_batch_end(3, {"loss": jnp.float32(0.5), "acc": jnp.float32(0.25), "out": {"mae": 1.5}})
    assert list(seen["user"]) == ["acc", "loss", "mae"]
    assert all(type(v) is float for v in seen["user"].values())
    assert seen["user"] == {"acc": 0.25, "loss": 0.5, "mae": 1.5}
    assert list(seen["builtin"]) == ["acc", "loss", "mae"]
    assert isinstance(seen["builtin"]["loss"], type(jnp.float32(0.5)))  # not synchronised


def test_epoch_logs_are_one_shared_dict_of_floats():
    seen = {}
    model = _Model()
    after = cbs.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.update(logs))
    cbl = cbs.CallbackList([cbs.LearningRateScheduler(lambda e, lr: 0.05), after], model=model, epochs=1)
    cbl.on_epoch_begin(0)
    cbl.on_epoch_end(0, {"loss": jnp.float32(2.0)})
    assert seen == {"loss": 2.0, "learning_rate": pytest.approx(0.05)}
    assert type(seen["loss"]) is float


def _needs(callbacks, mode="train", **params):
    cbl = cbs.CallbackList(callbacks, model=_Model(), **({"verbose": 0, "epochs": 1, "steps": 2} | params))
    return {"train": cbl.needs_batch_hooks, "test": cbl.needs_test_batch_hooks,
            "predict": cbl.needs_predict_batch_hooks}[mode]


class _EpochOnly(cbs.Callback):
    def on_epoch_end(self, epoch, logs=None):
        pass


class _BatchUser(cbs.Callback):
    def on_train_batch_end(self, batch, logs=None):
        pass


class _OldBatchUser(cbs.Callback):
    def on_batch_begin(self, batch, logs=None):
        pass


class _TestBatchUser(cbs.Callback):
    def on_test_batch_end(self, batch, logs=None):
        pass


def test_needs_batch_hooks(monkeypatch, tmp_path):
    assert not _needs([])
    assert not _needs([cbs.History(), _EpochOnly(), cbs.EarlyStopping(), cbs.CSVLogger(tmp_path / "a.csv"),
                       cbs.ReduceLROnPlateau(), cbs.LearningRateScheduler(lambda e, lr: lr),
                       cbs.ModelCheckpoint(str(tmp_path / "m.keras")), cbs.TensorBoard(str(tmp_path))])
    assert _needs([_BatchUser()]) and _needs([_OldBatchUser()])
    assert not _needs([_BatchUser()], "test") and _needs([_TestBatchUser()], "test")
    assert _needs([cbs.LambdaCallback(on_train_batch_end=lambda b, logs: None)])
    assert _needs([cbs.LambdaCallback(on_batch_end=lambda b, logs: None)])
    assert not _needs([cbs.LambdaCallback(on_epoch_end=lambda e, logs: None)])
    assert _needs([cbs.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=10)])
    assert _needs([cbs.TerminateOnNaN()])
    # The progress bar needs them only when it redraws live: verbose=1 on a terminal.
    monkeypatch.setattr("sys.stdout", io.StringIO())
    assert not _needs([cbs.ProgbarLogger()], verbose=1)
    monkeypatch.setattr("sys.stdout", _Tty())
    assert _needs([cbs.ProgbarLogger()], verbose=1)
    assert not _needs([cbs.ProgbarLogger()], verbose=2)
    assert _needs([cbs.ProgbarLogger()], "predict", verbose=1)


def test_append_wires_the_new_callback():
    model = _Model()
    cbl = cbs.CallbackList([], model=model, verbose=0, epochs=2, steps=3)
    late = cbs.Callback()
    cbl.append(late)
    assert late.model is model and late.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert list(cbl) == [late]
