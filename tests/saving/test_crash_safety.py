"""Saves are atomic: a saving process killed with SIGKILL at a random moment leaves the
previous file loadable and bit-identical (or the new one, complete) — never a torn file.

The saving process is forked from the test process after everything device-side has
been computed, and runs exactly the file-writing step that ``model.save`` /
``Checkpoint.write`` end with (temporary file in the same directory, flush + fsync,
``os.replace``), over and over, alternating two versions, until it is killed after a
random delay. A dozen kills per format keep the test to a few seconds.
"""

import os
import random
import signal
import time
import warnings
import zipfile

import numpy as np
import pytest

from xlaflow import keras
from xlaflow.saving import Checkpoint, archive, keras_file
from xlaflow.saving.checkpoint import write_collected

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
RUNS = 12


def _fork_loop(write_a, write_b) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # JAX warns about fork; the child touches no device state
        pid = os.fork()
    if pid == 0:  # child: save forever, alternating versions, until killed
        try:
            while True:
                write_a()
                write_b()
        finally:
            os._exit(1)
    return pid


def _kill_after(pid, seconds):
    time.sleep(seconds)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


def _model(seed, state=True):
    """A model with an Adam optimizer whose state is filled with seeded values (no training
    step: nothing to compile)."""
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.layers.Dense(256, input_shape=(128,)), keras.layers.Dense(8)])
    model.optimizer = keras.optimizers.Adam(0.01)
    if state:
        model.optimizer.build(model.trainable_variables)
        rng = np.random.default_rng(seed)
        for v in model.optimizer.variables:
            dtype = v.dtype.as_numpy_dtype
            v.assign(rng.integers(1, 9, size=v.shape.as_list()).astype(dtype) if np.dtype(dtype).kind == "i"
                     else np.abs(rng.normal(size=v.shape.as_list())).astype(dtype))
    return model


def _members(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_sigkill_during_model_save_leaves_a_complete_file(tmp_path):
    a, b = _model(0), _model(1)
    path = tmp_path / "model.keras"
    members_a, members_b = keras_file.archive_members(a), keras_file.archive_members(b)
    archive.write_archive(path, members_a)
    versions = [{n: d for n, d in members_a}, {n: d for n, d in members_b}]
    rng = random.Random(1234)
    seen = set()
    for _ in range(RUNS):
        pid = _fork_loop(lambda: archive.write_archive(path, members_a), lambda: archive.write_archive(path, members_b))
        _kill_after(pid, rng.uniform(0.002, 0.05))
        content = _members(path)
        assert content in versions  # bit-identical to one complete save
        which = versions.index(content)
        seen.add(which)
        loaded = keras.models.load_model(path)
        for mine, ref in zip(loaded.weights + loaded.optimizer.variables, (a, b)[which].weights + (a, b)[which].optimizer.variables):
            np.testing.assert_array_equal(np.asarray(mine.numpy()), np.asarray(ref.numpy()))
    leftovers = [f for f in os.listdir(tmp_path) if f != "model.keras"]
    assert all(f.startswith(".model.keras.") and f.endswith(".tmp") for f in leftovers)


def test_sigkill_during_checkpoint_write_keeps_previous_checkpoint(tmp_path):
    a, b = _model(2), _model(3)
    extra = {"epoch": 1}
    ckpt_a = Checkpoint(model=a, optimizer=a.optimizer, extra=extra)
    collected_a = ckpt_a.collect()
    collected_b = Checkpoint(model=b, optimizer=b.optimizer, extra={"epoch": 2}).collect()
    prefix = str(tmp_path / "ckpt-1")
    write_collected(prefix, collected_a)
    rng = random.Random(99)
    for _ in range(RUNS):
        pid = _fork_loop(lambda: write_collected(prefix, collected_a), lambda: write_collected(prefix, collected_b))
        _kill_after(pid, rng.uniform(0.002, 0.05))
        target = _model(4, state=False)
        state = {}
        Checkpoint(model=target, optimizer=target.optimizer, extra=state).restore(prefix)  # CRC-checked
        ref = a if state["epoch"] == 1 else b
        for mine, theirs in zip(target.weights + target.optimizer.variables, ref.weights + ref.optimizer.variables):
            np.testing.assert_array_equal(np.asarray(mine.numpy()), np.asarray(theirs.numpy()))
