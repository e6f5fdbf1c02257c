"""keras.utils.set_random_seed seeds Python's random, NumPy and xlaflow's global state."""

from __future__ import annotations

import random

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.utils import get_random_seed, set_random_seed


def _draw():
    return random.random(), np.random.rand(), np.asarray(tf.random.normal([3])), np.asarray(tf.random.uniform([2]))


def test_same_seed_same_numbers_everywhere():
    set_random_seed(1234)
    first = _draw()
    set_random_seed(1234)
    second = _draw()
    assert first[0] == second[0] and first[1] == second[1]
    np.testing.assert_array_equal(first[2], second[2])
    np.testing.assert_array_equal(first[3], second[3])
    set_random_seed(4321)
    third = _draw()
    assert third[0] != first[0] and not np.array_equal(third[2], first[2])
    assert get_random_seed() == 4321


def test_seeds_random_ops_inside_function():
    @tf.function
    def sample():
        return tf.random.normal([4])

    set_random_seed(5)
    a = np.asarray(sample())
    set_random_seed(5)
    np.testing.assert_array_equal(a, np.asarray(sample()))


def test_bad_seed():
    with pytest.raises(ValueError, match=r"set_random_seed: argument `seed` must be an int. Received: seed=1.5 \(of type float\)"):
        set_random_seed(1.5)
    with pytest.raises(ValueError, match=r"must be in \[0, 2\*\*32\). Received: seed=-1"):
        set_random_seed(-1)
