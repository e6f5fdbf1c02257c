"""Regenerate ``tests/golden/keras_core_layers.npz``: outputs of real Keras 3 core layers.

Covers Activation, Dropout (inference only: its training draw is random), Flatten,
Reshape, Permute, RepeatVector, the merge layers (Add, Subtract, Multiply, Average,
Maximum, Minimum, Concatenate, Dot), Embedding, ZeroPadding2D and UpSampling2D. Each
case builds one layer from ``kwargs``, sets fixed weights (Embedding) with
``set_weights``, and calls it on fixed inputs (a list for the merge layers).

The file holds ``<case>/in<i>``, ``<case>/w<i>``, ``<case>/out`` and ``__meta__``: a
JSON string with the Keras version and, per case, the class name, kwargs, the number
of inputs and whether they form a list. ``tests/layers/test_core_golden.py`` replays
every case through xlaflow; it never imports Keras.

Keras runs from its own virtual environment outside the repository. From the
repository root::

    python3 -m venv /tmp/lmenv
    /tmp/lmenv/bin/pip install keras==3.15.1 jax numpy
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_core_layers_golden.py

then check with ``.venv/bin/python -m pytest -q -W error tests/layers``.
Pass ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

rng = np.random.default_rng(1234)


def f32(*shape):
    return rng.normal(size=shape).astype(np.float32)


def cases():
    """(case name, class name, kwargs, inputs, is_list, weights)."""
    x3 = f32(2, 3, 4)
    x4 = f32(2, 3, 4, 5)
    a, b, c = f32(2, 3, 4), f32(2, 3, 4), f32(2, 3, 4)
    out = [
        ("activation_relu", "Activation", {"activation": "relu"}, [x3], False, []),
        ("activation_softmax", "Activation", {"activation": "softmax"}, [x3], False, []),
        ("dropout_inference", "Dropout", {"rate": 0.5}, [x3], False, []),
        ("flatten", "Flatten", {}, [x4], False, []),
        ("flatten_channels_first", "Flatten", {"data_format": "channels_first"}, [x4], False, []),
        ("reshape", "Reshape", {"target_shape": [6, 2]}, [x3], False, []),
        ("reshape_infer", "Reshape", {"target_shape": [-1, 3]}, [x3], False, []),
        ("permute", "Permute", {"dims": [3, 1, 2]}, [x4], False, []),
        ("repeat_vector", "RepeatVector", {"n": 3}, [f32(2, 4)], False, []),
        ("add", "Add", {}, [a, b, c], True, []),
        ("add_broadcast", "Add", {}, [a, f32(2, 1, 4)], True, []),
        ("subtract", "Subtract", {}, [a, b], True, []),
        ("multiply", "Multiply", {}, [a, b, c], True, []),
        ("average", "Average", {}, [a, b, c], True, []),
        ("maximum", "Maximum", {}, [a, b, c], True, []),
        ("minimum", "Minimum", {}, [a, b, c], True, []),
        ("concatenate", "Concatenate", {}, [a, f32(2, 3, 2)], True, []),
        ("concatenate_axis1", "Concatenate", {"axis": 1}, [a, f32(2, 5, 4)], True, []),
        ("dot_2d", "Dot", {"axes": 1}, [f32(2, 4), f32(2, 4)], True, []),
        ("dot_2d_normalize", "Dot", {"axes": -1, "normalize": True}, [f32(2, 4), f32(2, 4)], True, []),
        ("dot_3d_axes", "Dot", {"axes": [2, 2]}, [f32(2, 3, 4), f32(2, 5, 4)], True, []),
        ("dot_3d_axis1", "Dot", {"axes": 1}, [f32(2, 3, 4), f32(2, 3, 5)], True, []),
        ("dot_3d_normalize", "Dot", {"axes": [1, 2], "normalize": True}, [f32(2, 3, 4), f32(2, 5, 3)], True, []),
        ("embedding", "Embedding", {"input_dim": 6, "output_dim": 3},
         [np.array([[0, 5, 2], [1, 1, 4]], np.int32)], False, [f32(6, 3)]),
        ("zero_padding2d", "ZeroPadding2D", {"padding": [[1, 2], [0, 3]]}, [x4], False, []),
        ("zero_padding2d_int", "ZeroPadding2D", {"padding": 1}, [x4], False, []),
        ("zero_padding2d_channels_first", "ZeroPadding2D", {"padding": [2, 1], "data_format": "channels_first"}, [x4], False, []),
        ("up_sampling2d", "UpSampling2D", {"size": [2, 3]}, [x4], False, []),
        ("up_sampling2d_channels_first", "UpSampling2D", {"size": 2, "data_format": "channels_first"}, [x4], False, []),
    ]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/golden/keras_core_layers.npz")
    args = parser.parse_args()

    import keras

    arrays: dict = {}
    meta: dict = {"keras_version": keras.__version__, "cases": {}}
    for name, cls, kwargs, inputs, is_list, weights in cases():
        kw = {k: tuple(tuple(x) if isinstance(x, list) else x for x in v) if isinstance(v, list) else v
              for k, v in kwargs.items()}
        layer = getattr(keras.layers, cls)(**kw)
        call_in = list(inputs) if is_list else inputs[0]
        if weights:
            layer.build(inputs[0].shape)
            layer.set_weights(weights)
        y = np.asarray(layer(call_in, training=False) if cls == "Dropout" else layer(call_in))
        for i, x in enumerate(inputs):
            arrays[f"{name}/in{i}"] = x
        for i, w in enumerate(weights):
            arrays[f"{name}/w{i}"] = w
        arrays[f"{name}/out"] = y
        meta["cases"][name] = {"class": cls, "kwargs": kwargs, "n_inputs": len(inputs), "is_list": is_list,
                               "n_weights": len(weights)}
    arrays["__meta__"] = np.array(json.dumps(meta, sort_keys=True))
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out}: {len(meta['cases'])} cases")


if __name__ == "__main__":
    main()
