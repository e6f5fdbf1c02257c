"""The demo trains for real, and its two styles agree."""

from __future__ import annotations

import numpy as np

from xlaflow.cli import demo, main


def test_every_style_learns_digits_and_reaches_the_same_weights():
    data = demo.load_digits(seed=0)
    runs = [demo.train(name, step, data, epochs=3, batch_size=64, lr=0.5, seed=0) for name, step in demo.STYLES.items()]
    assert len(runs) == 4
    for r in runs:
        assert r["steps"] == 3 * (len(data[0]) // 64)
        assert r["test_acc"] >= 0.9, r["style"]
        np.testing.assert_allclose(r["w"], runs[0]["w"], atol=1e-5, err_msg=r["style"])


def test_tape_step_equals_hand_written_step():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(8, 64)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 8)]
    w = rng.normal(size=(64, 10)).astype(np.float32) * 0.1
    b = rng.normal(size=(10,)).astype(np.float32)
    import xlaflow as tf

    by_hand = demo.sgd_step(tf.constant(w), tf.constant(b), x, y, 0.5)
    by_tape = demo.tape_step(tf.constant(w), tf.constant(b), x, y, 0.5)
    for a, t in zip(by_hand, by_tape):
        np.testing.assert_allclose(t.numpy(), a.numpy(), rtol=1e-5, atol=1e-6)


def test_sgd_step_matches_hand_written_numpy():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(8, 64)).astype(np.float32)
    y = np.eye(10, dtype=np.float32)[rng.integers(0, 10, 8)]
    w = rng.normal(size=(64, 10)).astype(np.float32) * 0.1
    b = np.zeros(10, np.float32)
    new_w, new_b, loss = demo.sgd_step(w, b, x, y, 0.5)
    logits = x @ w + b
    p = np.exp(logits - logits.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    ref_loss = -np.mean(np.sum(y * np.log(p), axis=1))
    np.testing.assert_allclose(float(loss), ref_loss, rtol=1e-5)
    np.testing.assert_allclose(new_w.numpy(), w - 0.5 * x.T @ (p - y) / 8, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(new_b.numpy(), b - 0.5 * (p - y).sum(0) / 8, rtol=1e-4, atol=1e-6)


def test_cli_quick_run_prints_table(capsys):
    assert main.main(["demo", "--quick"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in demo.STYLES) and "test acc" in out


def test_cli_rejects_bad_options(capsys):
    import pytest

    with pytest.raises(SystemExit, match="must be positive"):
        main.main(["demo", "--epochs", "0"])
