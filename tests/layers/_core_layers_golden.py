"""Replays ``tests/golden/keras_core_layers.npz`` (made by
``tools/golden/make_core_layers_golden.py`` with real Keras) through xlaflow."""

from __future__ import annotations

import functools
import json
import pathlib

import numpy as np

import xlaflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_core_layers.npz"


@functools.lru_cache(maxsize=1)
def load() -> tuple[dict, dict]:
    with np.load(GOLDEN) as data:
        arrays = {k: data[k] for k in data.files}
    return json.loads(str(arrays.pop("__meta__"))), arrays


def case_names(*classes: str) -> list[str]:
    meta, _ = load()
    return sorted(name for name, case in meta["cases"].items() if case["class"] in classes)


def build_case(name: str):
    """(layer, call input, Keras' output) for one golden case."""
    meta, arrays = load()
    case = meta["cases"][name]
    layer = getattr(tf.keras.layers, case["class"])(**case["kwargs"])
    inputs = [arrays[f"{name}/in{i}"] for i in range(case["n_inputs"])]
    if case["n_weights"]:
        layer.build(inputs[0].shape)
        layer.set_weights([arrays[f"{name}/w{i}"] for i in range(case["n_weights"])])
    return layer, (inputs if case["is_list"] else inputs[0]), arrays[f"{name}/out"]


def check_case(name: str) -> None:
    """Eager and compiled outputs match Keras at rtol 1e-5, atol 1e-6."""
    layer, x, expected = build_case(name)
    out = layer(x)
    assert tuple(out.shape.as_list()) == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)
    compiled = tf.function(lambda inputs: layer(inputs))
    np.testing.assert_allclose(compiled(x).numpy(), expected, rtol=1e-5, atol=1e-6)
