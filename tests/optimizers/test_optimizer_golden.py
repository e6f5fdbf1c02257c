"""Optimizers and schedules give Keras 3's numbers.

``tests/golden/keras_optimizers.json`` was written by real Keras 3 (see
``tools/golden/make_optimizers_golden.py``): for every optimizer with default and
custom arguments, with each clipping mode and with weight decay (plus schedules,
EMA and loss scaling), the weights after 20 steps of ``grad = w * 0.1 + c``, and the
optimizer's variables in Keras' order; and schedule values at several steps.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.keras import optimizers

GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "golden" / "keras_optimizers.json").read_text())
RTOL, ATOL = 1e-5, 1e-6


def _kwargs(raw: dict) -> dict:
    kwargs = dict(raw)
    if isinstance(kwargs.get("learning_rate"), dict):
        kwargs["learning_rate"] = optimizers.schedules.deserialize(kwargs["learning_rate"])
    return kwargs


def _train(case: dict, compiled: bool = False) -> tuple:
    w = tf.Variable(np.array(GOLDEN["w0"], np.float32), name="w")
    b = tf.Variable(np.array(GOLDEN["b0"], np.float32), name="b")
    cw, cb = np.array(GOLDEN["cw"], np.float32), np.array(GOLDEN["cb"], np.float32)
    opt = getattr(optimizers, case["class_name"])(**_kwargs(case["kwargs"]))
    if compiled:
        @tf.function
        def step():
            opt.apply_gradients([(w * np.float32(0.1) + cw, w), (b * np.float32(0.1) + cb, b)])

        for _ in range(GOLDEN["steps"]):
            step()
        assert step.experimental_get_tracing_count() == 1
    else:
        for _ in range(GOLDEN["steps"]):
            grads = [w.numpy() * np.float32(0.1) + cw, b.numpy() * np.float32(0.1) + cb]
            opt.apply_gradients(zip(grads, [w, b]))
    return w, b, opt


@pytest.mark.parametrize("name", sorted(GOLDEN["optimizers"]))
def test_optimizer_matches_keras(name):
    case = GOLDEN["optimizers"][name]
    w, b, opt = _train(case)
    np.testing.assert_allclose(w.numpy(), np.array(case["w"], np.float32), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(b.numpy(), np.array(case["b"], np.float32), rtol=RTOL, atol=ATOL)
    assert int(opt.iterations) == case["iterations"]
    ours = opt.variables
    assert len(ours) == len(case["variables"]), [v.name for v in ours]
    for var, expected in zip(ours, case["variables"]):
        np.testing.assert_allclose(np.asarray(var.numpy(), np.float64), np.array(expected, np.float64),
                                   rtol=RTOL, atol=ATOL, err_msg=var.name)


@pytest.mark.parametrize("name", ["Adam_custom", "SGD_momentum_schedule", "Nadam_global_clipnorm", "Adam_ema_overwrite",
                                  "RMSprop_custom", "AdamW_weight_decay", "SGD_grad_accumulation_ema"])
def test_compiled_apply_matches_keras(name):
    case = GOLDEN["optimizers"][name]
    w, b, _ = _train(case, compiled=True)
    np.testing.assert_allclose(w.numpy(), np.array(case["w"], np.float32), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(b.numpy(), np.array(case["b"], np.float32), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", sorted(GOLDEN["schedules"]))
def test_schedule_matches_keras(name):
    case = GOLDEN["schedules"][name]
    schedule = optimizers.schedules.deserialize(case["spec"])
    values = [float(schedule(s)) for s in GOLDEN["schedule_steps"]]
    np.testing.assert_allclose(values, case["values"], rtol=RTOL, atol=1e-7)
    steps = tf.constant(np.array(GOLDEN["schedule_steps"], np.int32))
    np.testing.assert_allclose(np.asarray(schedule(steps)), case["values"], rtol=RTOL, atol=1e-7)


def test_sqrt_nonneg_is_sqrt_bit_for_bit():
    """Adam's ``sqrt(max(v, 0))`` (a faster program on XLA:CPU) gives exactly ``sqrt(v)`` for every v >= 0."""
    import jax.numpy as jnp

    from xlaflow.optimizers.transforms import sqrt_nonneg

    v = np.concatenate([np.array([0.0, -0.0, 1e-45, 1e-38, np.inf, np.nan], np.float32),
                        np.random.default_rng(0).random(1000, dtype=np.float32) * 10.0 ** np.arange(-20, 5, 0.025)[:1000]])
    v = v.astype(np.float32)
    got, want = np.asarray(sqrt_nonneg(jnp.asarray(v))), np.asarray(jnp.sqrt(jnp.asarray(v)))
    np.testing.assert_array_equal(got, want)  # equal values (-0.0 may come out as 0.0, which compares equal)
    assert np.isnan(got[5]) and np.isinf(got[4])
