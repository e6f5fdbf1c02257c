"""``HostRows``: batches in order read from the caller's arrays without copying them."""

from __future__ import annotations

import gc
import weakref

import jax
import numpy as np
import pytest

from xlaflow import keras
from xlaflow.training import host_rows
from xlaflow.training.sources import ArraySource

cpu_only = pytest.mark.skipif(jax.default_backend() != "cpu", reason="reading host memory in place is CPU-only")


def _misaligned(shape: tuple, dtype: str, shift: int) -> np.ndarray:
    """An array whose data starts ``shift`` elements past a 64-byte boundary."""
    n = int(np.prod(shape))
    base = np.empty(n + 64 + shift, dtype)
    start = (-base.ctypes.data % 64) // base.itemsize + shift
    out = base[start:start + n].reshape(shape)
    out[...] = (np.arange(n) % 251).reshape(shape).astype(dtype)
    return out


@cpu_only
@pytest.mark.parametrize("dtype,shift", [("float32", 0), ("float32", 4), ("float32", 13), ("uint8", 37), ("int32", 5)])
def test_batches_equal_rows_and_share_memory(dtype, shift):
    x = _misaligned((70, 3, 5), dtype, shift)
    view = host_rows.views({"x": x, "y": None, "sw": None}, batch_size=8)
    assert view is not None and view["y"] is None
    rows = view["x"]
    if shift == 0:
        assert rows.flat.unsafe_buffer_pointer() == x.ctypes.data  # the device array is the host memory
    else:  # copied once to aligned memory: the same program whatever the alignment
        assert rows.flat.unsafe_buffer_pointer() % 64 == 0
    assert rows.flat.shape == (x.size,) and int(rows.offset) == 0
    for i in range(70 // 8):
        np.testing.assert_array_equal(np.asarray(rows.batch(i)), x[i * 8:(i + 1) * 8])
    # inside a compiled program, with a traced batch number
    take = jax.jit(lambda r, i: r.batch(i))
    np.testing.assert_array_equal(np.asarray(take(rows, 5)), x[40:48])


@cpu_only
def test_views_keep_the_array_alive():
    x = _misaligned((40, 6), "float32", 0)
    alive = weakref.ref(x.base)
    view = host_rows.views({"x": x}, batch_size=4)
    expected = x[8:12].copy()
    del x
    gc.collect()
    assert alive() is not None
    np.testing.assert_array_equal(np.asarray(view["x"].batch(2)), expected)
    del view
    gc.collect()
    assert alive() is None  # and nothing leaks once the views are gone


def test_arrays_that_cannot_be_read_in_place():
    x = np.ones((10, 8), np.float32)
    assert host_rows.views({"x": x[:, ::2]}, 2) is None  # not contiguous
    assert host_rows.views({"x": jax.numpy.ones((10, 8))}, 2) is None  # already a device array
    assert host_rows.views({"x": np.ones((0, 3), np.float32)}, 2) is None


@cpu_only
def test_in_order_epochs_send_batch_numbers_and_stream_the_ragged_batch():
    x = _misaligned((100, 4), "float32", 1)
    y = np.arange(100, dtype=np.float32)[:, None]
    source = ArraySource(x, y, None, 100, 32, resident=False)
    dispatches = list(source.epoch(False, per_dispatch=2))
    assert [(first, k) for first, k, *_ in dispatches] == [(0, 2), (2, 1), (3, 1)]
    (_, _, per_step, shared, steps), (_, _, one, _, _), (_, _, last, last_shared, _) = dispatches
    np.testing.assert_array_equal(per_step["start"], [0, 1])
    assert steps == 2 and per_step["mask"] is None and shared is source.views
    assert int(one["start"]) == 2
    assert last_shared is None and last["mask"].tolist() == [1.0] * 4 + [0.0] * 28  # padded, masked
    np.testing.assert_array_equal(last["x"][:4], x[96:])
    # shuffled epochs do not read in place
    assert all("start" not in d[2] for d in source.epoch(True, per_dispatch=2, seed=0))


def _mlp() -> keras.Model:
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(12,)),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def test_fit_in_place_equals_fit_on_device_arrays():
    """The same weights whether fit reads NumPy rows in place or gets device arrays (the other path)."""
    rng = np.random.default_rng(0)
    x = _misaligned((90, 12), "float32", 2)
    x[...] = rng.normal(size=(90, 12))
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 90)]
    a, b = _mlp(), _mlp()
    b.set_weights(a.get_weights())
    ha = a.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
    hb = b.fit(jax.numpy.asarray(x), jax.numpy.asarray(y), batch_size=16, epochs=2, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_allclose(wa, wb, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(a.evaluate(x, y, verbose=0), b.evaluate(jax.numpy.asarray(x), y, verbose=0), rtol=1e-6)
    np.testing.assert_allclose(a.predict(x, verbose=0), b.predict(jax.numpy.asarray(x), verbose=0), rtol=1e-6)
