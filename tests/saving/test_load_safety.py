"""Loading is safe by default: only allowlisted classes are built, a file's ``module``
is never imported, nothing in a file turns safe mode off, serialized Python code
loads only with ``safe_mode=False`` passed in that call — and one malicious sample
per Keras CVE pattern fails to load without creating its sentinel file."""

import base64
import json
import marshal
import sys
import zipfile

import h5py
import numpy as np
import pytest

from xlaflow import keras
from xlaflow.saving import LoadError, UnsafeContentError, deserialize_keras_object


def _write_keras(path, config, weights=b""):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", weights)
    return path


def _input(shape=(3,)):
    return {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, *shape], "name": "in"}}


def _dense(**extra):
    return {"module": "keras.layers", "class_name": "Dense", "config": {"units": 2, "name": "d", **extra}}


def _sequential(*layers):
    return {"module": "keras", "class_name": "Sequential", "config": {"name": "s", "layers": [_input(), *layers]}}


def _evil_code(sentinel):
    """Keras' func_dump form of a function that creates ``sentinel`` when called."""
    def evil(x):
        open(sentinel, "w").close()  # noqa: SIM115
        return x
    code = base64.b64encode(marshal.dumps(evil.__code__)).decode("ascii")
    return code


def _lambda_layer(sentinel, legacy=False):
    code = _evil_code(sentinel)
    if legacy:  # Keras 2's layout (CVE-2024-3660)
        return {"class_name": "Lambda", "config": {"name": "evil", "function": [code, None, None],
                                                   "function_type": "lambda", "arguments": {}}}
    return {"module": "keras.layers", "class_name": "Lambda",
            "config": {"name": "evil", "function": {"class_name": "__lambda__", "config": {"value": [code, None, None]}},
                       "arguments": {}}}


def _evil_module(tmp_path, monkeypatch, sentinel):
    (tmp_path / "xf_evil_mod.py").write_text(
        f"open({str(sentinel)!r}, 'w').close()\n"
        "def payload(*a, **k):\n"
        f"    open({str(sentinel)!r}, 'w').close()\n"
        "class Evil:\n"
        "    @classmethod\n"
        "    def from_config(cls, config):\n"
        f"        open({str(sentinel)!r}, 'w').close()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("xf_evil_mod", None)


# -- CVE patterns -------------------------------------------------------------------------
def test_cve_2024_3660_lambda_bytecode_refused(tmp_path):
    sentinel = tmp_path / "pwned"
    for legacy in (False, True):
        path = _write_keras(tmp_path / f"lambda{legacy}.keras", _sequential(_lambda_layer(sentinel, legacy)))
        with pytest.raises(UnsafeContentError, match="safe_mode=False"):
            keras.models.load_model(path)
        assert not sentinel.exists()


def test_cve_2025_1550_module_in_config_never_imported(tmp_path, monkeypatch):
    sentinel = tmp_path / "pwned"
    _evil_module(tmp_path, monkeypatch, sentinel)
    configs = [
        _sequential({"module": "xf_evil_mod", "class_name": "Evil", "config": {}, "registered_name": "Evil"}),
        _sequential(_dense(activation={"module": "xf_evil_mod", "class_name": "function", "config": "payload",
                                       "registered_name": "payload"})),
        {"module": "xf_evil_mod", "class_name": "Evil", "config": {}},
        _sequential({"module": "subprocess", "class_name": "Popen", "config": {"args": ["touch", str(sentinel)]}}),
        _sequential(_dense(activation={"module": "os", "class_name": "function", "config": "system"})),
        _sequential({"module": "keras.layers", "class_name": "Lambda",
                     "config": {"name": "l", "function": {"module": "builtins", "class_name": "function", "config": "exec"}}}),
    ]
    for i, config in enumerate(configs):
        path = _write_keras(tmp_path / f"m{i}.keras", config)
        with pytest.raises(LoadError, match="Could not locate|never imported"):
            keras.models.load_model(path)
        with pytest.raises(LoadError):
            keras.models.load_model(path, safe_mode=False)  # the allowlist holds in unsafe mode too
    assert "xf_evil_mod" not in sys.modules and not sentinel.exists()


def test_cve_2025_8747_9906_config_cannot_turn_safe_mode_off(tmp_path):
    sentinel = tmp_path / "pwned"
    attempts = [
        {"module": "keras.config", "class_name": "function", "config": "enable_unsafe_deserialization"},
        {"module": "keras.src.saving.serialization_lib", "class_name": "SafeModeScope", "config": {"safe_mode": False}},
        {"module": "xlaflow.saving.serialization", "class_name": "SafeModeScope", "config": {"safe_mode": False}},
    ]
    for i, attempt in enumerate(attempts):
        config = _sequential(_dense(activation=attempt), _lambda_layer(sentinel))
        config["safe_mode"] = False
        config["config"]["safe_mode"] = False
        config["compile_config"] = {"optimizer": "adam", "loss": "mse", "safe_mode": False}
        path = _write_keras(tmp_path / f"m{i}.keras", config)
        with pytest.raises(UnsafeContentError):
            keras.models.load_model(path)
        layers_only = _sequential(attempt if attempt["class_name"] != "function" else _dense(activation=attempt),
                                  _lambda_layer(sentinel))
        with pytest.raises(UnsafeContentError):
            keras.models.load_model(_write_keras(tmp_path / f"n{i}.keras", layers_only))
    assert not sentinel.exists()


def test_cve_2025_9905_legacy_h5_honours_safe_mode(tmp_path):
    sentinel = tmp_path / "pwned"
    path = tmp_path / "legacy.h5"
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"units": 2, "name": "d", "batch_input_shape": [None, 3]}},
        _lambda_layer(sentinel, legacy=True)]}}
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        f.create_group("model_weights")
    with pytest.raises(UnsafeContentError, match="safe_mode=False"):
        keras.models.load_model(path)
    assert not sentinel.exists()


def test_legacy_h5_loads_weights(tmp_path):
    path = tmp_path / "legacy.h5"
    config = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"units": 2, "name": "d", "batch_input_shape": [None, 3]}}]}}
    kernel, bias = np.arange(6, dtype=np.float32).reshape(3, 2), np.array([1.0, -1.0], np.float32)
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = json.dumps(config)
        g = f.create_group("model_weights/d")
        g.attrs["weight_names"] = [b"d/kernel:0", b"d/bias:0"]
        g["d/kernel:0"], g["d/bias:0"] = kernel, bias
    model = keras.models.load_model(path)
    np.testing.assert_array_equal(model.weights[0].numpy(), kernel)
    np.testing.assert_array_equal(model.weights[1].numpy(), bias)


# -- the rules themselves -----------------------------------------------------------------
def test_lambda_code_loads_only_with_safe_mode_false_in_that_call(tmp_path):
    def triple(x):
        return x * 3
    code = base64.b64encode(marshal.dumps(triple.__code__)).decode("ascii")
    layer = {"module": "keras.layers", "class_name": "Lambda",
             "config": {"name": "t", "function": {"class_name": "__lambda__", "config": {"value": [code, None, None]}},
                        "arguments": {}}}
    path = _write_keras(tmp_path / "t.keras", _sequential(layer), _empty_weights())
    with pytest.raises(UnsafeContentError):
        keras.models.load_model(path)
    model = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(np.asarray(model(np.ones((1, 3), np.float32))), 3.0)
    with pytest.raises(UnsafeContentError):  # the setting lasted for that call only
        keras.models.load_model(path)
    with pytest.raises(UnsafeContentError):
        deserialize_keras_object(layer)


def _empty_weights():
    import io

    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        f.create_group("vars")
    return buf.getvalue()


def test_nested_call_cannot_escalate_safe_mode():
    from xlaflow.saving.serialization import SafeModeScope, in_safe_mode

    seen = []

    class Probe(keras.layers.Layer):
        @classmethod
        def from_config(cls, config):
            seen.append(in_safe_mode())
            with pytest.raises(UnsafeContentError):  # a nested caller asking for unsafe mode gets safe mode
                deserialize_keras_object({"class_name": "__lambda__", "config": {"value": ["", None, None]}},
                                         safe_mode=False)
            return cls(**config)

    deserialize_keras_object({"class_name": "Probe", "config": {}}, custom_objects={"Probe": Probe})
    assert seen == [True] and in_safe_mode()
    with SafeModeScope(True):
        assert in_safe_mode()


def test_only_xlaflow_registered_or_custom_objects_are_built():
    assert isinstance(deserialize_keras_object(_dense()), keras.layers.Dense)
    with pytest.raises(UnsafeContentError, match="Could not locate"):
        deserialize_keras_object({"module": "keras.layers", "class_name": "NotALayer", "config": {}})
    with pytest.raises(UnsafeContentError):  # helper functions of the namespaces are not objects
        deserialize_keras_object({"module": "keras.layers", "class_name": "function", "config": "deserialize"})
    with pytest.raises(UnsafeContentError):  # dtypes of literals are numeric only
        deserialize_keras_object({"class_name": "__numpy__", "config": {"value": [1], "dtype": "object"}})
    arr = deserialize_keras_object({"class_name": "__numpy__", "config": {"value": [1, 2], "dtype": "int32"}})
    assert arr.dtype == np.int32 and arr.tolist() == [1, 2]


def test_no_pickle_or_marshal_in_default_formats(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    with zipfile.ZipFile(tmp_path / "m.keras") as z:
        config = z.read("config.json").decode()
    assert "__lambda__" not in config and "pickle" not in config
    with pytest.raises(ValueError, match="lambda"):
        keras.saving.serialize_keras_object(lambda x: x)
    import xlaflow.saving as saving_pkg
    import pathlib

    for source in pathlib.Path(saving_pkg.__file__).parent.glob("*.py"):
        text = source.read_text()
        assert "import pickle" not in text
        if source.name != "serialization.py":
            assert "import marshal" not in text  # only the explicit unsafe-mode lambda decoder uses it


def test_config_asking_for_more_weights_than_the_file_holds_is_refused_before_building(tmp_path):
    import time
    import tracemalloc

    huge = [
        _sequential(_dense(units=10**9)),
        _sequential(dict(_dense(units=30000), build_config={"input_shape": [None, 30000]})),
        _sequential({"module": "keras.layers", "class_name": "Embedding",
                     "config": {"input_dim": 10**6, "output_dim": 10**3, "name": "e"}}),
        _sequential({"module": "keras.layers", "class_name": "Conv2D",
                     "config": {"filters": 4096, "kernel_size": [64, 64], "name": "c"}}),
    ]
    for i, config in enumerate(huge):
        path = _write_keras(tmp_path / f"h{i}.keras", config, _empty_weights())
        tracemalloc.start()
        start = time.perf_counter()
        with pytest.raises(UnsafeContentError, match="more than the file's weights can hold"):
            keras.models.load_model(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert time.perf_counter() - start < 5 and peak < 16 * 2**20
