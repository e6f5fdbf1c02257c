"""xlaflow gives the numbers real TensorFlow gives, for the ops where TF's definition is subtle.

``ops_tf.npz`` holds inputs and TensorFlow's outputs for every case of
``golden_cases.py`` (regenerate it with ``tools/golden/make_ops_golden.py``; its
docstring has the commands). Each test replays one case through ``import xlaflow as
tf`` -- the same call, the same names -- and compares values (float32: rtol 1e-5, atol
1e-6 unless the case says otherwise; integers and bools exactly), dtypes and shapes.
TensorFlow is not needed here.

Without JAX's 64-bit mode xlaflow narrows TF's 64-bit results (int64 indices, the
float64 of int32 division) to 32 bits, as documented; ``test_64bit_outputs_match_tf``
replays those cases with 64-bit mode on and expects TF's exact dtypes.
"""

from __future__ import annotations

import json
import pathlib

import jax
import numpy as np
import pytest

import xlaflow as tf
from golden_cases import CASES, Case

GOLDEN = pathlib.Path(__file__).with_name("ops_tf.npz")
REGENERATE = "regenerate it with tools/golden/make_ops_golden.py (see its docstring)"
NARROWED = {"float64": "float32", "int64": "int32", "uint64": "uint32", "complex128": "complex64"}

# Cases where xlaflow knowingly differs from TF, with the reason. Each is expected to fail.
KNOWN_DIFFERENCES = {
    "cast_float_to_int32_out_of_range": (
        "TF's CPU cast is a C++ static_cast, undefined outside int32's range (x86 gives INT_MIN for "
        "3e9 and for -3e9); XLA saturates to INT_MAX/INT_MIN, as TF does on GPU"
    ),
}


def _load() -> tuple[dict, dict[str, np.ndarray]]:
    with np.load(GOLDEN, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return json.loads(str(arrays.pop("__meta__"))), arrays


META, ARRAYS = _load()
BY_NAME = {c.name: c for c in CASES}


def _flatten(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def _expected(case: Case, i: int) -> np.ndarray:
    return ARRAYS[f"{case.name}/out/{i}"]


def _inputs(case: Case) -> dict[str, np.ndarray]:
    stored = {key.rsplit("/", 1)[1]: value for key, value in ARRAYS.items() if key.startswith(f"{case.name}/in/")}
    assert stored.keys() == case.inputs.keys(), f"case {case.name!r}: inputs changed since the golden file was made; {REGENERATE}"
    return stored


def _check_case(case: Case, narrow: bool) -> None:
    info = META["cases"][case.name]
    leaves = _flatten(case.call(tf, **_inputs(case)))
    assert len(leaves) == info["outputs"], f"case {case.name!r}: {len(leaves)} outputs, TF gave {info['outputs']}"
    for i, leaf in enumerate(leaves):
        where = f"case {case.name!r}, output {i}"
        if i in info["none"]:
            assert leaf is None, f"{where}: TF gave None. Received: {leaf!r}"
            continue
        assert tf.is_tensor(leaf), f"{where}: expected an xlaflow Tensor. Received: {type(leaf).__name__}"
        want = _expected(case, i)
        want_dtype = NARROWED.get(want.dtype.name, want.dtype.name) if narrow else want.dtype.name
        assert leaf.dtype.name == want_dtype, f"{where}: dtype {leaf.dtype.name}, TF gave {want.dtype.name}"
        got = np.asarray(leaf)
        assert got.shape == want.shape, f"{where}: shape {got.shape}, TF gave {want.shape}"
        if want.dtype.kind in "biu":
            np.testing.assert_array_equal(got, want, err_msg=where)
            continue
        np.testing.assert_allclose(got, want.astype(got.dtype), rtol=case.rtol, atol=case.atol, err_msg=where)
        if case.signed_zeros:
            zeros = (want == 0) & (got == 0)
            np.testing.assert_array_equal(np.signbit(got[zeros]), np.signbit(want[zeros]), err_msg=f"{where}: sign of zero")


def test_golden_file_is_current():
    assert META["tensorflow"] == "2.21.0"
    assert sorted(META["cases"]) == sorted(BY_NAME), f"the golden file and golden_cases.py list different cases; {REGENERATE}"
    assert set(KNOWN_DIFFERENCES) <= set(BY_NAME)
    for case in CASES:
        for arg, value in case.inputs.items():
            np.testing.assert_array_equal(ARRAYS[f"{case.name}/in/{arg}"], value, err_msg=f"{case.name}: input {arg!r} is stale; {REGENERATE}")


def _params():
    for case in CASES:
        marks = ()
        if case.name in KNOWN_DIFFERENCES:
            marks = pytest.mark.xfail(reason=KNOWN_DIFFERENCES[case.name], raises=AssertionError, strict=True)
        yield pytest.param(case, id=case.name, marks=marks)


@pytest.mark.parametrize("case", list(_params()))
def test_matches_tf(case):
    _check_case(case, narrow=not tf.config.x64_enabled())


WIDE_CASES = [c for c in CASES if c.name not in KNOWN_DIFFERENCES and any(
    _expected(c, i).dtype.name in NARROWED for i in range(META["cases"][c.name]["outputs"]) if i not in META["cases"][c.name]["none"])]


@pytest.mark.parametrize("case", WIDE_CASES, ids=[c.name for c in WIDE_CASES])
def test_64bit_outputs_match_tf(case):
    with jax.enable_x64(True):
        _check_case(case, narrow=False)


def test_out_of_range_cast_saturates():
    # The documented side of KNOWN_DIFFERENCES["cast_float_to_int32_out_of_range"].
    x = _inputs(BY_NAME["cast_float_to_int32_out_of_range"])["x"]
    imax, imin = np.iinfo(np.int32).max, np.iinfo(np.int32).min
    np.testing.assert_array_equal(tf.cast(x, tf.int32).numpy(), [imax, imin, imax, imin, imax])
