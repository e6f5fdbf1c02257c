"""``Progbar``/``ProgbarLogger``: Keras' line format on a terminal and sane output in a
pipe, and device values converted only when a line is drawn."""

from __future__ import annotations

import importlib.util
import io
import json
import pathlib
import re

import pytest

from xlaflow import keras
from xlaflow.callbacks import Progbar

HERE = pathlib.Path(__file__).parent
_spec = importlib.util.spec_from_file_location("_callback_sim", HERE / "_callback_sim.py")
sim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sim)
GOLDEN = json.loads((HERE.parent / "golden" / "keras_callbacks.json").read_text())


class _Tty(io.StringIO):
    def isatty(self):
        return True


class _Counting:
    """A log value that counts how often it is converted to a number."""

    conversions = 0

    def __init__(self, value):
        self.value = value

    def __float__(self):
        _Counting.conversions += 1
        return float(self.value)

    def __array__(self, dtype=None, copy=None):
        import numpy as np
        _Counting.conversions += 1
        return np.asarray(self.value, dtype=dtype)


def _run(name, stdout, monkeypatch, tmp_path, **kw):
    monkeypatch.setattr("sys.stdout", stdout)
    sc = sim.scenarios(keras.callbacks)[name]
    model = sim.FakeModel(keras.optimizers.SGD(0.1))
    return sim.run_fit(keras.callbacks, sc["callbacks"], model, sc["epoch_logs"], workdir=str(tmp_path), capture=False,
                       **(sc.get("run", {}) | kw))


@pytest.mark.parametrize("name", ["progbar_v1", "progbar_v1_unknown_steps", "progbar_v2"])
def test_pipe_output_is_plain_final_lines(name, monkeypatch, tmp_path):
    buf = io.StringIO()
    _run(name, buf, monkeypatch, tmp_path)
    raw = buf.getvalue()
    assert "\r" not in raw and "\b" not in raw and "\x1b" not in raw
    assert sim.normalize_output(raw) == GOLDEN[name][0]["output"]


def test_terminal_output_redraws_live_and_ends_like_keras(monkeypatch, tmp_path):
    tty = _Tty()
    _run("progbar_v1", tty, monkeypatch, tmp_path)
    raw = tty.getvalue()
    assert raw.count("\r") >= 2 and "\x1b[32m" in raw  # redrawn in place, coloured like Keras
    assert sim.normalize_output(raw) == GOLDEN["progbar_v1"][0]["output"]


def test_values_are_converted_only_when_drawn(monkeypatch):
    monkeypatch.setattr("sys.stdout", _Tty())
    _Counting.conversions = 0
    bar = Progbar(target=1000, interval=3600.0, stateless_metrics=set())
    for step in range(1, 1000):
        bar.update(step, [("loss", _Counting(0.5)), ("acc", _Counting(0.25))])
    assert _Counting.conversions == 2  # the first draw only
    bar.update(1000, [("loss", _Counting(0.5)), ("acc", _Counting(0.25))])
    assert _Counting.conversions == 4  # and the final line
    monkeypatch.setattr("sys.stdout", io.StringIO())
    _Counting.conversions = 0
    bar = Progbar(target=1000, stateless_metrics=set())
    for step in range(1, 1001):
        bar.update(step, [("loss", _Counting(0.5))])
    assert _Counting.conversions == 1  # a pipe gets the final line only


def test_progbar_api_averaging_unknown_target_and_verbose2(monkeypatch):
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    bar = Progbar(target=4, verbose=2, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.5)])
    bar.add(1, [("loss", 3.0), ("acc", 0.75)])
    bar.update(4, [("loss", -2.0), ("acc", 0.75)], finalize=False)  # weight 2 for this update
    assert out.getvalue() == ""
    bar.update(4, [("acc", 1.0)])
    line = out.getvalue()
    # loss averaged over steps: (1 + 3 + 2 * -2) / 4 = 0 -> Keras prints it in e-notation
    assert re.fullmatch(r"4/4 - \d+s - \d+(s|ms|us)/step - loss: 0\.0000e\+00 - acc: 1\.0000\n", line), line
    out.truncate(0), out.seek(0)
    bar = Progbar(target=None)
    bar.update(3, [("loss", 0.5)], finalize=True)
    assert re.fullmatch(r"      3/Unknown \d+s \d+(s|ms|us)/step - loss: 0\.5000\n", out.getvalue())
    with pytest.raises(ValueError, match="Progbar: only one of `stateful_metrics` and `stateless_metrics`"):
        Progbar(10, stateful_metrics=["a"], stateless_metrics=["b"])


def test_verbose0_prints_nothing(monkeypatch, tmp_path):
    buf = io.StringIO()
    _run("progbar_v1", buf, monkeypatch, tmp_path, verbose=0)
    assert buf.getvalue() == ""
