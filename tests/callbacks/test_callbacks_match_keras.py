"""Every scenario of ``_callback_sim.py`` through xlaflow's callbacks equals what real
Keras 3 callbacks did in the same simulated fit (``tests/golden/keras_callbacks.json``,
made by ``tools/golden/make_callbacks_golden.py``): epochs run, learning rates,
History, saves/restores, written files and printed output."""

from __future__ import annotations

import importlib.util
import json
import math
import pathlib

import jax.numpy as jnp
import pytest

from xlaflow import keras

HERE = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location("_callback_sim", HERE / "_callback_sim.py")
sim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sim)

GOLDEN = json.loads((HERE.parent / "golden" / "keras_callbacks.json").read_text())
NAMES = sorted(k for k in GOLDEN if k != "__meta__")


def _close(got, want, rel=1e-6, path="record"):
    if isinstance(want, dict):
        assert sorted(got) == sorted(want), path
        for k in want:
            _close(got[k], want[k], rel, f"{path}[{k!r}]")
    elif isinstance(want, list):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want)):
            _close(g, w, rel, f"{path}[{i}]")
    elif isinstance(want, float) and not isinstance(want, bool):
        if math.isnan(want):
            assert math.isnan(got), path
        else:
            assert got == (want if rel == 0 else pytest.approx(want, rel=rel)), path
    else:
        assert got == want, path


def test_scenarios_cover_the_golden_file():
    assert sorted(sim.scenarios(keras.callbacks)) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_matches_keras_exactly(name, tmp_path):
    got = sim.run_scenario(keras.callbacks, name, lambda: keras.optimizers.SGD(0.1), str(tmp_path))
    _close(json.loads(json.dumps(got)), GOLDEN[name], rel=0)


@pytest.mark.parametrize("name", NAMES)
def test_matches_keras_with_device_scalar_logs(name, tmp_path):
    # The trainer passes unsynchronised device scalars; the results are the same up to
    # float32 rounding of the logged values (CSV text then shows float32 digits).
    got = sim.run_scenario(keras.callbacks, name, lambda: keras.optimizers.SGD(0.1), str(tmp_path),
                           to_value=jnp.float32)
    want = {k: v for k, v in GOLDEN[name][0].items() if k != "files"}
    _close({k: v for k, v in got[0].items() if k != "files"}, want)
