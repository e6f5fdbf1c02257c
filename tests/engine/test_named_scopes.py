"""Compiled programs carry each layer's name (``jax.named_scope``), so profiles show it."""

from __future__ import annotations

import jax
import numpy as np

from xlaflow import keras
from xlaflow.engine import cache


def test_the_train_step_names_its_layers():
    model = keras.Sequential([keras.layers.Dense(4, activation="relu", input_shape=(3,), name="encoder"),
                              keras.layers.Dense(2, name="head")])
    model.compile(optimizer="sgd", loss="mse")
    model.train_on_batch(np.ones((2, 3), np.float32), np.ones((2, 2), np.float32))
    programs = [entry for key, entry in cache._CACHE.items() if key[0] == "program"]
    text = programs[-1].lower(*_args_of(model)).as_text(debug_info=True)
    assert "encoder" in text and "head" in text


def _args_of(model):
    program = model._programs["train"].program
    (entry,) = program._entries.values()
    written = [v._storage for v in entry.written]
    read = [v._storage for v in entry.read_only]
    key = next(iter(program._entries))
    arrays = [jax.ShapeDtypeStruct(a[0], a[1]) if isinstance(a, tuple) else jax.ShapeDtypeStruct(a.shape, a.dtype)
              for a in key[1]]
    return written, read, entry.consts, arrays
