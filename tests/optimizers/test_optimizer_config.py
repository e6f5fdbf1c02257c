"""Optimizer and schedule configs, ``get``/``serialize``/``deserialize``, and schedule errors."""

from __future__ import annotations

import json

import jax
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import optimizers
from xlaflow.keras.optimizers import schedules

ALL = [optimizers.SGD, optimizers.Adam, optimizers.AdamW, optimizers.RMSprop, optimizers.Adagrad,
       optimizers.Adadelta, optimizers.Adamax, optimizers.Nadam, optimizers.Lion]


@pytest.mark.parametrize("cls", ALL)
def test_config_round_trip(cls):
    opt = cls(learning_rate=0.02, clipnorm=1.5, name="mine")
    config = opt.get_config()
    json.dumps(config)
    assert config["name"] == "mine" and np.isclose(config["learning_rate"], 0.02) and config["clipnorm"] == 1.5
    again = cls.from_config(config)
    assert type(again) is cls and again.get_config() == config
    assert type(optimizers.deserialize(optimizers.serialize(opt))) is cls


def test_keras_defaults():
    adam = optimizers.Adam().get_config()
    assert (adam["beta_1"], adam["beta_2"], adam["epsilon"], adam["amsgrad"]) == (0.9, 0.999, 1e-7, False)
    assert np.isclose(adam["learning_rate"], 0.001)
    assert np.isclose(optimizers.SGD().get_config()["learning_rate"], 0.01)
    assert optimizers.AdamW().weight_decay == 0.004
    rms = optimizers.RMSprop().get_config()
    assert (rms["rho"], rms["momentum"], rms["epsilon"], rms["centered"]) == (0.9, 0.0, 1e-7, False)
    assert optimizers.Adagrad().initial_accumulator_value == 0.1
    assert optimizers.Adadelta().rho == 0.95
    assert (optimizers.Lion().beta_1, optimizers.Lion().beta_2) == (0.9, 0.99)


def test_schedule_in_config():
    sched = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    config = optimizers.Adam(learning_rate=sched).get_config()
    assert config["learning_rate"]["class_name"] == "ExponentialDecay"
    again = optimizers.Adam.from_config(config)
    assert isinstance(again._learning_rate, schedules.ExponentialDecay)
    np.testing.assert_allclose(float(again.learning_rate), 0.1)


def test_get():
    assert isinstance(optimizers.get("adam"), optimizers.Adam)
    assert isinstance(optimizers.get("SGD"), optimizers.SGD)
    assert isinstance(optimizers.get("rmsprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("adamw"), optimizers.AdamW)
    opt = optimizers.Nadam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None
    got = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.5, "momentum": 0.9}})
    assert isinstance(got, optimizers.SGD) and got.momentum == 0.9
    with pytest.raises(ValueError, match="`identifier`.*Received: identifier='adamm'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="unknown optimizer 'Foo'"):
        optimizers.deserialize({"class_name": "Foo", "config": {}})
    with pytest.raises(ValueError, match="identifier"):
        optimizers.get(3)


def test_auto_names():
    assert optimizers.Adam().name.startswith("adam")
    assert optimizers.RMSprop().name.startswith("rm_sprop")


ALL_SCHEDULES = [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([10, 20], [0.3, 0.2, 0.1]),
    schedules.PolynomialDecay(0.1, 50, cycle=True),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
    schedules.CosineDecay(0.1, 100, warmup_target=0.2, warmup_steps=10),
    schedules.CosineDecayRestarts(0.1, 20),
]


@pytest.mark.parametrize("sched", ALL_SCHEDULES, ids=lambda s: type(s).__name__)
def test_schedule_config_and_jit(sched):
    again = type(sched).from_config(sched.get_config())
    assert again.get_config() == sched.get_config()
    again = schedules.deserialize(schedules.serialize(sched))
    eager = [float(sched(s)) for s in (0, 7, 15, 33)]
    assert [float(again(s)) for s in (0, 7, 15, 33)] == eager
    jitted = jax.jit(lambda s: sched(s).value)
    np.testing.assert_allclose([float(jitted(np.int32(s))) for s in (0, 7, 15, 33)], eager, rtol=1e-6)
    variable = tf.Variable(np.int32(7))
    assert float(sched(variable)) == eager[1]


def test_schedule_errors():
    with pytest.raises(ValueError, match="`decay_steps` must be > 0"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="`decay_steps` must be > 0"):
        schedules.CosineDecay(0.1, -1)
    with pytest.raises(ValueError, match="`first_decay_steps` must be > 0"):
        schedules.CosineDecayRestarts(0.1, 0)
    with pytest.raises(ValueError, match="`boundaries` must be 1 shorter"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(NotImplementedError, match="must override"):
        schedules.LearningRateSchedule()(0)
