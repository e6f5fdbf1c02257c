"""Pipelines compared with real tf.data (tests/golden/data_pipelines.json, made by
tools/golden/make_data_golden.py): elements, cardinality and element_spec."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import xlaflow as tf

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "data_pipelines.json")
with open(GOLDEN) as f:
    CASES = json.load(f)


def _py(x):
    if isinstance(x, dict):
        return {k: _py(v) for k, v in sorted(x.items())}
    if isinstance(x, (tuple, list)):
        return [_py(v) for v in x]
    return np.asarray(x).tolist()


def _spec(spec):
    if isinstance(spec, dict):
        return {k: _spec(v) for k, v in sorted(spec.items())}
    if isinstance(spec, (tuple, list)):
        return [_spec(v) for v in spec]
    return {"shape": None if spec.shape.rank is None else list(spec.shape.as_list()), "dtype": spec.dtype.name}


@pytest.mark.parametrize("case", CASES, ids=[c["code"][:70] for c in CASES])
def test_matches_tf(case):
    ds = eval(case["code"], {"tf": tf, "np": np})
    assert int(ds.cardinality()) == case["cardinality"]
    assert _spec(ds.element_spec) == case["spec"]
    if "elements" in case:
        got = [_py(e) for e in ds.as_numpy_iterator()]
        assert got == case["elements"]
        # and as Tensors: the same values
        assert [_py(_numpy(e)) for e in ds] == case["elements"]


def _numpy(e):
    if isinstance(e, dict):
        return {k: _numpy(v) for k, v in e.items()}
    if isinstance(e, tuple):
        return tuple(_numpy(v) for v in e)
    assert isinstance(e, tf.Tensor), type(e)
    return e.numpy()
