"""Merge layers: Keras goldens, shape errors naming the layer, config, compiled use."""

from __future__ import annotations

import numpy as np
import pytest
from _core_layers_golden import case_names, check_case

import xlaflow as tf
from xlaflow.layers import Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract

ALL = ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot")


@pytest.mark.parametrize("name", case_names(*ALL))
def test_matches_keras(name):
    check_case(name)


def test_lower_rank_inputs_get_axes_after_the_batch():
    a = np.ones((2, 3, 4), np.float32)
    b = np.arange(8, dtype=np.float32).reshape(2, 4)
    np.testing.assert_allclose(Add()([a, b]).numpy(), a + b[:, None, :])


def test_wrong_inputs_are_clear_errors():
    a = np.ones((2, 3), np.float32)
    with pytest.raises(ValueError, match='Add layer "sum" should be called on a list of inputs'):
        Add(name="sum")(a)
    with pytest.raises(ValueError, match='Add layer "sum2": inputs have incompatible shapes. Received shapes \\(2, 3\\) and \\(2, 4\\)'):
        Add(name="sum2")([a, np.ones((2, 4), np.float32)])
    with pytest.raises(ValueError, match='Subtract layer "sub" should be called on a list of exactly 2 inputs'):
        Subtract(name="sub")([a, a, a])
    with pytest.raises(ValueError, match='Concatenate layer "cat" requires inputs with matching shapes except for the concatenation axis'):
        Concatenate(axis=1, name="cat")([a, np.ones((3, 3), np.float32)])
    with pytest.raises(ValueError, match=r'Dot layer "dot": incompatible input shapes: axis values 3 \(at axis 1\) != 4 \(at axis 1\)'):
        Dot(1, name="dot")([a, np.ones((2, 4), np.float32)])
    with pytest.raises(ValueError, match='Dot layer "dot2" should be called on a list of 2 inputs'):
        Dot(1, name="dot2")([a, a, a])
    with pytest.raises(ValueError, match="Dot: argument `axes` must be an int or a list/tuple of 2 ints"):
        Dot((1, 2, 3))


@pytest.mark.parametrize("layer", [Add(), Subtract(), Multiply(), Average(), Maximum(), Minimum(),
                                   Concatenate(axis=1), Dot(axes=(1, 2), normalize=True)])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config({**config, "name": layer.name + "_clone"})
    assert clone.get_config() == {**config, "name": layer.name + "_clone"}


def test_gradients_flow_through_a_merge_in_a_compiled_function():
    dot = Dot(axes=1)
    a = tf.constant(np.array([[1.0, 2.0]], np.float32))
    b = tf.constant(np.array([[3.0, 4.0]], np.float32))

    @tf.function
    def grads(a, b):
        with tf.GradientTape() as tape:
            tape.watch(a)
            y = tf.reduce_sum(dot([a, b]))
        return tape.gradient(y, a)

    np.testing.assert_allclose(grads(a, b).numpy(), b.numpy())
