"""Many fit/evaluate cycles of one model compile nothing after the first (issue 18).

The old count crept up because in-place host views of a new NumPy array had a length
that depended on where NumPy allocated it (see ``training/host_rows.py``)."""

from __future__ import annotations

import numpy as np

from xlaflow import keras
from xlaflow.engine import compile_count


def test_fit_evaluate_cycles_on_fresh_arrays_compile_nothing_new():
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    rng = np.random.default_rng(0)
    counts = []
    for _ in range(40):
        x = rng.normal(size=(64, 4)).astype("float32")  # a new allocation each cycle
        y = rng.normal(size=(64, 1)).astype("float32")
        model.fit(x, y, batch_size=16, epochs=1, verbose=0)
        model.evaluate(x, y, batch_size=16, verbose=0)
        counts.append(compile_count())
    assert counts[-1] == counts[0]
