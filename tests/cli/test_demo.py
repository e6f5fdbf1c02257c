"""The demo trains for real, every style reaches the same weights, and it writes its outputs."""

from __future__ import annotations

import os

import numpy as np
import pytest

from xlaflow.cli import main
from xlaflow.cli.demo import data as digits
from xlaflow.cli.demo import run


def test_split_is_seeded_and_disjoint():
    a, b = digits.load(0), digits.load(0)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert len(a.x_train) + len(a.x_val) + len(a.x_test) == 1797
    assert a.x_train.shape[1:] == (8, 8, 1) and a.y_train.shape[1] == 10


def test_quick_demo_styles_agree(tmp_path, capsys):
    results = run(output_dir=str(tmp_path), quick=True, styles_arg="fit,train_on_batch,function,session")
    out = capsys.readouterr().out
    assert "Final weights agree across styles" in out
    assert [r.style for r in results][:2] == ["fit", "train_on_batch"]
    for r in results:
        assert len(r.val_acc) == 3 and r.test_acc > 0.85, r.style
        for a, b in zip(r.weights, results[0].weights):
            np.testing.assert_allclose(a, b, atol=1e-4, err_msg=r.style)
    (run_dir,) = os.listdir(tmp_path)
    assert os.path.getsize(tmp_path / run_dir / "learning_curves.png") > 1000
    assert any(f.startswith("events.out.tfevents") for _, _, fs in os.walk(tmp_path / run_dir / "tensorboard") for f in fs)


def test_cli_rejects_bad_options():
    with pytest.raises(SystemExit, match="--styles"):
        main.main(["demo", "--styles", "nope"])
    with pytest.raises(SystemExit):
        main.main(["demo", "--epochs", "0"])
