"""``engine.program.Program``: cache, donation, write-back, multi-step, structure sharing."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf
from xlaflow.engine import compile_count
from xlaflow.engine.cache import XlaflowRetracingWarning
from xlaflow.engine.program import Program


def _adder(v):
    def build(tensors):
        v.assign(v + tf.reduce_sum(tensors[0]))
        return [v.read_value() * 2.0], "meta"

    return build


def test_traces_once_per_key_and_writes_back():
    v = tf.Variable(0.0)
    p = Program("add")
    for _ in range(3):
        outs, extra = p.run("k", [np.ones(4, np.float32)], _adder(v))
    assert p.traces == 1 and extra == "meta"
    assert float(v.numpy()) == 12.0 and float(outs[0]) == 24.0
    p.run("k", [np.ones(5, np.float32)], _adder(v))  # a new shape: a new program
    assert p.traces == 2 and float(v.numpy()) == 17.0


def test_donation_never_invalidates_a_held_value():
    v = tf.Variable(np.arange(3, dtype=np.float32))
    held = v.value()  # a Tensor sharing the variable's buffer
    p = Program("add")
    p.run("k", [np.ones(3, np.float32)], _adder(v))
    np.testing.assert_allclose(held.numpy(), [0.0, 1.0, 2.0])  # still readable, unchanged
    np.testing.assert_allclose(v.numpy(), [3.0, 4.0, 5.0])


def test_steps_scan_equals_single_steps():
    v1, v2 = tf.Variable(1.0), tf.Variable(1.0)

    def build_for(v):
        def build(tensors):
            v.assign(v * 0.5 + tf.reduce_sum(tensors[0]))
            return [v.read_value()], None
        return build

    xs = np.arange(12, dtype=np.float32).reshape(4, 3)
    single = Program("one")
    for row in xs:
        single.run("k", [row], build_for(v1))
    multi = Program("many")
    outs, _ = multi.run("k", [xs], build_for(v2), steps=4, scanned=[True], collect=True)
    assert float(v1.numpy()) == float(v2.numpy())
    assert outs[0].shape == (4,) and float(outs[0][-1]) == float(v1.numpy())


def test_same_structure_shares_one_compiled_program():
    def run(v):
        Program("p").run("k", [np.ones(3, np.float32)], _adder(v))

    run(tf.Variable(0.0))
    before = compile_count()
    run(tf.Variable(7.0))  # another Program, other Variables, the same structure
    assert compile_count() == before


def test_retrace_warning_names_the_input_that_changed():
    v = tf.Variable(0.0)
    p = Program("shapes")
    for n in range(1, 6):
        p.run("k", [np.ones(n, np.float32)], _adder(v))
    with pytest.warns(XlaflowRetracingWarning, match=r"traced 6 times.*`input 0` \(shape=\(5,\)"):
        p.run("k", [np.ones(6, np.float32)], _adder(v))


def test_compile_count_equals_jax_compiles():
    import logging

    records = []

    class Handler(logging.Handler):
        def emit(self, record):
            if "Finished XLA compilation" in record.getMessage():
                records.append(record)

    logger = logging.getLogger("jax._src.dispatch")
    handler, level = Handler(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        before = compile_count()
        x = tf.constant(np.random.default_rng(0).normal(size=(7, 13)).astype(np.float32))
        tf.reduce_sum(tf.exp(x) * 3.0 + tf.sin(x))
        v = tf.Variable(np.zeros(13, np.float32))
        Program("q").run("k", [np.ones(13, np.float32)], _adder(v))
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert compile_count() - before == len(records) > 0
