"""DType objects, as_dtype conversions, canonical() narrowing and the x64 switch."""

from __future__ import annotations

import pickle
import warnings

import jax.numpy as jnp
import ml_dtypes
import numpy as np
import pytest

from xlaflow._core import config, dtypes
from xlaflow._core.dtypes import XlaflowDowncastWarning


@pytest.fixture(autouse=True)
def _fresh_downcast_warnings():
    dtypes._reset_downcast_warnings()
    yield
    dtypes._reset_downcast_warnings()


# name, np type, floating, integer, unsigned, complex, bool, size
PROPS = [
    ("float16", np.float16, True, False, False, False, False, 2),
    ("bfloat16", ml_dtypes.bfloat16, True, False, False, False, False, 2),
    ("float32", np.float32, True, False, False, False, False, 4),
    ("float64", np.float64, True, False, False, False, False, 8),
    ("int8", np.int8, False, True, False, False, False, 1),
    ("int16", np.int16, False, True, False, False, False, 2),
    ("int32", np.int32, False, True, False, False, False, 4),
    ("int64", np.int64, False, True, False, False, False, 8),
    ("uint8", np.uint8, False, True, True, False, False, 1),
    ("uint16", np.uint16, False, True, True, False, False, 2),
    ("uint32", np.uint32, False, True, True, False, False, 4),
    ("uint64", np.uint64, False, True, True, False, False, 8),
    ("bool", np.bool_, False, False, False, False, True, 1),
    ("complex64", np.complex64, False, False, False, True, False, 8),
    ("complex128", np.complex128, False, False, False, True, False, 16),
]


@pytest.mark.parametrize("name,np_type,floating,integer,unsigned,complex_,bool_,size", PROPS)
def test_dtype_properties(name, np_type, floating, integer, unsigned, complex_, bool_, size):
    d = getattr(dtypes, name)
    assert isinstance(d, dtypes.DType)
    assert d.name == name
    assert d.as_numpy_dtype is np_type
    assert d.base_dtype is d
    assert d.is_floating is floating
    assert d.is_integer is integer
    assert d.is_unsigned is unsigned
    assert d.is_complex is complex_
    assert d.is_bool is bool_
    assert d.is_numeric is (not bool_)
    assert d.size == size
    assert repr(d) == f"tf.{name}"
    assert dtypes.as_dtype(name) is d
    assert dtypes.as_dtype(np_type) is d
    assert dtypes.as_dtype(np.dtype(np_type)) is d
    assert pickle.loads(pickle.dumps(d)) is d


def test_aliases():
    assert dtypes.half is dtypes.float16
    assert dtypes.double is dtypes.float64
    assert dtypes.as_dtype("half") is dtypes.float16
    assert dtypes.as_dtype("double") is dtypes.float64
    assert dtypes.as_dtype("float") is dtypes.float32
    assert dtypes.as_dtype("int") is dtypes.int32


def test_min_max():
    assert dtypes.int8.min == -128 and dtypes.int8.max == 127
    assert dtypes.uint8.min == 0 and dtypes.uint8.max == 255
    assert dtypes.int32.max == 2**31 - 1
    assert dtypes.float32.max == np.finfo(np.float32).max
    assert dtypes.float16.min == -65504.0
    assert dtypes.bfloat16.max == float(ml_dtypes.finfo(ml_dtypes.bfloat16).max)
    assert dtypes.bool.min is False and dtypes.bool.max is True


def test_real_dtype():
    assert dtypes.complex64.real_dtype is dtypes.float32
    assert dtypes.complex128.real_dtype is dtypes.float64
    assert dtypes.float32.real_dtype is dtypes.float32
    assert dtypes.int32.real_dtype is dtypes.int32


def test_as_dtype_python_types():
    # TF's defaults, not NumPy's 64-bit ones
    assert dtypes.as_dtype(float) is dtypes.float32
    assert dtypes.as_dtype(int) is dtypes.int32
    assert dtypes.as_dtype(bool) is dtypes.bool


def test_as_dtype_other_sources():
    assert dtypes.as_dtype(jnp.float32) is dtypes.float32
    assert dtypes.as_dtype(jnp.bfloat16) is dtypes.bfloat16
    assert dtypes.as_dtype(dtypes.int16) is dtypes.int16
    # anything with a .dtype: arrays, jax arrays
    assert dtypes.as_dtype(np.zeros(2, np.int16)) is dtypes.int16
    assert dtypes.as_dtype(jnp.zeros(2, jnp.uint8)) is dtypes.uint8


@pytest.mark.parametrize("bad", ["foo", "float31", None, str, bytes, 3.5, [1]])
def test_as_dtype_errors(bad):
    with pytest.raises(TypeError, match=r"as_dtype: argument `value` must name a dtype"):
        dtypes.as_dtype(bad)


def test_equality():
    f = dtypes.float32
    assert f == dtypes.float32
    assert f == "float32"
    assert f == np.float32
    assert f == np.dtype("float32")
    assert np.float32 == f  # reflected
    assert np.dtype("float32") == f
    assert f != dtypes.float64
    assert f != "int32"
    assert not (f == None)  # noqa: E711
    assert f != "not-a-dtype"  # unknown names compare unequal, no error
    assert f != 3
    assert dtypes.int32 != dtypes.uint32


def test_hash_consistent_with_eq():
    assert hash(dtypes.float32) == hash(dtypes.as_dtype("float32"))
    assert len({dtypes.float32, dtypes.as_dtype(np.float32), dtypes.float64}) == 2
    assert {dtypes.int32: "a"}[dtypes.as_dtype("int32")] == "a"


def test_is_compatible_with():
    assert dtypes.float32.is_compatible_with("float32")
    assert dtypes.float32.is_compatible_with(np.float32)
    assert not dtypes.float32.is_compatible_with(dtypes.int32)


def test_canonical_keeps_32_bit_types_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for d in (dtypes.float32, dtypes.int32, dtypes.int16, dtypes.bool, dtypes.bfloat16, dtypes.complex64):
            assert dtypes.canonical(d) is d


@pytest.mark.parametrize(
    "wide,narrow",
    [("float64", "float32"), ("int64", "int32"), ("uint64", "uint32"), ("complex128", "complex64")],
)
def test_canonical_narrows_once_per_dtype(wide, narrow):
    assert not config.x64_enabled()
    with pytest.warns(XlaflowDowncastWarning, match=rf"{wide} requested but JAX's 64-bit mode is off") as rec:
        assert dtypes.canonical(wide) is getattr(dtypes, narrow)
        assert dtypes.canonical(getattr(dtypes, wide)) is getattr(dtypes, narrow)
    assert len([w for w in rec if issubclass(w.category, XlaflowDowncastWarning)]) == 1
    assert "enable_x64" in str(rec[0].message)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dtypes.canonical(wide) is getattr(dtypes, narrow)  # already announced


def test_canonical_keeps_64_bit_with_x64(monkeypatch):
    monkeypatch.setattr(dtypes, "x64_enabled", lambda: True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dtypes.canonical("float64") is dtypes.float64
        assert dtypes.canonical(dtypes.int64) is dtypes.int64


def test_canonical_rejects_unknown():
    with pytest.raises(TypeError, match="as_dtype"):
        dtypes.canonical("nope")


def test_config_x64_switch():
    assert config.x64_enabled() is False
    with pytest.raises(TypeError, match=r"enable_x64: argument `enable` must be a bool. Received: 1"):
        config.enable_x64(1)


def test_config_list_physical_devices():
    cpus = config.list_physical_devices("CPU")
    assert cpus and all(d.platform == "cpu" for d in cpus)
    assert all(d.platform == "tpu" for d in config.list_physical_devices("TPU"))  # [] without TPUs
    assert len(config.list_physical_devices()) >= 1
