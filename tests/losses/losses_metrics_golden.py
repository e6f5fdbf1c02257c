"""Replays the Keras golden cases of ``tests/golden/keras_losses_metrics.npz`` on xlaflow.

The case table and Keras' results were written by
``tools/golden/make_losses_metrics_golden.py`` (its docstring has the commands). Used
by ``tests/losses/test_losses_match_keras.py`` and
``tests/metrics/test_metrics_match_keras.py``; needs neither Keras nor TensorFlow.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keras_losses_metrics.npz"
RTOL, ATOL = 1e-5, 1e-6


def load() -> tuple[list[dict], dict[str, np.ndarray]]:
    with np.load(GOLDEN, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    meta = json.loads(str(arrays.pop("__meta__")))
    return meta["cases"], arrays


CASES, ARRAYS = load()


def cases(*kinds: str) -> list[dict]:
    return [c for c in CASES if c["kind"] in kinds]


def run(case: dict, keras) -> object:
    """Runs ``case`` through ``keras`` (here ``xlaflow.keras``) and returns the result."""
    get = lambda k: ARRAYS[f"in/{k}"]  # noqa: E731
    if case["kind"] == "loss":
        call = case["calls"][0]
        obj = getattr(keras.losses, case["target"])(**case["kwargs"])
        return obj(*map(get, call["args"]), sample_weight=None if call["sw"] is None else get(call["sw"]))
    if case["kind"] in ("loss_fn", "metric_fn"):
        mod = keras.losses if case["kind"] == "loss_fn" else keras.metrics
        return getattr(mod, case["target"])(*map(get, case["calls"][0]["args"]), **case["kwargs"])
    obj = getattr(keras.metrics, case["target"])(**case["kwargs"])
    for call in case["calls"]:
        obj.update_state(*map(get, call["args"]), sample_weight=None if call["sw"] is None else get(call["sw"]))
    return obj.result()


def check(case: dict, keras) -> None:
    """Asserts xlaflow gives Keras' value (or refuses where Keras refuses)."""
    import pytest

    if "error" in case:
        with pytest.raises((ValueError, TypeError)):
            run(case, keras)
        return
    got = run(case, keras)
    want = ARRAYS[f"{case['name']}/out"]
    assert got.dtype.name == "float32", f"case {case['name']}: dtype {got.dtype.name}"
    got = np.asarray(got)
    assert got.shape == want.shape, f"case {case['name']}: shape {got.shape}, Keras gave {want.shape}"
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL, err_msg=f"case {case['name']}")
