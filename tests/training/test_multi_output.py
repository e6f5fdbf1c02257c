"""Multi-input / multi-output models: losses, loss weights and metrics per output."""

from __future__ import annotations

import numpy as np

from xlaflow import keras


class TwoHeads(keras.Model):
    def __init__(self):
        super().__init__()
        self.trunk = keras.layers.Dense(6, activation="relu")
        self.cls = keras.layers.Dense(3, activation="softmax")
        self.reg = keras.layers.Dense(1)

    def call(self, inputs, training=None):
        a, b = inputs
        h = self.trunk(keras.layers.Concatenate()([a, b]))
        return [self.cls(h), self.reg(h)]


def test_two_outputs_weighted_losses_and_prefixed_metrics():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(40, 3)).astype(np.float32)
    b = rng.normal(size=(40, 2)).astype(np.float32)
    y_cls = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 40)]
    y_reg = rng.normal(size=(40, 1)).astype(np.float32)
    model = TwoHeads()
    model.compile(optimizer="sgd", loss=["categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5],
                  metrics=[["accuracy"], ["mae"]])
    logs = model.test_on_batch([a, b], [y_cls, y_reg], return_dict=True)
    assert list(logs) == ["loss", "output_0_loss", "output_1_loss", "output_0_accuracy", "output_1_mae"]
    p_cls, p_reg = (t.numpy() for t in model([a, b]))
    cce = -np.mean(np.sum(y_cls * np.log(np.clip(p_cls, 1e-7, 1 - 1e-7)), -1))
    mse = np.mean((y_reg - p_reg) ** 2)
    np.testing.assert_allclose(logs["loss"], cce + 0.5 * mse, rtol=1e-5)
    np.testing.assert_allclose(logs["output_1_mae"], np.mean(np.abs(y_reg - p_reg)), rtol=1e-5)
    np.testing.assert_allclose([logs["output_0_loss"], logs["output_1_loss"]], [cce, mse], rtol=1e-5)
    hist = model.fit([a, b], [y_cls, y_reg], epochs=2, batch_size=16, verbose=0)
    assert hist.history["loss"][1] < hist.history["loss"][0] * 1.5
    preds = model.predict([a, b], verbose=0)
    assert [p.shape for p in preds] == [(40, 3), (40, 1)]


def test_dict_outputs_are_named_by_their_keys():
    inp = keras.Input((4,))
    h = keras.layers.Dense(5, activation="relu")(inp)
    model = keras.Model(inp, {"reg": keras.layers.Dense(1)(h), "cls": keras.layers.Dense(2, activation="softmax")(h)})
    model.compile(optimizer="sgd", loss={"reg": "mse", "cls": "categorical_crossentropy"}, metrics={"cls": ["accuracy"]})
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 4)).astype(np.float32)
    y = {"reg": rng.normal(size=(16, 1)).astype(np.float32), "cls": np.eye(2, dtype=np.float32)[rng.integers(0, 2, 16)]}
    logs = model.train_on_batch(x, y, return_dict=True)
    assert list(logs) == ["loss", "cls_loss", "reg_loss", "cls_accuracy"]
    np.testing.assert_allclose(logs["loss"], logs["cls_loss"] + logs["reg_loss"], rtol=1e-5)
