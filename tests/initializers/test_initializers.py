"""keras.initializers: sample statistics against Keras' formulas, seeding rules,
orthogonality, lookup/serialization, compiled code and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.initializers import compute_fans
from xlaflow.keras import initializers
from xlaflow.utils import set_random_seed

SHAPE = (200, 300)  # fan_in 200, fan_out 300, 60,000 samples


def _stats(init, shape=SHAPE):
    x = np.asarray(init(shape)).astype(np.float64)
    return x, x.mean(), x.std()


@pytest.mark.parametrize(
    "cls, n",
    [(initializers.GlorotUniform, (200 + 300) / 6.0), (initializers.HeUniform, 200 / 6.0), (initializers.LecunUniform, 200 / 3.0)],
)
def test_uniform_variance_scaling_limits_and_std(cls, n):
    x, mean, std = _stats(cls(seed=3))
    limit = math.sqrt(1.0 / n)  # sqrt(3 * scale / fan)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.99 * limit
    assert abs(mean) < 0.02 * limit
    assert std == pytest.approx(limit / math.sqrt(3.0), rel=0.02)


@pytest.mark.parametrize(
    "cls, variance",
    [(initializers.GlorotNormal, 2.0 / 500), (initializers.HeNormal, 2.0 / 200), (initializers.LecunNormal, 1.0 / 200)],
)
def test_truncated_normal_variance_scaling_has_the_intended_variance(cls, variance):
    x, mean, std = _stats(cls(seed=4))
    target = math.sqrt(variance)
    # the 0.8796... correction makes the *truncated* samples have stddev sqrt(scale / n)
    assert std == pytest.approx(target, rel=0.02)
    assert np.abs(x).max() <= 2.0 * target / 0.87962566103423978 * (1 + 1e-6)
    assert abs(mean) < 0.02 * target


def test_untruncated_normal_and_fan_out():
    x, mean, std = _stats(initializers.VarianceScaling(scale=3.0, mode="fan_out", distribution="untruncated_normal", seed=5))
    assert std == pytest.approx(math.sqrt(3.0 / 300), rel=0.02)
    assert np.abs(x).max() > 2.5 * math.sqrt(3.0 / 300)  # not truncated


def test_plain_random_initializers():
    _, mean, std = _stats(initializers.RandomNormal(mean=1.0, stddev=0.5, seed=6))
    assert mean == pytest.approx(1.0, abs=0.01) and std == pytest.approx(0.5, rel=0.02)
    x, mean, std = _stats(initializers.RandomUniform(minval=-2.0, maxval=1.0, seed=7))
    assert x.min() >= -2.0 and x.max() < 1.0 and mean == pytest.approx(-0.5, abs=0.02)
    assert std == pytest.approx(3.0 / math.sqrt(12.0), rel=0.02)
    x, mean, std = _stats(initializers.TruncatedNormal(mean=0.0, stddev=0.1, seed=8))
    assert np.abs(x).max() <= 0.2 * (1 + 1e-6)
    assert std == pytest.approx(0.1 * 0.87962566103423978, rel=0.02)


def test_compute_fans_rules():
    assert compute_fans(()) == (1, 1)
    assert compute_fans((7,)) == (7, 7)
    assert compute_fans((3, 5)) == (3, 5)
    assert compute_fans((3, 3, 16, 32)) == (144, 288)
    assert compute_fans((2, 5, 7)) == (10, 14)
    assert compute_fans((3, 4, 5), input_axes=[0, 1], output_axes=[2]) == (12, 5)


@pytest.mark.parametrize("shape, gain", [((4, 6), 1.0), ((6, 4), 2.0), ((5, 5), 1.0), ((3, 3, 4, 8), 0.5)])
def test_orthogonal_rows_or_columns_are_orthonormal(shape, gain):
    q = np.asarray(initializers.Orthogonal(gain=gain, seed=9)(shape)).astype(np.float64)
    assert q.shape == shape
    m = q.reshape(-1, shape[-1]) / gain
    small = m @ m.T if m.shape[0] <= m.shape[1] else m.T @ m
    np.testing.assert_allclose(small, np.eye(small.shape[0]), atol=1e-5)


def test_identity_zeros_ones_constant():
    np.testing.assert_array_equal(np.asarray(initializers.Identity(gain=3.0)((2, 3))), 3.0 * np.eye(2, 3))
    assert initializers.Zeros()((2,), dtype="int32").dtype == tf.int32
    np.testing.assert_array_equal(np.asarray(initializers.Constant(np.array([1.0, 2.0]))((2, 2))), [[1, 2], [1, 2]])
    assert initializers.Ones()(tf.TensorShape([2, 3])).shape == (2, 3)


def test_seeded_initializers_repeat_and_differ_by_seed():
    for cls in (initializers.RandomNormal, initializers.GlorotUniform, initializers.Orthogonal, initializers.HeNormal):
        a = cls(seed=11)
        first = np.asarray(a((4, 5)))
        np.testing.assert_array_equal(first, np.asarray(a((4, 5))))
        np.testing.assert_array_equal(first, np.asarray(cls(seed=11)((4, 5))))
        assert not np.array_equal(first, np.asarray(cls(seed=12)((4, 5))))
    big = initializers.RandomUniform(seed=2**40 + 3)((3,))
    assert not np.array_equal(np.asarray(big), np.asarray(initializers.RandomUniform(seed=3)((3,))))


def test_unseeded_initializers_follow_the_global_seed():
    init = initializers.GlorotUniform()
    set_random_seed(123)
    a, b = np.asarray(init((3, 4))), np.asarray(init((3, 4)))
    assert not np.array_equal(a, b)  # each call draws new values
    set_random_seed(123)
    np.testing.assert_array_equal(a, np.asarray(initializers.GlorotUniform()((3, 4))))
    tf.random.set_seed(7)
    c = np.asarray(initializers.RandomNormal()((5,)))
    tf.random.set_seed(7)
    np.testing.assert_array_equal(c, np.asarray(initializers.RandomNormal()((5,))))


def test_initializers_inside_function():
    seeded, unseeded = initializers.HeUniform(seed=1), initializers.RandomNormal()

    @tf.function
    def make():
        return seeded((3, 2)), unseeded((4,)), initializers.Orthogonal(seed=2)((3, 3))

    s1, u1, o1 = make()
    s2, u2, _ = make()
    np.testing.assert_array_equal(np.asarray(s1), np.asarray(seeded((3, 2))))
    np.testing.assert_array_equal(np.asarray(s1), np.asarray(s2))
    assert not np.array_equal(np.asarray(u1), np.asarray(u2))  # the global state advanced
    np.testing.assert_allclose(np.asarray(o1) @ np.asarray(o1).T, np.eye(3), atol=1e-5)


def test_half_precision_dtypes():
    assert initializers.GlorotNormal(seed=1)((4, 4), dtype="float16").dtype == tf.float16
    assert initializers.Orthogonal(seed=1)((4, 4), dtype="bfloat16").dtype == tf.bfloat16


def test_get_names_and_aliases():
    for name, cls in [
        ("glorot_uniform", initializers.GlorotUniform), ("GlorotUniform", initializers.GlorotUniform),
        ("he_normal", initializers.HeNormal), ("zeros", initializers.Zeros), ("zero", initializers.Zeros),
        ("ones", initializers.Ones), ("one", initializers.Ones), ("normal", initializers.RandomNormal),
        ("uniform", initializers.RandomUniform), ("orthogonal", initializers.Orthogonal),
        ("truncated_normal", initializers.TruncatedNormal), ("variance_scaling", initializers.VarianceScaling),
        ("lecun_uniform", initializers.LecunUniform), ("identity", initializers.Identity),
        ("constant", initializers.Constant),
    ]:
        assert type(initializers.get(name)) is cls, name
    assert initializers.get(None) is None
    init = initializers.HeUniform()
    assert initializers.get(init) is init
    assert type(initializers.get(initializers.Ones)) is initializers.Ones
    assert initializers.glorot_uniform is initializers.GlorotUniform


def test_get_with_a_tensor_value():
    value = np.arange(6, dtype=np.float32).reshape(2, 3)
    init = initializers.get(value)
    np.testing.assert_array_equal(np.asarray(init((2, 3))), value)
    with pytest.raises(ValueError, match=r"argument `shape` must be \(2, 3\)"):
        init((3, 2))


def test_serialize_round_trip():
    init = initializers.VarianceScaling(scale=2.0, mode="fan_out", distribution="uniform", seed=3)
    config = initializers.serialize(init)
    assert config == {
        "module": "keras.initializers",
        "class_name": "VarianceScaling",
        "config": {"seed": 3, "scale": 2.0, "mode": "fan_out", "distribution": "uniform", "input_axes": None, "output_axes": None},
        "registered_name": None,
    }
    back = initializers.deserialize(config)
    assert type(back) is initializers.VarianceScaling and back.get_config() == init.get_config()
    assert initializers.get(config).get_config() == init.get_config()
    clone = initializers.Constant(2.5).clone()
    assert clone.value == 2.5


def test_errors_name_the_initializer_and_argument():
    with pytest.raises(ValueError, match=r"Could not interpret initializer identifier: 'glorot_uniformm'"):
        initializers.get("glorot_uniformm")
    with pytest.raises(ValueError, match=r"VarianceScaling: argument `scale` must be a positive float. Received: scale=0"):
        initializers.VarianceScaling(scale=0)
    with pytest.raises(ValueError, match=r"VarianceScaling: argument `mode` must be one of fan_in, fan_out, fan_avg. Received: mode='fan'"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match=r"argument `distribution` must be one of"):
        initializers.VarianceScaling(distribution="gauss")
    with pytest.raises(ValueError, match=r"GlorotUniform: argument `seed` must be an int or None. Received: seed='1'"):
        initializers.GlorotUniform(seed="1")
    with pytest.raises(ValueError, match=r"RandomNormal: argument `shape` must be a fully defined shape.*Received: shape=\(None, 3\)"):
        initializers.RandomNormal()((None, 3))
    with pytest.raises(TypeError, match=r"HeNormal: argument `dtype` must be a floating dtype.*Received: dtype=int32"):
        initializers.HeNormal()((2, 2), dtype="int32")
    with pytest.raises(ValueError, match=r"Orthogonal: argument `shape` must have rank >= 2. Received: shape=\(3,\)"):
        initializers.Orthogonal()((3,))
    with pytest.raises(ValueError, match=r"Identity: argument `shape` must be 2-D"):
        initializers.Identity()((2, 2, 2))
    with pytest.raises(ValueError, match=r"Constant: argument `value` must broadcast to the requested shape \(2, 2\)"):
        initializers.Constant([1.0, 2.0, 3.0])((2, 2))
    with pytest.raises(NotImplementedError, match="Initializer subclasses must implement"):
        initializers.Initializer()((2,))


def test_constant_from_a_keras_numpy_config():
    config = {"value": {"class_name": "__numpy__", "config": {"value": [1.0, 2.0], "dtype": "float64"}}}
    init = initializers.Constant.from_config(config)
    np.testing.assert_array_equal(np.asarray(init((2, 2))), [[1.0, 2.0], [1.0, 2.0]])
    assert init.get_config() == {"value": [1.0, 2.0]}
