"""String tensors (``tf.string``): conversion, printing, slicing, host ops and the clear
errors where strings meet numeric or compiled code (the printed forms and generic
ops are also checked against TF in tests/strings/test_strings_golden.py)."""

from __future__ import annotations

import jax
import numpy as np
import pytest

import xlaflow as tf
from xlaflow.ops.string_tensor import StringValueError


def test_constants_hold_utf8_bytes():
    t = tf.constant(["héllo", b"\xff", ""])
    assert t.dtype == tf.string and t.shape == [3] and isinstance(t, tf.Tensor)
    assert t.numpy().tolist() == ["héllo".encode(), b"\xff", b""]
    assert tf.constant("x").numpy() == b"x"
    assert tf.convert_to_tensor(np.array(["a", "bc"])).numpy().tolist() == [b"a", b"bc"]
    assert tf.constant(np.array([b"a"], dtype="S1")).dtype == tf.string
    assert tf.constant("ab", shape=[2]).numpy().tolist() == [b"ab", b"ab"]
    assert tf.constant(["a", b"b"]).numpy().tolist() == [b"a", b"b"]  # mixed str and bytes: TF accepts them too


def test_bad_string_values_are_clear_errors():
    with pytest.raises(TypeError, match=r"convert_to_tensor: argument `value`: a string tensor holds str or bytes values. Received: 1"):
        tf.convert_to_tensor(["a", 1])
    with pytest.raises(ValueError, match="regular"):
        tf.constant([["a"], ["b", "c"]])
    with pytest.raises(TypeError, match="cannot be converted to dtype float32; use xlaflow.strings.to_number"):
        tf.constant("1.5", dtype=tf.float32)


def test_slicing_iteration_and_comparison():
    t = tf.constant([["a", "b"], ["c", "d"]])
    assert t[1, 0].numpy() == b"c" and t[:, 1].numpy().tolist() == [b"b", b"d"]
    assert t[tf.constant(1)].numpy().tolist() == [b"c", b"d"]
    assert [r.numpy().tolist() for r in t] == [[b"a", b"b"], [b"c", b"d"]] and len(t) == 2
    assert (t == "a").numpy().tolist() == [[True, False], [False, False]]
    assert (t != tf.constant(["a", "d"])).numpy().tolist() == [[False, True], [True, False]]
    assert (t + "!")[0, 0].numpy() == b"a!"
    assert bool(tf.constant("x")) and not bool(tf.constant(""))
    with pytest.raises(IndexError):
        t[5]  # noqa: B018


def test_generic_ops_run_on_the_host():
    t = tf.constant(["a", "b", "c", "d"])
    assert tf.reshape(t, [2, 2]).shape == [2, 2]
    assert tf.concat([t, ["e"]], 0).numpy()[-1] == b"e"
    assert tf.stack([t, t], axis=1).shape == [4, 2]
    assert tf.gather(t, [3, 0]).numpy().tolist() == [b"d", b"a"]
    assert tf.boolean_mask(t, [True, False, False, True]).numpy().tolist() == [b"a", b"d"]
    assert tf.where([True, False, True, False], t, "-").numpy().tolist() == [b"a", b"-", b"c", b"-"]
    assert tf.shape(t).numpy().tolist() == [4] and int(tf.size(t)) == 4 and int(tf.rank(t)) == 1
    assert tf.identity(t) is not None and tf.expand_dims(t, 0).shape == [1, 4]
    assert tf.squeeze(tf.reshape(t, [4, 1])).shape == [4]
    assert tf.zeros_like(t).numpy().tolist() == [b""] * 4
    assert tf.fill([2], "z").numpy().tolist() == [b"z", b"z"]
    assert tf.cast(t, tf.string) is not None
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[\.\.\.\] = 9 is not in \[0, 4\)"):
        tf.gather(t, [9])


@pytest.mark.parametrize("fn", [lambda t: tf.matmul(t, t), lambda t: t * 2, lambda t: tf.reduce_sum(t),
                                lambda t: tf.nn.relu(t), lambda t: tf.math.exp(t)])
def test_numeric_ops_say_where_string_processing_belongs(fn):
    with pytest.raises(StringValueError, match="does not take string tensors .* String processing must happen in the "
                                               "input pipeline .* or in a preprocessing layer"):
        fn(tf.constant([["a"]]))


def test_compiled_code_refuses_strings():
    t = tf.constant(["a"])
    with pytest.raises(TypeError, match="String processing must happen in the input pipeline"):
        tf.function(lambda s: tf.reshape(s, [1, 1]))(t)
    with pytest.raises(tf.errors.UnimplementedError, match="Cast string to float32 is not supported; use xlaflow.strings.to_number"):
        tf.cast(t, tf.float32)
    with pytest.raises(TypeError, match="A compiled program's input cannot take a string tensor"):
        from xlaflow.ops.convert import host_array

        host_array(np.array(["a"]))
    with pytest.raises((TypeError, ValueError)):  # raw jax.jit: JAX's own refusal (xlaflow's paths say more)
        jax.jit(lambda x: x)(t)


def test_string_dtype_object():
    assert tf.string.name == "string" and not tf.string.is_numeric and tf.as_dtype("string") == tf.string
    assert tf.as_dtype(np.object_) == tf.string and tf.as_dtype(np.dtype("U3")) == tf.string
    assert str(tf.TensorSpec([None], tf.string)) == "TensorSpec(shape=(None,), dtype=tf.string, name=None)"
