"""xlaflow.print prints every call's values, eagerly and inside compiled functions."""

from __future__ import annotations

import io

import numpy as np
import pytest

import xlaflow as tf


def test_eager_print_goes_to_stderr_by_default(capsys):
    tf.print("loss:", tf.constant(1.5), [1, 2])
    assert capsys.readouterr().err == "loss: 1.5 [1, 2]\n"


def test_print_inside_a_compiled_function_runs_every_call():
    stream = io.StringIO()

    @tf.function
    def step(x):
        tf.print("x =", x, output_stream=stream)
        return x * 2.0

    for value in (1.0, 2.0, 3.0):
        step(tf.constant(value))
    assert stream.getvalue().splitlines() == ["x = 1.0", "x = 2.0", "x = 3.0"]
    assert step.experimental_get_tracing_count() == 1


def test_summarize_and_separators():
    stream = io.StringIO()
    tf.print(tf.range(10), output_stream=stream, summarize=2, sep="|", end="!")
    tf.print(np.arange(4), "end", output_stream=stream, summarize=-1, sep="|")
    assert stream.getvalue() == "[0 1 ... 8 9]![0 1 2 3]|end\n"
    with pytest.raises(TypeError, match="print: arguments `sep` and `end` must be strings"):
        tf.print(1, sep=None)
