"""Replays ``tests/golden/keras_recurrent.npz`` (made by
``tools/golden/make_recurrent_golden.py`` with real Keras 3) through xlaflow."""

from __future__ import annotations

import functools
import json
import pathlib

import numpy as np

import xlaflow as tf

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_recurrent.npz"


class MinimalRNNCell(tf.keras.layers.Layer):
    """The golden script's custom cell: ``h = tanh(x @ kernel + h_prev @ recurrent_kernel)``."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

    def call(self, inputs, states):
        h = tf.tanh(tf.matmul(inputs, self.kernel) + tf.matmul(states[0], self.recurrent_kernel))
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


CUSTOM = {"MinimalRNNCell": MinimalRNNCell}


@functools.lru_cache(maxsize=1)
def load() -> tuple[dict, dict]:
    with np.load(GOLDEN) as data:
        arrays = {k: data[k] for k in data.files}
    return json.loads(str(arrays.pop("__meta__"))), arrays


def case_names() -> list[str]:
    return sorted(load()[0]["cases"])


def build_layer(spec):
    cls_name, kwargs = spec
    kwargs = dict(kwargs)
    for key in ("layer", "backward_layer", "cell"):
        if key in kwargs:
            kwargs[key] = build_layer(kwargs[key])
    cls = CUSTOM.get(cls_name) or getattr(tf.keras.layers, cls_name)
    return cls(**kwargs)


def build_case(name: str):
    """(layers built with Keras' weights, arrays of the case, case meta)."""
    meta, arrays = load()
    case = meta["cases"][name]
    layers = [build_layer(spec) for spec in case["layers"]]
    x = arrays[f"{name}/x"]
    shape = x.shape
    for layer in layers:
        layer.build(shape)
        layer.built = True
        shape = layer.compute_output_shape(shape)
    weights = [arrays[f"{name}/w{i}"] for i in range(case["n_weights"])]
    for layer in layers:
        n = len(layer.weights)
        layer.set_weights(weights[:n])
        weights = weights[n:]
    assert not weights
    return layers, {k.split("/", 1)[1]: v for k, v in arrays.items() if k.startswith(name + "/")}, case


def chain(layers, x, **call_kwargs):
    for layer in layers[:-1]:
        x = layer(x)
    return layers[-1](x, **call_kwargs)


def run_case(name: str, runner=None) -> tuple[list, list]:
    """(xlaflow outputs, Keras outputs), each flattened over all calls of the case.

    ``runner(fn, *args)`` runs each call (plain, or through ``xlaflow.function``).
    """
    layers, arrays, case = build_case(name)
    options = case["options"]
    run = runner or (lambda fn, *args: fn(*args))
    x = arrays["x"]
    calls = []
    if options.get("mask"):
        calls.append(run(lambda x, m: layers[-1](x, mask=m), x, arrays["mask"]))
    elif options.get("initial_state"):
        states = [arrays[k] for k in sorted(k for k in arrays if k.startswith("state"))]
        calls.append(run(lambda x, *s: layers[-1](x, initial_state=list(s)), x, *states))
    elif options.get("stateful"):
        calls.append(run(lambda x: chain(layers, x), x))
        calls.append(run(lambda x: chain(layers, x), arrays["x2"]))
        layers[-1].reset_states()
        calls.append(run(lambda x: chain(layers, x), arrays["x2"]))
    else:
        calls.append(run(lambda x: chain(layers, x), x))
    flat = []
    for out in calls:
        flat += list(out) if isinstance(out, (list, tuple)) else [out]
    expected = [arrays[f"out{i}"] for i in range(case["n_outputs"])]
    return [np.asarray(tf.convert_to_tensor(o).numpy()) for o in flat], expected
