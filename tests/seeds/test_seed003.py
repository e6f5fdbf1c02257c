"""Seed 003's examples that need only what exists so far run with their imports changed.

Example 1 (the hand-written GradientTape loop) runs verbatim apart from imports (the
seed uses ``tf`` without importing it, so ``import xlaflow as tf`` is added); it must
train: the loss goes down. Examples 2 and 3 need ``model.compile``/``fit`` (issue 5).
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import numpy as np

SEED = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds" / "003_683af7214b3f42af.txt"
IMPORTS = {
    "from tensorflow import keras": "from xlaflow import keras",
    "from tensorflow.keras.layers import Dense": "from xlaflow.keras.layers import Dense",
    "import tensorflow as tf": "import xlaflow as tf",
}


def example(n: int) -> str:
    code = re.findall(r"```python\n(.*?)```", SEED.read_text(), re.S)[n]
    for old, new in IMPORTS.items():
        code = code.replace(old, new)
    return "import xlaflow as tf\n" + code


def test_example_1_runs_and_trains():
    assert SEED.exists(), f"the seeds live in shared/ beside the checkout; not found: {SEED}"
    np.random.seed(0)
    import xlaflow

    xlaflow.random.set_seed(0)  # the seed's weights come from the global random key
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(example(0), "seed 003 example 1", "exec"), namespace)
    assert out.getvalue().splitlines()[-1] == "Epoch 10/10 complete."
    model, X, y = namespace["model"], namespace["X"], namespace["y"]
    keras = namespace["keras"]
    final = float(np.mean(keras.losses.mean_squared_error(y, model(X)).numpy()))
    fresh = keras.Sequential([keras.layers.Dense(10, activation="relu", input_shape=(100,)), keras.layers.Dense(1)])
    untrained = float(np.mean(keras.losses.mean_squared_error(y, fresh(X)).numpy()))
    baseline = float(np.mean((y - y.mean()) ** 2))  # the best constant prediction
    assert final < untrained and final < 1.3 * baseline
