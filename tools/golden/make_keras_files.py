"""Regenerate the Keras interop fixtures: files written by real Keras 3, and Keras'
verdict on files written by xlaflow.

Stage 1 (``tests/golden/keras_files/``): for each model of
``tests/saving/_interop_data.py`` (Dense, Dropout, Conv2D, pooling, Flatten,
Embedding ... with Adam or SGD+momentum), real Keras builds it, sets the shared
deterministic starting weights, compiles it, runs two ``train_on_batch`` steps and
writes ``<name>.keras`` and ``<name>.weights.h5``. ``reference.npz`` records the
batch, the predictions, every layer's weights (``<name>/L<layer>_<k>``) and every
optimizer variable at save time, and the same after one *more* training step (what
a resumed run must reach, ``<name>/next/...``).

Stage 2 (``tests/golden/xlaflow_files/``, needs the files written by
``tools/golden/make_xlaflow_files.py`` first): real Keras loads each
``<name>.keras`` written by xlaflow (``load_model``, compile=True) and each
``<name>.weights.h5`` (``load_weights`` into a fresh compiled model), checks that
both give the same weights and optimizer state, and records in
``keras_verdict.npz`` its predictions, weights, optimizer variables and the weights
after one more training step; ``keras_verdict.json`` summarizes (max |Keras -
xlaflow| of the predictions).

From the repository root::

    .venv/bin/python tools/golden/make_xlaflow_files.py          # xlaflow writes its files
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_keras_files.py

(/tmp/lmenv: a virtual environment with keras==3.15.1, jax==0.10.2 and h5py.)
"""

import importlib.util
import json
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("_interop_data", ROOT / "tests" / "saving" / "_interop_data.py")
data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(data)
KERAS_DIR = ROOT / "tests" / "golden" / "keras_files"
XLAFLOW_DIR = ROOT / "tests" / "golden" / "xlaflow_files"


def build(name: str) -> keras.Model:
    spec = data.SPECS[name]
    shape, dtype = spec["input"]
    layers = [keras.Input(shape, dtype=dtype)]
    layers += [getattr(keras.layers, cls)(**kwargs) for cls, kwargs in spec["layers"]]
    model = keras.Sequential(layers, name=f"{name}_model")
    opt_cls, opt_kwargs = spec["optimizer"]
    model.compile(optimizer=getattr(keras.optimizers, opt_cls)(**opt_kwargs), loss=spec["loss"])
    return model


def stage1() -> None:
    KERAS_DIR.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, spec in data.SPECS.items():
        keras.utils.set_random_seed(0)
        model = build(name)
        data.set_initial_weights(model, lambda w: tuple(w.shape))
        x, y = data.batch(name)
        for _ in range(2):
            model.train_on_batch(x, y)
        model.save(KERAS_DIR / f"{name}.keras")
        model.save_weights(KERAS_DIR / f"{name}.weights.h5")
        out[f"{name}/x"], out[f"{name}/y"] = x, y
        out[f"{name}/pred"] = np.asarray(model.predict(x, verbose=0))
        data.layer_state(model, name, out)
        if spec["deterministic"]:
            model.train_on_batch(x, y)
            data.layer_state(model, f"{name}/next", out)
    np.savez(KERAS_DIR / "reference.npz", **out)
    print("stage 1: wrote", sorted(p.name for p in KERAS_DIR.iterdir()))


def stage2() -> None:
    ref_path = XLAFLOW_DIR / "xlaflow_reference.npz"
    if not ref_path.exists():
        print("stage 2 skipped: run tools/golden/make_xlaflow_files.py first")
        return
    ref = np.load(ref_path)
    out, summary = {}, {}
    for name, spec in data.SPECS.items():
        x, y = ref[f"{name}/x"], ref[f"{name}/y"]
        model = keras.models.load_model(XLAFLOW_DIR / f"{name}.keras")  # compile=True, safe_mode=True
        fresh = build(name)
        fresh.optimizer.build(fresh.trainable_variables)
        fresh.load_weights(XLAFLOW_DIR / f"{name}.weights.h5")
        for a, b in zip(model.weights + model.optimizer.variables, fresh.weights + fresh.optimizer.variables):
            assert np.array_equal(np.asarray(a.numpy()), np.asarray(b.numpy())), (name, a.path)
        pred = np.asarray(model.predict(x, verbose=0))
        out[f"{name}/pred"] = pred
        data.layer_state(model, name, out)
        summary[name] = {
            "max_abs_pred_diff_vs_xlaflow": float(np.max(np.abs(pred - ref[f"{name}/pred"]))),
            "optimizer_iterations": int(model.optimizer.iterations.numpy()),
            "weights_file_matches_keras_file": True,
        }
        if spec["deterministic"]:
            model.train_on_batch(x, y)
            data.layer_state(model, f"{name}/next", out)
    np.savez(XLAFLOW_DIR / "keras_verdict.npz", **out)
    (XLAFLOW_DIR / "keras_verdict.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print("stage 2:", json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    stages = sys.argv[1:] or ["1", "2"]
    if "1" in stages:
        stage1()
    if "2" in stages:
        stage2()
