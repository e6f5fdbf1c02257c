"""Initializers match real Keras 3: deterministic values, the distribution each
random initializer samples (fan rules, truncation correction), and configs.

``tests/golden/keras_activations.npz`` (made by
``tools/golden/make_activations_golden.py``) holds Keras' Zeros/Ones/Constant/
Identity outputs, and, for each random initializer and shape, the sampler Keras
called and its parameters (mean/stddev or minval/maxval) -- random bits cannot
match across frameworks, the distributions can. ``tests/initializers/
test_initializers.py`` checks that the samples follow those distributions.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from xlaflow.initializers.orthogonal import Orthogonal as _Orthogonal
from xlaflow.keras import constraints, initializers, regularizers

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_activations.npz"
DATA = np.load(GOLDEN)
META = json.loads(str(DATA["__meta__"]))
CONSTANT = [c for c in META["cases"] if c["kind"] == "constant_init"]
RANDOM = [c for c in META["cases"] if c["kind"] == "random_init"]
DEFAULTS = {"normal": {"mean": 0.0, "stddev": 1.0}, "truncated_normal": {"mean": 0.0, "stddev": 1.0}, "uniform": {"minval": 0.0, "maxval": 1.0}}


@pytest.mark.parametrize("case", CONSTANT, ids=[c["case"] for c in CONSTANT])
def test_constant_initializers_match_keras(case):
    init = getattr(initializers, case["name"])(**case["kwargs"])
    out = init(case["shape"], dtype=case["dtype"])
    expected = DATA[f"constant_init:{case['case']}/out"]
    assert out.dtype == case["dtype"]
    assert tuple(out.shape) == expected.shape
    np.testing.assert_array_equal(np.asarray(out), expected)


@pytest.mark.parametrize("case", RANDOM, ids=[c["case"] for c in RANDOM])
def test_random_initializers_sample_keras_distribution(case):
    init = getattr(initializers, case["name"])(seed=1, **case["kwargs"])
    shape = tuple(case["shape"])
    kind, params = init.sampler(shape)
    assert kind == case["sampler"]
    expected = {**DEFAULTS[kind], **case["params"]}
    assert set(params) == set(expected)
    for k, v in expected.items():
        assert params[k] == pytest.approx(v, rel=1e-12), k
    sample_shape = _Orthogonal.flat_shape(shape) if case["name"] == "Orthogonal" else shape
    assert list(sample_shape) == case["sample_shape"]
    out = init(shape, dtype="float32")
    assert tuple(out.shape) == tuple(case["shape"]) and out.dtype == "float32"


FAMILIES = {"initializers": initializers, "regularizers": regularizers, "constraints": constraints}
# Keras stores L1's and OrthogonalRegularizer's factor as a float32 tensor, so its
# config reads 0.009999999776482582; xlaflow keeps the float given. Keras' Identity
# has no config (its `gain` is lost on a round trip); xlaflow's has `gain`.
CONFIG_DIFFERENCES = {"initializers.Identity": {"gain": 1.0}}


@pytest.mark.parametrize("key", sorted(META["configs"]))
def test_default_configs_match_keras(key):
    family, name = key.split(".")
    cls = getattr(FAMILIES[family], name)
    ours = cls().get_config()
    expected = {**META["configs"][key], **CONFIG_DIFFERENCES.get(key, {})}
    assert list(ours) == list(expected)
    for k, v in expected.items():
        if isinstance(v, float):
            assert ours[k] == pytest.approx(v, rel=1e-7), k
        else:
            assert ours[k] == v, k
    assert cls.from_config(ours).get_config() == ours
