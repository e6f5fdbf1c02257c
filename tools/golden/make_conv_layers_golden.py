"""Regenerate ``tests/golden/keras_conv_layers.npz``: outputs of real Keras 3 conv and pooling layers.

For each case (a layer class, its constructor arguments and an input shape) the file
holds a fixed input ``<case>/x``, fixed weights ``<case>/w<i>`` (set with
``set_weights``) and Keras' output ``<case>/y``, computed both with ``training=False``
and ``training=True`` (they must agree: these layers are deterministic). ``__meta__``
is a JSON string with the Keras version and, per case, the class name, the arguments,
Keras' ``compute_output_shape`` for a ``None`` batch and ``get_config()`` without the
name. The tests under ``tests/layers/`` (``test_conv.py``, ``test_conv_transpose.py``,
``test_depthwise.py``, ``test_pooling.py``, ``test_global_pooling.py``) replay the cases through
xlaflow; they never import Keras.

Keras runs from its own virtual environment outside the repository. From the
repository root::

    python3 -m venv /tmp/lmenv
    /tmp/lmenv/bin/pip install keras==3.15.1 jax numpy
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_conv_layers_golden.py

then check with ``.venv/bin/python -m pytest -q -W error tests/layers``.
Pass ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os

import numpy as np

CASES = [
    ("conv2d_valid", "Conv2D", {"filters": 4, "kernel_size": 3}, (2, 7, 6, 3)),
    ("conv2d_same_strided_relu", "Conv2D", {"filters": 5, "kernel_size": (3, 2), "strides": 2, "padding": "same", "activation": "relu"}, (2, 7, 8, 3)),
    ("conv2d_dilated_nobias", "Conv2D", {"filters": 3, "kernel_size": 2, "dilation_rate": (2, 1), "use_bias": False}, (1, 6, 5, 2)),
    ("conv2d_groups", "Conv2D", {"filters": 4, "kernel_size": 3, "groups": 2, "padding": "same"}, (2, 5, 5, 4)),
    ("conv2d_channels_first", "Conv2D", {"filters": 3, "kernel_size": 3, "data_format": "channels_first", "padding": "same"}, (2, 2, 5, 6)),
    ("conv1d_valid", "Conv1D", {"filters": 4, "kernel_size": 3}, (2, 9, 3)),
    ("conv1d_same_strided_tanh", "Conv1D", {"filters": 2, "kernel_size": 4, "strides": 3, "padding": "same", "activation": "tanh"}, (2, 10, 3)),
    ("conv1d_causal_dilated", "Conv1D", {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 8, 2)),
    ("conv2d_transpose_valid", "Conv2DTranspose", {"filters": 3, "kernel_size": 3}, (2, 4, 5, 2)),
    ("conv2d_transpose_same_strided", "Conv2DTranspose", {"filters": 2, "kernel_size": (3, 4), "strides": 2, "padding": "same"}, (2, 4, 3, 3)),
    ("conv2d_transpose_valid_stride3", "Conv2DTranspose", {"filters": 2, "kernel_size": 2, "strides": 3}, (1, 3, 4, 2)),
    ("conv2d_transpose_output_padding", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": (2, 3), "padding": "same", "output_padding": (1, 2)}, (2, 4, 3, 2)),
    ("conv2d_transpose_valid_output_padding", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "output_padding": 1, "activation": "relu"}, (1, 3, 4, 2)),
    ("conv2d_transpose_dilated", "Conv2DTranspose", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, "padding": "same"}, (1, 5, 4, 3)),
    ("conv2d_transpose_channels_first", "Conv2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "data_format": "channels_first"}, (1, 3, 4, 5)),
    ("depthwise_valid", "DepthwiseConv2D", {"kernel_size": 3}, (2, 6, 5, 3)),
    ("depthwise_same_multiplier", "DepthwiseConv2D", {"kernel_size": (3, 2), "strides": 2, "padding": "same", "depth_multiplier": 2}, (2, 7, 6, 3)),
    ("depthwise_dilated_nobias", "DepthwiseConv2D", {"kernel_size": 2, "dilation_rate": 2, "use_bias": False}, (1, 6, 6, 2)),
    ("separable_valid", "SeparableConv2D", {"filters": 4, "kernel_size": 3}, (2, 6, 5, 3)),
    ("separable_same_multiplier_relu", "SeparableConv2D", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2, "activation": "relu"}, (2, 7, 6, 2)),
    ("separable_channels_first", "SeparableConv2D", {"filters": 3, "kernel_size": 2, "data_format": "channels_first"}, (1, 2, 5, 4)),
    ("maxpool2d_default", "MaxPooling2D", {}, (2, 6, 7, 3)),
    ("maxpool2d_same", "MaxPooling2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 2)),
    ("avgpool2d_default", "AveragePooling2D", {"pool_size": 2}, (2, 6, 7, 3)),
    ("avgpool2d_same", "AveragePooling2D", {"pool_size": (3, 2), "strides": (2, 1), "padding": "same"}, (2, 7, 5, 2)),
    ("avgpool2d_channels_first", "AveragePooling2D", {"pool_size": 2, "data_format": "channels_first"}, (2, 3, 4, 6)),
    ("maxpool1d_default", "MaxPooling1D", {}, (2, 9, 3)),
    ("maxpool1d_same", "MaxPooling1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 3)),
    ("avgpool1d_default", "AveragePooling1D", {"pool_size": 2}, (2, 9, 3)),
    ("avgpool1d_same", "AveragePooling1D", {"pool_size": 3, "strides": 1, "padding": "same"}, (2, 6, 2)),
    ("gap1d", "GlobalAveragePooling1D", {}, (2, 5, 3)),
    ("gap1d_keepdims", "GlobalAveragePooling1D", {"keepdims": True}, (2, 5, 3)),
    ("gap2d", "GlobalAveragePooling2D", {}, (2, 4, 5, 3)),
    ("gap2d_channels_first_keepdims", "GlobalAveragePooling2D", {"data_format": "channels_first", "keepdims": True}, (2, 3, 4, 5)),
    ("gmp1d", "GlobalMaxPooling1D", {}, (2, 5, 3)),
    ("gmp2d", "GlobalMaxPooling2D", {}, (2, 4, 5, 3)),
    ("gmp2d_keepdims", "GlobalMaxPooling2D", {"keepdims": True}, (2, 4, 5, 3)),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "keras_conv_layers.npz"))
    args = parser.parse_args()
    import keras

    rng = np.random.default_rng(20261121)
    arrays: dict[str, np.ndarray] = {}
    meta: dict = {"keras_version": keras.__version__, "cases": {}}
    for case, cls_name, kwargs, shape in CASES:
        layer = getattr(keras.layers, cls_name)(**kwargs)
        x = rng.normal(size=shape).astype(np.float32)
        layer.build(shape)
        weights = [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in layer.get_weights()]
        layer.set_weights(weights)
        y = np.asarray(layer(x, training=False))
        y_train = np.asarray(layer(x, training=True))
        np.testing.assert_array_equal(y, y_train)
        arrays[f"{case}/x"] = x
        arrays[f"{case}/y"] = y
        for i, w in enumerate(weights):
            arrays[f"{case}/w{i}"] = w
        config = layer.get_config()
        config.pop("name")
        meta["cases"][case] = {
            "class": cls_name, "kwargs": kwargs, "n_weights": len(weights),
            "output_shape": list(layer.compute_output_shape((None,) + shape[1:])),
            "config_keys": sorted(config),
        }
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out}: {len(CASES)} cases, {os.path.getsize(args.out)} bytes")


if __name__ == "__main__":
    main()
