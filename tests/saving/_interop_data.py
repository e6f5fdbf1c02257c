"""The models and data of the Keras interop fixtures, described with NumPy only.

Shared by ``tools/golden/make_keras_files.py`` (real Keras 3), by
``tools/golden/make_xlaflow_files.py`` and by the tests, so that all three build the
same architectures and feed the same batches. ``SPECS`` lists, per model, its layers
as ``(class_name, kwargs)``, input shape and dtype, optimizer, loss, and whether its
training is deterministic (no Dropout), i.e. whether a resumed step can be compared.
"""

import numpy as np

SPECS = {
    "mlp": {
        "input": ((6,), "float32"),
        "layers": [("Dense", {"units": 8, "activation": "relu"}), ("Dropout", {"rate": 0.25}),
                   ("Dense", {"units": 3, "activation": "softmax"})],
        "optimizer": ("Adam", {"learning_rate": 0.01}),
        "loss": "categorical_crossentropy",
        "deterministic": False,
    },
    "cnn": {
        "input": ((8, 8, 2), "float32"),
        "layers": [("Conv2D", {"filters": 4, "kernel_size": 3, "activation": "relu"}), ("MaxPooling2D", {"pool_size": 2}),
                   ("Conv2D", {"filters": 3, "kernel_size": 3, "padding": "same"}), ("AveragePooling2D", {"pool_size": 3}),
                   ("Flatten", {}), ("Dense", {"units": 2})],
        "optimizer": ("Adam", {"learning_rate": 0.005}),
        "loss": "mse",
        "deterministic": True,
    },
    "emb": {
        "input": ((5,), "int32"),
        "layers": [("Embedding", {"input_dim": 12, "output_dim": 4}), ("GlobalAveragePooling1D", {}),
                   ("Dense", {"units": 1, "activation": "sigmoid"})],
        "optimizer": ("Adam", {"learning_rate": 0.02}),
        "loss": "binary_crossentropy",
        "deterministic": True,
    },
    "bn": {
        "input": ((5,), "float32"),
        "layers": [("Dense", {"units": 4}), ("BatchNormalization", {}), ("Activation", {"activation": "relu"}),
                   ("Dense", {"units": 1})],
        "optimizer": ("RMSprop", {"learning_rate": 0.01}),
        "loss": "mse",
        "deterministic": True,
    },
    "rnn": {
        "input": ((4,), "int32"),
        "layers": [("Embedding", {"input_dim": 12, "output_dim": 3}), ("LSTM", {"units": 3}),
                   ("Dense", {"units": 2})],
        "optimizer": ("Adam", {"learning_rate": 0.01}),
        "loss": "mse",
        "deterministic": True,
    },
    "sgd": {
        "input": ((3,), "float32"),
        "layers": [("Dense", {"units": 4, "activation": "tanh"}), ("Dense", {"units": 1})],
        "optimizer": ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
        "loss": "mse",
        "deterministic": True,
    },
}


def batch(name: str) -> tuple:
    """``(x, y)``: the one training batch of model ``name`` (fixed seed)."""
    rng = np.random.default_rng(sum(map(ord, name)))
    shape, dtype = SPECS[name]["input"]
    n = 8
    if dtype == "int32":
        x = rng.integers(0, 12, size=(n,) + shape).astype(np.int32)
    else:
        x = rng.normal(size=(n,) + shape).astype(np.float32)
    if name == "mlp":
        y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, size=n)]
    elif name == "emb":
        y = rng.integers(0, 2, size=(n, 1)).astype(np.float32)
    else:
        y = rng.normal(size=(n, 2 if name in ("cnn", "rnn") else 1)).astype(np.float32)
    return x, y


def initial_weights(shapes: list, seed: int = 7) -> list:
    """Deterministic starting weights for a layer whose weights have ``shapes``."""
    rng = np.random.default_rng(seed)
    return [(0.3 * rng.normal(size=s)).astype(np.float32) for s in shapes]


def set_initial_weights(model, shape_of) -> None:
    """Gives each layer of ``model`` its deterministic starting weights (layer by layer, so
    Keras' and xlaflow's different whole-model weight orders do not matter; normalization
    layers keep their standard initial state)."""
    for j, layer in enumerate(model.layers):
        if layer.weights and type(layer).__name__ != "BatchNormalization":
            layer.set_weights(initial_weights([shape_of(w) for w in layer.weights], seed=7 + j))


def layer_state(model, prefix: str, out: dict) -> None:
    """Records every layer's weights as ``<prefix>/L<layer>_<k>`` and the optimizer's
    variables as ``<prefix>/opt<i>`` (Keras order)."""
    for j, layer in enumerate(model.layers):
        for k, w in enumerate(layer.weights):
            out[f"{prefix}/L{j}_{k}"] = np.asarray(w.numpy())
    for i, v in enumerate(model.optimizer.variables):
        out[f"{prefix}/opt{i}"] = np.asarray(v.numpy())


def build_xlaflow(keras, name: str):
    """The model ``name`` in xlaflow (``keras`` is ``xlaflow.keras``), compiled."""
    spec = SPECS[name]
    shape, _ = spec["input"]
    layers = []
    for i, (cls, kwargs) in enumerate(spec["layers"]):
        extra = {"input_shape": shape} if i == 0 else {}
        layers.append(getattr(keras.layers, cls)(**kwargs, **extra))
    model = keras.Sequential(layers, name=f"{name}_model")
    opt_cls, opt_kwargs = spec["optimizer"]
    model.compile(optimizer=getattr(keras.optimizers, opt_cls)(**opt_kwargs), loss=spec["loss"])
    return model
