"""Functional models against real Keras 3 (tests/golden/keras_functional.json, made by
tools/golden/make_functional_golden.py): Keras' config revived by ``Model.from_config``
gives Keras' outputs after ``set_weights``; the same models built with xlaflow have
Keras' layer order, parameter counts, summary shapes, output names and config."""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

from xlaflow import keras

L = keras.layers
GOLDEN = json.loads((pathlib.Path(__file__).parents[1] / "golden" / "keras_functional.json").read_text())


def _inputs(case: dict) -> list:
    return [np.asarray(x, dtype=np.int32 if isinstance(np.asarray(x).flat[0], (int, np.integer)) else np.float32)
            for x in case["x"]]


def _set_layer_weights(model, case: dict) -> None:
    for layer, weights in zip(model.layers, case["weights"]):
        layer.set_weights([np.asarray(w, dtype=np.float32) for w in weights])


def _outputs(model, xs: list) -> list:
    ys = model(xs if len(xs) > 1 else xs[0])
    return [y.numpy() for y in (ys if isinstance(ys, (list, tuple)) else [ys])]


def _summary_facts(model) -> tuple:
    return ([layer.name for layer in model.layers], [type(layer).__name__ for layer in model.layers],
            [layer.count_params() for layer in model.layers], [model._output_shapes.get(id(layer)) for layer in model.layers])


# -- the same models, written with xlaflow ------------------------------------------------------

def mlp():
    x = keras.Input((20,), name="x")
    h = L.Dense(16, activation="relu", name="d1")(x)
    return keras.Model(x, L.Dense(1, name="out")(h), name="mlp")


def two_in_two_out():
    a = keras.Input((8,), name="a")
    b = keras.Input((4,), name="b")
    h = L.Concatenate(name="cat")([L.Dense(6, activation="tanh", name="da")(a), b])
    o1 = L.Dense(1, name="o1")(h)
    o2 = L.Dense(3, activation="softmax", name="o2")(h)
    return keras.Model([a, b], [o1, o2], name="two_in_two_out")


def shared():
    dense = L.Dense(5, name="shared")
    x1 = keras.Input((5,), name="x1")
    x2 = keras.Input((5,), name="x2")
    y = L.Add(name="add")([dense(x1), dense(x2)])
    return keras.Model([x1, x2], L.Dense(1, name="o")(y), name="shared_model")


def convnet():
    x = keras.Input((12, 12, 1), name="img")
    h = L.Conv2D(4, 3, activation="relu", name="conv")(x)
    h = L.BatchNormalization(name="bn")(h)
    h = L.MaxPooling2D(name="pool")(h)
    h = L.Flatten(name="flat")(h)
    return keras.Model(x, L.Dense(10, activation="softmax", name="probs")(h), name="convnet")


def nested():
    inner = keras.Sequential([keras.Input((6,)), L.Dense(4, activation="relu", name="i1"), L.Dense(2, name="i2")],
                             name="inner")
    x = keras.Input((6,), name="x")
    return keras.Model(x, L.Dense(1, name="head")(inner(x)), name="nested")


def text():
    x = keras.Input((7,), dtype="int32", name="tokens")
    h = L.Embedding(30, 8, name="emb")(x)
    h = L.LSTM(5, name="lstm")(h)
    return keras.Model(x, L.Dense(2, name="cls")(h), name="text")


BUILDERS = {"mlp": mlp, "two_in_two_out": two_in_two_out, "shared_model": shared, "convnet": convnet,
            "nested": nested, "text": text}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_keras_config_revived_gives_keras_outputs(name):
    case = GOLDEN[name]
    model = keras.Model.from_config(case["config"])
    assert _summary_facts(model) == (case["layers"], case["types"], case["params"], case["shapes"])
    assert model.count_params() == case["total"] and model.output_names == case["output_names"]
    _set_layer_weights(model, case)
    for got, want in zip(_outputs(model, _inputs(case)), case["y"]):
        np.testing.assert_allclose(got, np.asarray(want, np.float32), rtol=1e-5, atol=1e-6)


def _strip(node: dict) -> list:
    return json.loads(json.dumps(node["args"]))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_xlaflow_model_matches_keras_layers_summary_and_config_layout(name):
    case = GOLDEN[name]
    model = BUILDERS[name]()
    assert _summary_facts(model) == (case["layers"], case["types"], case["params"], case["shapes"])
    trainable = sum(int(np.prod(w.shape.as_list())) for w in model.trainable_weights)
    assert (model.count_params(), trainable, model.output_names) == (case["total"], case["trainable"], case["output_names"])
    lines = []
    model.summary(print_fn=lines.append)
    assert f"Total params: {case['total']:,}" in "\n".join(lines)
    config = json.loads(json.dumps(model.get_config()))
    want = case["config"]
    assert config["input_layers"] == want["input_layers"] and config["output_layers"] == want["output_layers"]
    assert [(e["name"], e["class_name"]) for e in config["layers"]] == [(e["name"], e["class_name"]) for e in want["layers"]]
    for got, ref in zip(config["layers"], want["layers"]):
        assert [_strip(n) for n in got["inbound_nodes"]] == [_strip(n) for n in ref["inbound_nodes"]], got["name"]
    # and xlaflow's own config revives to the same function
    _set_layer_weights(model, case)
    clone = keras.Model.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    for got, want_y in zip(_outputs(clone, _inputs(case)), case["y"]):
        np.testing.assert_allclose(got, np.asarray(want_y, np.float32), rtol=1e-5, atol=1e-6)
