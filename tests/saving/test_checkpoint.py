"""``Checkpoint`` / ``CheckpointManager``: save and restore of model + optimizer + extra
state, TF's naming and state file, ``max_to_keep``, and falling back to the previous
checkpoint (with a warning) when the newest is corrupted."""

import os

import h5py
import numpy as np
import pytest

import xlaflow as tf
from xlaflow import keras
from xlaflow.ops import rng
from xlaflow.saving import Checkpoint, CheckpointManager, LoadError, latest_checkpoint


def _setup(seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.layers.Dense(4, activation="tanh", input_shape=(3,)), keras.layers.Dense(1)])
    return model, keras.optimizers.Adam(0.05)


def _step(model, opt, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(model(x) - y))
    opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))


def _data():
    g = np.random.default_rng(5)
    return g.normal(size=(6, 3)).astype(np.float32), g.normal(size=(6, 1)).astype(np.float32)


def _values(variables):
    return [np.asarray(v.numpy()).copy() for v in variables]


def test_save_restore_resumes_custom_loop_exactly(tmp_path):
    x, y = _data()
    model, opt = _setup(0)
    step = tf.Variable(0)
    extra = {"epoch": 0, "order": np.arange(6), "note": "run-a", "nested": {"batch": [1, 2]}}
    ckpt = Checkpoint(model=model, optimizer=opt, step=step, rng=rng.key_variable(), extra=extra)
    for _ in range(2):
        _step(model, opt, x, y)
        step.assign_add(1)
    extra["epoch"] = 2
    path = ckpt.save(str(tmp_path / "ckpt"))
    assert path == str(tmp_path / "ckpt-1") and os.path.exists(path + ".h5")
    assert int(ckpt.save_counter.numpy()) == 1
    key = _values([rng.key_variable()])
    for _ in range(3):
        _step(model, opt, x, y)
    expected = _values(model.weights + opt.variables)

    model2, opt2 = _setup(1)
    step2, extra2 = tf.Variable(0), {}
    rng.key_variable().assign(np.zeros_like(key[0]))
    status = Checkpoint(model=model2, optimizer=opt2, step=step2, rng=rng.key_variable(), extra=extra2).restore(path)
    status.assert_consumed()
    assert int(step2.numpy()) == 2 and int(opt2.iterations.numpy()) == 2
    assert extra2["epoch"] == 2 and extra2["note"] == "run-a" and extra2["nested"] == {"batch": [1, 2]}
    np.testing.assert_array_equal(extra2["order"], np.arange(6))
    np.testing.assert_array_equal(rng.key_variable().numpy(), key[0])
    for _ in range(3):
        _step(model2, opt2, x, y)
    for a, b in zip(expected, _values(model2.weights + opt2.variables)):
        np.testing.assert_array_equal(a, b)


def test_manager_keeps_max_to_keep_and_writes_state_file(tmp_path):
    assert tf.train.Checkpoint is Checkpoint and tf.train.CheckpointManager is CheckpointManager
    model, opt = _setup()
    ckpt = Checkpoint(model=model, optimizer=opt)
    manager = CheckpointManager(ckpt, str(tmp_path), max_to_keep=2)
    assert manager.latest_checkpoint is None and manager.restore_or_initialize() is None
    paths = [manager.save() for _ in range(4)]
    assert paths == [str(tmp_path / f"ckpt-{i}") for i in range(1, 5)]
    assert manager.checkpoints == paths[2:]
    assert sorted(os.listdir(tmp_path)) == ["checkpoint", "ckpt-3.h5", "ckpt-4.h5"]
    state = (tmp_path / "checkpoint").read_text()
    assert 'model_checkpoint_path: "ckpt-4"' in state and 'all_model_checkpoint_paths: "ckpt-3"' in state
    assert latest_checkpoint(str(tmp_path)) == paths[-1]
    again = CheckpointManager(Checkpoint(model=model, optimizer=opt), str(tmp_path), max_to_keep=2)
    assert again.checkpoints == paths[2:]
    assert manager.save(checkpoint_number=10) == str(tmp_path / "ckpt-10")


def _corrupt_dataset(path):
    with h5py.File(path, "r") as f:
        offset = f["model/layers/dense/vars/0"].id.get_offset()
    with open(path, "rb") as f:
        raw = bytearray(f.read())
    raw[offset + 2] ^= 0x40
    with open(path, "wb") as f:
        f.write(bytes(raw))


@pytest.mark.parametrize("damage", ["bitflip", "truncate", "delete"])
def test_corrupted_newest_falls_back_to_previous_with_warning(tmp_path, damage):
    x, y = _data()
    model, opt = _setup()
    extra = {"epoch": 0}
    manager = CheckpointManager(Checkpoint(model=model, optimizer=opt, extra=extra), str(tmp_path), max_to_keep=3)
    saved = []
    for epoch in range(3):
        _step(model, opt, x, y)
        extra["epoch"] = epoch
        manager.save()
        saved.append(_values(model.weights + opt.variables))
    newest = manager.latest_checkpoint + ".h5"
    if damage == "bitflip":
        _corrupt_dataset(newest)
    elif damage == "truncate":
        with open(newest, "r+b") as f:
            f.truncate(os.path.getsize(newest) // 2)
    else:
        os.remove(newest)
    model2, opt2 = _setup(1)
    extra2 = {}
    manager2 = CheckpointManager(Checkpoint(model=model2, optimizer=opt2, extra=extra2), str(tmp_path), max_to_keep=3)
    if damage == "delete":  # a missing file is simply not listed
        assert manager2.restore_or_initialize() == str(tmp_path / "ckpt-2")
    else:
        with pytest.warns(UserWarning, match="falling back to the previous checkpoint"):
            assert manager2.restore_or_initialize() == str(tmp_path / "ckpt-2")
    assert extra2 == {"epoch": 1}
    for a, b in zip(saved[1], _values(model2.weights + opt2.variables)):
        np.testing.assert_array_equal(a, b)


def test_restore_is_all_or_nothing_and_errors(tmp_path):
    model, opt = _setup()
    ckpt = Checkpoint(model=model, optimizer=opt)
    path = ckpt.save(str(tmp_path / "c"))
    _corrupt_dataset(path + ".h5")
    other, opt2 = _setup(1)
    before = _values(other.weights)
    with pytest.raises(LoadError, match="checksum"):
        Checkpoint(model=other, optimizer=opt2).restore(path)
    for a, b in zip(before, _values(other.weights)):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(LoadError, match="no checkpoint"):
        ckpt.restore(str(tmp_path / "missing"))
    assert ckpt.restore(None) is None
    wrong = keras.Sequential([keras.layers.Dense(5, input_shape=(3,))])
    with pytest.raises(LoadError):
        Checkpoint(model=wrong).restore(ckpt.save(str(tmp_path / "d")))
    unbuilt = keras.Sequential([keras.layers.Dense(5)])
    with pytest.raises(LoadError, match="not built"):
        Checkpoint(model=unbuilt).restore(path)
    with pytest.raises(TypeError, match="Checkpoint: argument `bad`"):
        Checkpoint(bad=3)
    with pytest.raises(ValueError, match="max_to_keep"):
        CheckpointManager(ckpt, str(tmp_path), max_to_keep=0)
    opt.build(model.trainable_variables)
    only_opt = keras.optimizers.Adam(0.01)
    with pytest.raises(LoadError, match="not built"):
        Checkpoint(optimizer=only_opt).restore(ckpt.save(str(tmp_path / "e")))


def test_manager_total_failure_raises(tmp_path):
    model, opt = _setup()
    manager = CheckpointManager(Checkpoint(model=model, optimizer=opt), str(tmp_path), max_to_keep=2)
    for _ in range(2):
        manager.save()
    for p in manager.checkpoints:
        _corrupt_dataset(p + ".h5")
    with pytest.warns(UserWarning), pytest.raises(LoadError, match="no checkpoint could be restored"):
        manager.restore_or_initialize()


def test_checkpoint_interval(tmp_path):
    model, opt = _setup()
    step = tf.Variable(0)
    manager = CheckpointManager(Checkpoint(model=model, step=step), str(tmp_path), max_to_keep=None,
                                step_counter=step, checkpoint_interval=5)
    saved = []
    for i in range(12):
        step.assign(i)
        saved.append(manager.save())
    assert [s is not None for s in saved] == [i in (0, 5, 10) for i in range(12)]
