"""Golden values for the Keras Functional API (tests/models/test_functional.py).

Builds a few functional models with real Keras 3 and records, per model: the layer
names in ``model.layers`` order, per-layer parameter counts and output shapes (as
``summary()`` prints them), total/trainable parameter counts, ``output_names``, the
model config (Keras 3 functional layout), the weights (per layer) and the outputs on a fixed input.
The tests rebuild the same models with xlaflow, and also revive Keras' config with
``Model.from_config`` and check the outputs after ``set_weights``.

Regenerate (outside the repo's venv; the test suite never imports Keras):

    cd /work/main && KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_functional_golden.py

writes tests/golden/keras_functional.json.
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import layers as L  # noqa: E402


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
    y = inner(x)
    return keras.Model(x, L.Dense(1, name="head")(y), name="nested")


def text():
    x = keras.Input((7,), dtype="int32", name="tokens")
    h = L.Embedding(30, 8, name="emb")(x)
    h = L.LSTM(5, name="lstm")(h)
    return keras.Model(x, L.Dense(2, name="cls")(h), name="text")


def fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


def layer_shape(layer):
    outs = layer._inbound_nodes[-1].output_tensors
    flat = [fmt(t.shape) for t in outs]
    return flat[0] if len(flat) == 1 else str(flat).replace("'", "")


def inputs_for(model, rng):
    out = []
    for t in model.inputs:
        shape = (3,) + tuple(t.shape[1:])
        if "int" in str(t.dtype):
            out.append(rng.integers(0, 30, size=shape).astype("int32"))
        else:
            out.append(rng.normal(size=shape).astype("float32"))
    return out


def main():
    keras.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    golden = {}
    for build in (mlp, two_in_two_out, shared, convnet, nested, text):
        model = build()
        xs = inputs_for(model, rng)
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        golden[model.name] = {
            "layers": [l.name for l in model.layers],
            "types": [type(l).__name__ for l in model.layers],
            "params": [l.count_params() for l in model.layers],
            "shapes": [layer_shape(l) for l in model.layers],
            "total": model.count_params(),
            "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "output_names": list(model.output_names),
            "config": model.get_config(),
            "weights": [[w.tolist() for w in l.get_weights()] for l in model.layers],
            "x": [x.tolist() for x in xs],
            "y": [np.asarray(y).tolist() for y in ys],
        }
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "keras_functional.json")
    with open(path, "w") as f:
        json.dump(golden, f)
    print("wrote", os.path.normpath(path), os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
