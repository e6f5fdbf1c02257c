"""Flatten, Reshape, Permute, RepeatVector: Keras goldens, errors, config, compiled use."""

from __future__ import annotations

import numpy as np
import pytest
from _core_layers_golden import case_names, check_case

from xlaflow.layers import Flatten, Permute, RepeatVector, Reshape


@pytest.mark.parametrize("name", case_names("Flatten", "Reshape", "Permute", "RepeatVector"))
def test_matches_keras(name):
    check_case(name)


def test_flatten_rank_1_gets_a_feature_axis():
    assert Flatten()(np.ones(3, np.float32)).shape == (3, 1)


def test_wrong_inputs_are_clear_errors():
    with pytest.raises(ValueError, match='Input 0 of layer "rv" is incompatible with the layer: expected ndim=2, found ndim=3'):
        RepeatVector(2, name="rv")(np.ones((1, 2, 3), np.float32))
    with pytest.raises(ValueError, match='Input 0 of layer "perm" is incompatible with the layer: expected ndim=3, found ndim=2'):
        Permute((2, 1), name="perm")(np.ones((1, 2), np.float32))
    with pytest.raises(ValueError, match=r'Layer "resh" \(Reshape\): cannot reshape examples of shape \(3, 4\)'):
        Reshape((5,), name="resh")(np.ones((2, 3, 4), np.float32))
    with pytest.raises(ValueError, match="Permute: invalid permutation argument `dims`"):
        Permute((0, 1))
    with pytest.raises(ValueError, match="at most one -1"):
        Reshape((-1, -1))
    with pytest.raises(ValueError, match="RepeatVector: argument `n` must be a positive int. Received: n=0"):
        RepeatVector(0)
    with pytest.raises(ValueError, match="Flatten: argument `data_format`"):
        Flatten(data_format="nchw")


@pytest.mark.parametrize("layer, key, value", [
    (Flatten(data_format="channels_first"), "data_format", "channels_first"),
    (Reshape((2, -1)), "target_shape", (2, -1)),
    (Permute((2, 1)), "dims", (2, 1)),
    (RepeatVector(4), "n", 4),
])
def test_config_round_trip(layer, key, value):
    config = layer.get_config()
    assert config[key] == value
    clone = type(layer).from_config({**config, "name": layer.name + "_clone"})
    assert clone.get_config() == {**config, "name": layer.name + "_clone"}
    assert Flatten().get_config()["data_format"] == "channels_last"


def test_compute_output_shape():
    assert Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert Permute((2, 1)).compute_output_shape((None, 3, 4)) == (None, 4, 3)
