"""``fit`` with a custom ``train_step`` against ``fit`` with the built-in step.

The model is seed 000's MLP (784 -> Dense(10, relu) -> Dense(10, softmax), Adam,
categorical cross-entropy, ``metrics=["accuracy"]``), batch 32, one epoch per timing on
synthetic data. The override is Keras 3's default step written out (tape,
``compute_loss``, ``apply_gradients``, metrics updated by hand), so both runs compute
the same thing; the figure is what tracing a user's Python step instead of the
built-in one costs per step. Rounds interleave the two, medians are quoted.
"""

from __future__ import annotations

import os
import time

import numpy as np

import xlaflow as tf
from xlaflow import keras

QUICK = bool(os.environ.get("QUICK"))
N = 2048 if QUICK else 8192
ROUNDS = 3 if QUICK else 7


class KerasDefaultStep(keras.Sequential):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for m in self.metrics:
            if m.name == "loss":
                m.update_state(loss)
            else:
                m.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def _model(cls):
    model = cls([keras.Input((784,)), keras.layers.Dense(10, activation="relu"), keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def run() -> list[dict]:
    rng = np.random.default_rng(0)
    x = rng.random((N, 784), dtype=np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, N)]
    models = {"default": _model(keras.Sequential), "custom": _model(KerasDefaultStep)}
    for m in models.values():
        m.fit(x[:256], y[:256], batch_size=32, verbose=0)  # compile outside the timing
    times: dict = {k: [] for k in models}
    for _ in range(ROUNDS):
        for name, m in models.items():
            t = time.perf_counter()
            m.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
            times[name].append((time.perf_counter() - t) / (N // 32) * 1e6)
    default, custom = float(np.median(times["default"])), float(np.median(times["custom"]))
    return [{"figure": "fit with a custom train_step (us/step)", "value": f"{custom:.0f}",
             "reference": f"{default:.0f} (built-in step)", "ratio": f"{custom / default:.2f}x", "target": "<= 1.1x"}]
