"""``keras.datasets``: every loader against real Keras 3 on tiny stand-in files.

The stand-ins (``_dataset_files.py``) have Keras' names and formats; their hashes are
not Keras' published ones, so the tests run with ``XLAFLOW_OFFLINE=1`` (no download is
ever attempted; the mismatching cached file is used with a warning).
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import pickle
import warnings

import numpy as np
import pytest

from xlaflow import keras

HERE = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location("_dataset_files", HERE / "_dataset_files.py")
files = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(files)
GOLDEN = json.loads((HERE.parents[1] / "golden" / "keras_datasets.json").read_text())["cases"]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    root = tmp_path_factory.mktemp("keras_home")
    files.write_all(str(root))
    saved = {k: os.environ.get(k) for k in ("KERAS_HOME", "XLAFLOW_OFFLINE")}
    os.environ.update(KERAS_HOME=str(root), XLAFLOW_OFFLINE="1")
    yield root
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _call(name: str, kwargs: dict):
    module, _, fn = name.partition(".")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "get_file: the cached file", UserWarning)
        return getattr(getattr(keras.datasets, module), fn or "load_data")(**kwargs)


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"{c['module']}-{json.dumps(c['kwargs'], sort_keys=True)}")
def test_matches_keras(home, case):
    result = _call(case["module"], case["kwargs"])
    if case["module"].endswith(("get_word_index", "get_label_names")):
        assert (list(result) if isinstance(result, tuple) else result) == case["result"]
    else:
        assert files.describe(result) == case["result"]


def test_hash_mismatch_warns(home):
    with pytest.warns(UserWarning, match=r"mnist.npz does not match the expected sha256 hash 731c5ac6"):
        keras.datasets.mnist.load_data()


def test_cifar10_layout(home):
    (x_train, y_train), (x_test, y_test) = _call("cifar10", {})
    root = home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    batches = [pickle.loads((root / f"data_batch_{i}").read_bytes()) for i in range(1, 6)]
    data = np.concatenate([b[b"data"] for b in batches]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(x_train, data)
    assert x_train.dtype == np.uint8 and x_train.shape == (15, 32, 32, 3)
    assert y_train.dtype == np.uint8 and y_train.shape == (15, 1)
    assert y_train[:, 0].tolist() == sum((b[b"labels"] for b in batches), [])
    assert x_test.shape == (4, 32, 32, 3) and y_test.shape == (4, 1) and y_test.dtype == np.uint8


def test_mnist_custom_path_and_missing_file(home):
    with pytest.raises(OSError, match=r"mnist_other.npz.*storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz|"
                                      r"storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz.*mnist_other.npz"):
        keras.datasets.mnist.load_data(path="mnist_other.npz")


def test_bad_arguments(home):
    with pytest.raises(ValueError, match="label_mode"):
        keras.datasets.cifar100.load_data(label_mode="medium")
    with pytest.raises(ValueError, match="test_split"):
        keras.datasets.boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version"):
        _call("california_housing", {"version": "tiny"})
    with pytest.raises(ValueError, match="no sequence was kept"):
        _call("imdb", {"maxlen": 1})


def test_pickled_code_is_refused(home, tmp_path, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    bad = np.empty(1, dtype=object)
    bad[0] = Evil()
    datasets = tmp_path / "datasets"
    datasets.mkdir()
    np.savez(datasets / "imdb.npz", x_train=bad, y_train=np.zeros(1), x_test=bad, y_test=np.zeros(1))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `posix.system`"):
        _call("imdb", {})
