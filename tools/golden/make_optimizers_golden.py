"""Regenerate ``tests/golden/keras_optimizers.json``: Keras 3 optimizer and schedule numbers.

Each optimizer case trains two fixed float32 variables (shapes (3, 2) and (2,)) for
20 steps with ``optimizer.apply_gradients``; the gradient at every step is the same
deterministic function of the current weights, ``grad = w * 0.1 + c`` (computed in
NumPy float32, identically in ``tests/optimizers/test_golden.py``). The file stores,
per case, the optimizer's class and constructor arguments (schedules serialized as
``{"class_name", "config"}``), the weights after 20 steps, the iteration count and
the optimizer's variables in Keras' order. Schedule cases store the schedule's value
at several steps.

Keras never runs in the repository's environment: use a separate virtual environment
outside the repo. From the repository root::

    python3 -m venv /tmp/optenv
    /tmp/optenv/bin/pip install keras==3.15.1 jax==0.10.2 numpy
    KERAS_BACKEND=jax JAX_PLATFORMS=cpu /tmp/optenv/bin/python tools/golden/make_optimizers_golden.py

then check with ``.venv/bin/python -m pytest -q -W error tests/optimizers``. Pass
``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "golden" / "keras_optimizers.json"
STEPS = 20
SCHEDULE_STEPS = [0, 1, 2, 5, 10, 15, 37, 100, 250, 1000]

W0 = np.array([[0.5, -1.0], [1.5, 0.25], [-0.75, 2.0]], np.float32)
B0 = np.array([0.1, -0.3], np.float32)
CW = np.array([[0.3, -0.8], [1.2, 0.05], [-0.6, 0.9]], np.float32)
CB = np.array([-0.4, 0.7], np.float32)


def gradients(w: np.ndarray, b: np.ndarray) -> list:
    """The fixed gradient function shared with the test."""
    return [w * np.float32(0.1) + CW, b * np.float32(0.1) + CB]


def _schedule(class_name: str, **config) -> dict:
    return {"class_name": class_name, "config": config}


# Per optimizer: (class, non-default arguments).
CUSTOM = {
    "SGD": {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True},
    "Adam": {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3, "amsgrad": True},
    "AdamW": {"learning_rate": 0.05, "weight_decay": 0.1, "beta_1": 0.85, "amsgrad": True},
    "RMSprop": {"learning_rate": 0.05, "rho": 0.8, "momentum": 0.5, "epsilon": 1e-4, "centered": True},
    "Adagrad": {"learning_rate": 0.2, "initial_accumulator_value": 0.5, "epsilon": 1e-3},
    "Adadelta": {"learning_rate": 1.0, "rho": 0.9, "epsilon": 1e-4},
    "Adamax": {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3},
    "Nadam": {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-3},
    "Lion": {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.9},
}
EXTRA = {
    "SGD_momentum": ("SGD", {"learning_rate": 0.05, "momentum": 0.7}),
    "SGD_momentum_schedule": ("SGD", {"learning_rate": _schedule("ExponentialDecay", initial_learning_rate=0.1,
                                                                 decay_steps=5, decay_rate=0.5), "momentum": 0.9}),
    "Adam_cosine_warmup": ("Adam", {"learning_rate": _schedule("CosineDecay", initial_learning_rate=0.0,
                                                               decay_steps=15, warmup_target=0.1, warmup_steps=5)}),
    "RMSprop_momentum": ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9}),
    "RMSprop_piecewise": ("RMSprop", {"learning_rate": _schedule("PiecewiseConstantDecay", boundaries=[5, 12],
                                                                 values=[0.1, 0.05, 0.01])}),
    "SGD_ema": ("SGD", {"learning_rate": 0.1, "use_ema": True, "ema_momentum": 0.9}),
    "Adam_ema_overwrite": ("Adam", {"learning_rate": 0.05, "use_ema": True, "ema_momentum": 0.8,
                                    "ema_overwrite_frequency": 3}),
    "Adam_loss_scale": ("Adam", {"learning_rate": 0.05, "loss_scale_factor": 4.0}),
    "Adam_grad_accumulation": ("Adam", {"learning_rate": 0.05, "gradient_accumulation_steps": 3}),
    "Nadam_grad_accumulation": ("Nadam", {"learning_rate": 0.05, "gradient_accumulation_steps": 3, "clipnorm": 0.5}),
    "SGD_grad_accumulation_ema": ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 4,
                                          "use_ema": True, "ema_momentum": 0.7}),
}
VARIANTS = {
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "weight_decay": {"weight_decay": 0.05},
}

SCHEDULES = {
    "ExponentialDecay": _schedule("ExponentialDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.9),
    "ExponentialDecay_staircase": _schedule("ExponentialDecay", initial_learning_rate=0.5, decay_steps=7,
                                            decay_rate=0.5, staircase=True),
    "PiecewiseConstantDecay": _schedule("PiecewiseConstantDecay", boundaries=[10, 100], values=[1.0, 0.5, 0.1]),
    "PolynomialDecay": _schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=100),
    "PolynomialDecay_cycle": _schedule("PolynomialDecay", initial_learning_rate=0.1, decay_steps=30,
                                       end_learning_rate=0.01, power=2.0, cycle=True),
    "InverseTimeDecay": _schedule("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5),
    "InverseTimeDecay_staircase": _schedule("InverseTimeDecay", initial_learning_rate=0.1, decay_steps=10,
                                            decay_rate=0.5, staircase=True),
    "CosineDecay": _schedule("CosineDecay", initial_learning_rate=0.1, decay_steps=200, alpha=0.1),
    "CosineDecay_warmup": _schedule("CosineDecay", initial_learning_rate=0.0, decay_steps=200, warmup_target=0.2,
                                    warmup_steps=50),
    "CosineDecayRestarts": _schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=20),
    "CosineDecayRestarts_mul": _schedule("CosineDecayRestarts", initial_learning_rate=0.1, first_decay_steps=30,
                                         t_mul=1.0, m_mul=0.5, alpha=0.05),
}


def optimizer_cases() -> dict:
    """name -> (class name, constructor arguments as JSON)."""
    cases = {}
    for cls, custom in CUSTOM.items():
        cases[f"{cls}_default"] = (cls, {})
        cases[f"{cls}_custom"] = (cls, dict(custom))
        for variant, extra in VARIANTS.items():
            if variant == "weight_decay" and cls == "AdamW":
                extra = {"weight_decay": 0.2}
            cases[f"{cls}_{variant}"] = (cls, {"learning_rate": 0.05, **extra})
    cases.update(EXTRA)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args()
    if os.environ.get("KERAS_BACKEND") != "jax":
        raise SystemExit("run with KERAS_BACKEND=jax (see the module docstring)")
    import keras

    def build(kwargs: dict) -> dict:
        kwargs = dict(kwargs)
        if isinstance(kwargs.get("learning_rate"), dict):
            kwargs["learning_rate"] = keras.optimizers.schedules.deserialize(kwargs["learning_rate"])
        return kwargs

    out: dict = {"keras_version": keras.__version__, "steps": STEPS,
                 "w0": W0.tolist(), "b0": B0.tolist(), "cw": CW.tolist(), "cb": CB.tolist(),
                 "optimizers": {}, "schedules": {}, "schedule_steps": SCHEDULE_STEPS}
    for name, (cls_name, kwargs) in optimizer_cases().items():
        w = keras.Variable(W0, name="w")
        b = keras.Variable(B0, name="b")
        opt = getattr(keras.optimizers, cls_name)(**build(kwargs))
        for _ in range(STEPS):
            grads = gradients(np.asarray(w.numpy()), np.asarray(b.numpy()))
            opt.apply_gradients(zip(grads, [w, b]))
        out["optimizers"][name] = {
            "class_name": cls_name, "kwargs": kwargs,
            "w": np.asarray(w.numpy()).tolist(), "b": np.asarray(b.numpy()).tolist(),
            "iterations": int(np.asarray(opt.iterations)),
            "variables": [np.asarray(v.numpy()).tolist() for v in opt.variables],
        }
    for name, spec in SCHEDULES.items():
        sched = keras.optimizers.schedules.deserialize(spec)
        out["schedules"][name] = {"spec": spec, "values": [float(sched(s)) for s in SCHEDULE_STEPS]}
    text = json.dumps(out, indent=None, separators=(",", ":"))
    pathlib.Path(args.out).write_text(text + "\n")
    print(f"wrote {args.out}: {len(out['optimizers'])} optimizer cases, {len(out['schedules'])} schedules, {len(text)} bytes")


if __name__ == "__main__":
    main()
