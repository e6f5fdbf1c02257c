"""ZeroPadding2D and UpSampling2D: Keras goldens, errors, config, compiled use."""

from __future__ import annotations

import numpy as np
import pytest
from _core_layers_golden import case_names, check_case

from xlaflow.layers import UpSampling2D, ZeroPadding2D


@pytest.mark.parametrize("name", case_names("ZeroPadding2D", "UpSampling2D"))
def test_matches_keras(name):
    check_case(name)


def test_wrong_inputs_are_clear_errors():
    with pytest.raises(ValueError, match='Input 0 of layer "zp" is incompatible with the layer: expected ndim=4, found ndim=3'):
        ZeroPadding2D(name="zp")(np.ones((1, 2, 3), np.float32))
    with pytest.raises(ValueError, match='Input 0 of layer "up" is incompatible with the layer: expected ndim=4, found ndim=2'):
        UpSampling2D(name="up")(np.ones((1, 2), np.float32))
    with pytest.raises(ValueError, match="ZeroPadding2D: argument `padding` must be an int or a tuple of 2 ints"):
        ZeroPadding2D((1, 2, 3))
    with pytest.raises(ValueError, match='UpSampling2D: only interpolation="nearest" is supported'):
        UpSampling2D(interpolation="bilinear")


def test_config_round_trip():
    for layer, expected in [(ZeroPadding2D(2), {"padding": ((2, 2), (2, 2)), "data_format": "channels_last"}),
                            (UpSampling2D(3), {"size": (3, 3), "data_format": "channels_last", "interpolation": "nearest"})]:
        config = layer.get_config()
        assert {k: config[k] for k in expected} == expected
        clone = type(layer).from_config({**config, "name": layer.name + "_clone"})
        assert clone.get_config() == {**config, "name": layer.name + "_clone"}
