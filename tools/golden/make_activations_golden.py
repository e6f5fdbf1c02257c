"""Regenerate ``tests/golden/keras_activations.npz``: values computed by real Keras 3.

Covers the pieces of ``keras.activations``, ``keras.initializers``,
``keras.regularizers``, ``keras.constraints`` and ``keras.utils`` whose numbers are
deterministic:

* every activation on one fixed input that holds large, small, zero and random
  values, and the gradient of ``sum(activation(x))`` on a second input without kinks;
* the deterministic initializers (Zeros, Ones, Constant, Identity) and, for the random
  ones, the distribution parameters Keras passes to its sampler for a given shape
  (captured by wrapping ``keras.src.backend.random``): the fan-in/fan-out rules and
  the truncated-normal correction are checked through them, since random bits cannot
  match across frameworks;
* regularizer penalties and constraint outputs on fixed tensors;
* ``keras.utils.to_categorical``;
* ``get_config()`` of every default-constructed class.

The file holds the inputs (``activation_input``, ``gradient_input``,
``weights/<name>``), Keras' results as ``<kind>:<case>/out`` (and
``activation:<case>/grad``), and ``__meta__``: a JSON string with the Keras version,
per case what to call (``kind``, ``name``, ``kwargs``, ``shape``/``dtype``, the
sampler and its parameters) and the default ``get_config()`` of each class. The
tests under ``tests/`` replay each case through xlaflow; they never import Keras.

Keras runs from its own virtual environment outside the repository. From the
repository root::

    python3 -m venv /tmp/kactenv
    /tmp/kactenv/bin/pip install keras==3.15.1 jax==0.10.2 numpy
    KERAS_BACKEND=jax /tmp/kactenv/bin/python tools/golden/make_activations_golden.py

then check with ``.venv/bin/python -m pytest -q -W error tests/activations
tests/initializers tests/regularizers tests/constraints tests/utils``.
Pass ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "golden" / "keras_activations.npz"
KERAS_VERSION = "3.15.1"
SIZE_LIMIT = 300_000  # bytes; the golden file is committed, keep it small


def activation_input() -> np.ndarray:
    """A (4, 8) float32 input: extremes, values near the kinks, zero, random values."""
    rows = [
        [-100.0, -20.0, -5.0, -3.0, -1.0, -0.5, -1e-3, 0.0],
        [1e-3, 0.5, 1.0, 2.5, 3.0, 5.0, 20.0, 100.0],
        list(np.random.default_rng(0).normal(size=8) * 3.0),
        [-6.0, -2.5, -0.25, 0.25, 0.75, 1.5, 6.0, 7.0],
    ]
    return np.asarray(rows, np.float32)


def gradient_input() -> np.ndarray:
    """A (4, 8) float32 input for gradients: random values and extremes, but no kink
    (0, +-0.5, +-1, +-3, 6 ...), where frameworks legitimately pick different
    subgradients."""
    x = np.random.default_rng(2).normal(size=(4, 8)) * 3.0
    x[0, :4] = [-100.0, -20.0, 20.0, 100.0]
    return x.astype(np.float32)


# (case name, activation name, kwargs)
ACTIVATIONS = [
    ("relu", "relu", {}),
    ("relu_slope", "relu", {"negative_slope": 0.1}),
    ("relu_max6", "relu", {"max_value": 6.0}),
    ("relu_max", "relu", {"max_value": 3.5}),
    ("relu_threshold", "relu", {"threshold": 0.5}),
    ("relu_neg_threshold", "relu", {"threshold": -0.5}),
    ("relu_neg_threshold_max", "relu", {"threshold": -0.5, "max_value": 2.0}),
    ("relu_all", "relu", {"negative_slope": 0.1, "max_value": 2.0, "threshold": 0.5}),
    ("relu_slope_threshold", "relu", {"negative_slope": 0.2, "threshold": -1.0}),
    ("relu_slope_max", "relu", {"negative_slope": 0.3, "max_value": 4.0}),
    ("sigmoid", "sigmoid", {}),
    ("softmax", "softmax", {}),
    ("softmax_axis0", "softmax", {"axis": 0}),
    ("softmax_axes", "softmax", {"axis": (0, 1)}),
    ("softplus", "softplus", {}),
    ("softsign", "softsign", {}),
    ("tanh", "tanh", {}),
    ("selu", "selu", {}),
    ("elu", "elu", {}),
    ("elu_alpha", "elu", {"alpha": 0.5}),
    ("exponential", "exponential", {}),
    ("leaky_relu", "leaky_relu", {}),
    ("leaky_relu_slope", "leaky_relu", {"negative_slope": 0.01}),
    ("relu6", "relu6", {}),
    ("silu", "silu", {}),
    ("swish", "swish", {}),
    ("gelu", "gelu", {}),
    ("gelu_approximate", "gelu", {"approximate": True}),
    ("hard_sigmoid", "hard_sigmoid", {}),
    ("hard_silu", "hard_silu", {}),
    ("hard_swish", "hard_swish", {}),
    ("linear", "linear", {}),
    ("log_softmax", "log_softmax", {}),
    ("log_softmax_axis0", "log_softmax", {"axis": 0}),
    ("mish", "mish", {}),
    ("celu", "celu", {}),
    ("celu_alpha", "celu", {"alpha": 2.0}),
    ("glu", "glu", {}),
    ("glu_axis0", "glu", {"axis": 0}),
    ("hard_shrink", "hard_shrink", {}),
    ("hard_tanh", "hard_tanh", {}),
    ("log_sigmoid", "log_sigmoid", {}),
    ("soft_shrink", "soft_shrink", {"threshold": 1.0}),
    ("sparse_plus", "sparse_plus", {}),
    ("sparse_sigmoid", "sparse_sigmoid", {}),
    ("sparsemax", "sparsemax", {}),
    ("sparsemax_axis0", "sparsemax", {"axis": 0}),
    ("squareplus", "squareplus", {}),
    ("squareplus_b", "squareplus", {"b": 1.0}),
    ("tanh_shrink", "tanh_shrink", {}),
    ("threshold", "threshold", {"threshold": 0.5, "default_value": -1.0}),
]

# (case name, class, kwargs, shape, dtype)
CONSTANT_INITS = [
    ("zeros", "Zeros", {}, [2, 3], "float32"),
    ("zeros_int", "Zeros", {}, [4], "int32"),
    ("ones", "Ones", {}, [3, 2], "float32"),
    ("ones_f16", "Ones", {}, [2, 2], "float16"),
    ("constant", "Constant", {"value": 3.5}, [2, 2], "float32"),
    ("constant_neg", "Constant", {"value": -1}, [3], "float32"),
    ("constant_vector", "Constant", {"value": [1.0, 2.0]}, [3, 2], "float32"),
    ("identity", "Identity", {}, [3, 3], "float32"),
    ("identity_wide", "Identity", {"gain": 2.5}, [2, 4], "float32"),
    ("identity_tall", "Identity", {}, [4, 2], "float32"),
    ("identity_int", "Identity", {"gain": 2}, [2, 3], "int32"),
]

# (case name, class, kwargs, shape): the sampler parameters Keras uses.
RANDOM_INITS = [
    ("random_normal", "RandomNormal", {}, [3, 4]),
    ("random_normal_args", "RandomNormal", {"mean": 1.0, "stddev": 2.0}, [3, 4]),
    ("random_uniform", "RandomUniform", {}, [3, 4]),
    ("random_uniform_args", "RandomUniform", {"minval": -2.0, "maxval": 3.0}, [5]),
    ("truncated_normal", "TruncatedNormal", {}, [3, 4]),
    ("truncated_normal_args", "TruncatedNormal", {"mean": -1.0, "stddev": 0.5}, [3, 4]),
    ("vs_default", "VarianceScaling", {}, [30, 20]),
    ("vs_fan_out_uniform", "VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"}, [30, 20]),
    ("vs_fan_avg_untruncated", "VarianceScaling", {"scale": 0.5, "mode": "fan_avg", "distribution": "untruncated_normal"}, [30, 20]),
    ("vs_normal_alias", "VarianceScaling", {"distribution": "normal"}, [7]),
    ("vs_scalar", "VarianceScaling", {"mode": "fan_avg"}, []),
    ("vs_conv1d", "VarianceScaling", {"mode": "fan_avg", "distribution": "uniform"}, [3, 4, 5]),
    ("vs_axes", "VarianceScaling", {"mode": "fan_avg", "input_axes": [0, 1], "output_axes": [2]}, [3, 4, 5]),
    ("glorot_uniform", "GlorotUniform", {}, [6, 10]),
    ("glorot_uniform_conv", "GlorotUniform", {}, [3, 3, 8, 16]),
    ("glorot_normal", "GlorotNormal", {}, [6, 10]),
    ("he_uniform", "HeUniform", {}, [6, 10]),
    ("he_normal", "HeNormal", {}, [3, 3, 8, 16]),
    ("lecun_uniform", "LecunUniform", {}, [2, 5, 7]),
    ("lecun_normal", "LecunNormal", {}, [6, 10]),
    ("orthogonal", "Orthogonal", {}, [4, 6]),
]

REGULARIZERS = [
    ("l1", "L1", {}),
    ("l1_arg", "L1", {"l1": 0.3}),
    ("l2", "L2", {}),
    ("l2_arg", "L2", {"l2": 0.05}),
    ("l1l2", "L1L2", {}),
    ("l1l2_args", "L1L2", {"l1": 0.01, "l2": 0.02}),
    ("orthogonal_rows", "OrthogonalRegularizer", {"factor": 0.1}),
    ("orthogonal_columns", "OrthogonalRegularizer", {"factor": 0.2, "mode": "columns"}),
]

CONSTRAINTS = [
    ("max_norm", "MaxNorm", {}, "w"),
    ("max_norm_axis1", "MaxNorm", {"max_value": 1.0, "axis": 1}, "w"),
    ("max_norm_conv", "MaxNorm", {"max_value": 0.5, "axis": [0, 1, 2]}, "kernel"),
    ("min_max_norm", "MinMaxNorm", {}, "w"),
    ("min_max_norm_args", "MinMaxNorm", {"min_value": 0.5, "max_value": 1.5, "rate": 0.7, "axis": 1}, "w"),
    ("non_neg", "NonNeg", {}, "w"),
    ("unit_norm", "UnitNorm", {}, "w"),
    ("unit_norm_axis1", "UnitNorm", {"axis": 1}, "w"),
    ("unit_norm_conv", "UnitNorm", {"axis": [0, 1, 2]}, "kernel"),
]

TO_CATEGORICAL = [
    ("vector", [0, 1, 2, 3], None),
    ("vector_classes", [0, 2, 1], 5),
    ("column", [[1], [2], [0]], None),
    ("matrix", [[0, 1], [2, 1]], None),
    ("matrix_column", [[[0], [1]], [[2], [1]]], 4),
]


def fixed_weights() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    return {
        "w": (rng.normal(size=(4, 3)) * 2.0).astype(np.float32),
        "kernel": rng.normal(size=(2, 2, 3, 4)).astype(np.float32),
        "reg": (rng.normal(size=(3, 5)) * 1.5).astype(np.float32),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if os.environ.get("KERAS_BACKEND") != "jax":
        raise SystemExit("run with KERAS_BACKEND=jax (see the docstring)")

    import jax
    import jax.numpy as jnp
    import keras
    from keras import activations, constraints, initializers, regularizers
    from keras.src.backend import random as keras_random

    if keras.__version__ != KERAS_VERSION:
        print(f"warning: Keras {keras.__version__}, expected {KERAS_VERSION}")

    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"keras_version": keras.__version__, "numpy_version": np.__version__, "cases": []}

    def add(case: dict, **outs: np.ndarray) -> None:
        meta["cases"].append(case)
        for key, value in outs.items():
            arrays[f"{case['kind']}:{case['case']}/{key}"] = np.asarray(value)

    x = activation_input()
    xg = gradient_input()
    arrays["activation_input"] = x
    arrays["gradient_input"] = xg
    for case, name, kwargs in ACTIVATIONS:
        fn = getattr(activations, name)
        out = np.asarray(fn(jnp.asarray(x), **kwargs))
        grad = np.asarray(jax.grad(lambda t: jnp.sum(fn(t, **kwargs)))(jnp.asarray(xg)))
        add({"kind": "activation", "case": case, "name": name, "kwargs": kwargs}, out=out, grad=grad)

    for case, cls, kwargs, shape, dtype in CONSTANT_INITS:
        out = np.asarray(getattr(initializers, cls)(**kwargs)(shape, dtype=dtype))
        add({"kind": "constant_init", "case": case, "name": cls, "kwargs": kwargs, "shape": shape, "dtype": dtype}, out=out)

    # Capture what the random initializers ask of Keras' sampler.
    calls: list = []

    def spy(kind, original):
        def sampler(shape, *a, **kw):
            calls.append((kind, [int(d) for d in shape], kw))
            return original(shape, *a, **kw)

        return sampler

    module = __import__("keras.src.initializers.random_initializers", fromlist=["random"])
    for kind in ("normal", "uniform", "truncated_normal"):
        setattr(module.random, kind, spy(kind, getattr(keras_random, kind)))
    for case, cls, kwargs, shape in RANDOM_INITS:
        calls.clear()
        value = np.asarray(getattr(initializers, cls)(seed=1, **kwargs)(shape, dtype="float32"))
        (kind, sample_shape, kw), = calls
        params = {k: float(v) for k, v in kw.items() if k in ("mean", "stddev", "minval", "maxval")}
        add(
            {"kind": "random_init", "case": case, "name": cls, "kwargs": kwargs, "shape": shape,
             "sampler": kind, "sample_shape": sample_shape, "params": params},
            out=value,
        )

    weights = fixed_weights()
    for key, value in weights.items():
        arrays[f"weights/{key}"] = value
    for case, cls, kwargs in REGULARIZERS:
        out = np.asarray(getattr(regularizers, cls)(**kwargs)(jnp.asarray(weights["reg"])))
        add({"kind": "regularizer", "case": case, "name": cls, "kwargs": kwargs}, out=out)
    for case, cls, kwargs, key in CONSTRAINTS:
        out = np.asarray(getattr(constraints, cls)(**kwargs)(jnp.asarray(weights[key])))
        add({"kind": "constraint", "case": case, "name": cls, "kwargs": kwargs, "weights": key}, out=out)

    for case, labels, num_classes in TO_CATEGORICAL:
        out = keras.utils.to_categorical(labels, num_classes=num_classes)
        add({"kind": "to_categorical", "case": case, "labels": labels, "num_classes": num_classes,
             "dtype": str(out.dtype)}, out=out)

    configs = {}
    for module_name, mod, names in (
        ("initializers", initializers, ["Zeros", "Ones", "Constant", "Identity", "RandomNormal", "RandomUniform",
                                        "TruncatedNormal", "VarianceScaling", "GlorotUniform", "GlorotNormal",
                                        "HeUniform", "HeNormal", "LecunUniform", "LecunNormal", "Orthogonal"]),
        ("regularizers", regularizers, ["L1", "L2", "L1L2", "OrthogonalRegularizer"]),
        ("constraints", constraints, ["MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"]),
    ):
        for name in names:
            configs[f"{module_name}.{name}"] = getattr(mod, name)().get_config()
    meta["configs"] = configs

    arrays["__meta__"] = np.asarray(json.dumps(meta))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size} bytes, {len(meta['cases'])} cases)")
    if size > SIZE_LIMIT:
        raise SystemExit(f"golden file is {size} bytes, over the {SIZE_LIMIT}-byte limit")


if __name__ == "__main__":
    main()
