"""Keras 3 interop, both directions, from committed fixtures (no Keras needed here).

(a) ``tests/golden/keras_files/``: ``.keras`` / ``.weights.h5`` files written by real
Keras 3.15.1 (``tools/golden/make_keras_files.py``) load in xlaflow with the same
weights, optimizer state and predictions, and one more training step lands where
Keras' did. (b) ``tests/golden/xlaflow_files/``: files written by xlaflow
(``tools/golden/make_xlaflow_files.py``) that real Keras loaded; its predictions and
its next training step are recorded in ``keras_verdict.npz`` and xlaflow must agree.
Files the test suite writes now must have the same zip members and the same HDF5
layout (dataset paths, shapes, dtypes, group attribute names) as the committed ones.
"""

import importlib.util
import json
import pathlib
import zipfile

import h5py
import numpy as np
import pytest

from xlaflow import keras
from xlaflow.saving.object_walk import optimizer_variables

HERE = pathlib.Path(__file__).parent
GOLDEN = HERE.parent / "golden"
KERAS_DIR = GOLDEN / "keras_files"
XF_DIR = GOLDEN / "xlaflow_files"
_spec = importlib.util.spec_from_file_location("_interop_data", HERE / "_interop_data.py")
data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(data)
NAMES = list(data.SPECS)
RTOL, ATOL = 1e-5, 1e-6


def _assert_layers(model, ref, prefix, exact=True):
    for j, layer in enumerate(model.layers):
        for k, w in enumerate(layer.weights):
            expected = ref[f"{prefix}/L{j}_{k}"]
            if exact:
                np.testing.assert_array_equal(w.numpy(), expected, err_msg=f"{prefix} layer {j} weight {k}")
            else:
                np.testing.assert_allclose(w.numpy(), expected, rtol=RTOL, atol=ATOL, err_msg=f"{prefix} layer {j} weight {k}")


def _assert_state(model, ref, name):
    _assert_layers(model, ref, name)
    n_opt = len([k for k in ref.files if k.startswith(f"{name}/opt")])
    keras_view = optimizer_variables(model.optimizer, model)  # slots in Keras' variable order
    assert len(keras_view) == n_opt
    for i, v in enumerate(keras_view):
        np.testing.assert_array_equal(np.asarray(v.numpy()), ref[f"{name}/opt{i}"], err_msg=f"{name} optimizer var {i}")


def _assert_next_step(model, ref, name, x, y):
    if f"{name}/next/L0_0" not in ref.files:
        return
    model.train_on_batch(x, y)
    _assert_layers(model, ref, f"{name}/next", exact=False)


@pytest.mark.parametrize("name", NAMES)
def test_keras_written_keras_file_loads(name):
    ref = np.load(KERAS_DIR / "reference.npz")
    model = keras.models.load_model(KERAS_DIR / f"{name}.keras")
    assert model.name == f"{name}_model"
    assert type(model.optimizer).__name__ == data.SPECS[name]["optimizer"][0]
    assert int(model.optimizer.iterations.numpy()) == 2
    _assert_state(model, ref, name)
    x, y = ref[f"{name}/x"], ref[f"{name}/y"]
    np.testing.assert_allclose(np.asarray(model(x)), ref[f"{name}/pred"], rtol=RTOL, atol=ATOL)
    _assert_next_step(model, ref, name, x, y)  # training resumed after load continues exactly


@pytest.mark.parametrize("name", NAMES)
def test_keras_written_weights_file_loads(name):
    ref = np.load(KERAS_DIR / "reference.npz")
    model = data.build_xlaflow(keras, name)
    model.optimizer.build(model.trainable_variables)
    model.load_weights(KERAS_DIR / f"{name}.weights.h5")
    _assert_state(model, ref, name)
    np.testing.assert_allclose(np.asarray(model(ref[f"{name}/x"])), ref[f"{name}/pred"], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("name", NAMES)
def test_xlaflow_written_files_agree_with_keras_verdict(name):
    verdict = np.load(XF_DIR / "keras_verdict.npz")
    summary = json.loads((XF_DIR / "keras_verdict.json").read_text())[name]
    assert summary["weights_file_matches_keras_file"] and summary["optimizer_iterations"] == 2
    assert summary["max_abs_pred_diff_vs_xlaflow"] <= 1e-5
    ref = np.load(XF_DIR / "xlaflow_reference.npz")
    x, y = ref[f"{name}/x"], ref[f"{name}/y"]
    model = keras.models.load_model(XF_DIR / f"{name}.keras")
    _assert_state(model, verdict, name)  # what Keras read from the file is what xlaflow reads
    np.testing.assert_allclose(np.asarray(model(x)), verdict[f"{name}/pred"], rtol=RTOL, atol=ATOL)
    if name == "sgd":  # (every model's resumed step is checked against Keras' own files above)
        _assert_next_step(model, verdict, name, x, y)


def _h5_layout(source) -> dict:
    out = {}
    with h5py.File(source, "r") as f:
        f.visititems(lambda path, obj: out.__setitem__(path, (tuple(obj.shape), obj.dtype.str)
                                                         if isinstance(obj, h5py.Dataset) else sorted(obj.attrs)))
    return out


def _layout(path: pathlib.Path) -> dict:
    if path.suffix == ".keras":
        with zipfile.ZipFile(path) as z:
            members = sorted(z.namelist())
            with z.open("model.weights.h5") as f:
                h5 = _h5_layout(f)
            config = json.loads(z.read("config.json"))
        return {"members": members, "h5": h5, "layers": [l["class_name"] for l in config["config"]["layers"]],
                "compile": sorted(config.get("compile_config", {}))}
    return {"h5": _h5_layout(path)}


@pytest.mark.parametrize("name", NAMES)
def test_files_written_now_match_committed_layout(name, tmp_path):
    _spec2 = importlib.util.spec_from_file_location("make_xlaflow_files", HERE.parents[1] / "tools" / "golden" / "make_xlaflow_files.py")
    maker = importlib.util.module_from_spec(_spec2)
    _spec2.loader.exec_module(maker)
    maker.write(name, tmp_path, train=False)
    for suffix in (".keras", ".weights.h5"):
        assert _layout(tmp_path / f"{name}{suffix}") == _layout(XF_DIR / f"{name}{suffix}")
    # ... and the same layout real Keras writes for the same model
    assert _layout(tmp_path / f"{name}.weights.h5") == _layout(KERAS_DIR / f"{name}.weights.h5")
    ours, theirs = _layout(tmp_path / f"{name}.keras"), _layout(KERAS_DIR / f"{name}.keras")
    assert ours["members"] == theirs["members"] and ours["h5"] == theirs["h5"] and ours["layers"] == theirs["layers"]
