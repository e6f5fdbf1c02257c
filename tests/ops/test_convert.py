"""convert_to_tensor / constant: TF's conversion rules for Python, NumPy and tensors."""

from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import dtypes
from xlaflow._core.dtypes import XlaflowDowncastWarning
from xlaflow.ops import convert
from xlaflow.ops.convert import constant, convert_to_tensor
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable


@pytest.fixture(autouse=True)
def _fresh_downcast_warnings():
    dtypes._reset_downcast_warnings()
    yield
    dtypes._reset_downcast_warnings()


@pytest.mark.parametrize("fn", [constant, convert_to_tensor])
@pytest.mark.parametrize(
    "value,dtype,shape",
    [
        (1.5, dtypes.float32, []),
        (1, dtypes.int32, []),
        (True, dtypes.bool, []),
        ([1.0, 2.0], dtypes.float32, [2]),
        ([[1, 2], [3, 4], [5, 6]], dtypes.int32, [3, 2]),
        ([[1, 2.5]], dtypes.float32, [1, 2]),  # mixed int/float lists are float
        ((1, 2), dtypes.int32, [2]),
        ([True, False], dtypes.bool, [2]),
        ([], dtypes.float32, [0]),
        ([[], []], dtypes.float32, [2, 0]),
    ],
)
def test_python_values_get_tf_defaults(fn, value, dtype, shape):
    t = fn(value)
    assert isinstance(t, Tensor)
    assert t.dtype is dtype
    assert t.shape.as_list() == shape
    np.testing.assert_array_equal(t.numpy(), np.asarray(value, dtype.as_numpy_dtype))


def test_numpy_values_keep_their_dtype():
    for np_type in (np.float16, np.float32, np.int8, np.int32, np.uint8, np.bool_, np.complex64):
        t = convert_to_tensor(np.zeros((2,), np_type))
        assert t.dtype == np_type
    assert convert_to_tensor(np.float32(2.0)).dtype is dtypes.float32
    assert convert_to_tensor(np.int16(2)).dtype is dtypes.int16
    assert convert_to_tensor(jnp.ones(2, jnp.bfloat16)).dtype is dtypes.bfloat16


def test_tensors_pass_through():
    t = constant([1.0])
    assert convert_to_tensor(t) is t
    assert convert_to_tensor(t, dtype=dtypes.float32) is not None
    v = Variable(np.array([1.0, 2.0], np.float32))
    read = convert_to_tensor(v)
    assert isinstance(read, Tensor)
    np.testing.assert_array_equal(read.numpy(), [1.0, 2.0])
    arr = jnp.arange(3)
    assert convert_to_tensor(arr).value is arr
    nested = convert_to_tensor([constant(1.0), 2.0, np.float32(3.0)])
    np.testing.assert_array_equal(nested.numpy(), [1.0, 2.0, 3.0])


def test_ragged_list_is_a_clear_value_error():
    with pytest.raises(ValueError, match=r"constant: argument `value` must be a tensor, array, number or \(nested\) list of numbers with a regular shape. Received: \[\[1, 2\], \[3\]\]"):
        constant([[1, 2], [3]])
    with pytest.raises(ValueError, match=r"convert_to_tensor: argument `value`.*regular shape"):
        convert_to_tensor([[1.0], [2.0, 3.0]])


@pytest.mark.parametrize("bad", [None, {}, object()])  # strings make string tensors (tests/ops/test_string_tensor.py)
def test_non_numeric_values_are_type_errors(bad):
    with pytest.raises(TypeError, match=r"convert_to_tensor: argument `value` must be a tensor, array, number or \(nested\) list of numbers. Received: a value of type"):
        convert_to_tensor(bad)


def test_constant_with_shape():
    t = constant(0.0, shape=[2, 3])
    assert t.shape == [2, 3] and t.dtype is dtypes.float32
    np.testing.assert_array_equal(t.numpy(), np.zeros((2, 3), np.float32))
    np.testing.assert_array_equal(constant([7], shape=(2, 2)).numpy(), [[7, 7], [7, 7]])
    np.testing.assert_array_equal(constant([1, 2, 3, 4, 5, 6], shape=[2, 3]).numpy(), [[1, 2, 3], [4, 5, 6]])
    assert constant(5, shape=[]).shape == []
    assert constant(1.0, shape=[0]).shape == [0]
    with pytest.raises(ValueError, match=r"constant: argument `shape` must hold as many elements as `value` \(3\) or `value` must be a scalar. Received: shape=\[2, 3\]"):
        constant([1, 2, 3], shape=[2, 3])
    with pytest.raises(ValueError, match="fully defined"):
        constant(1.0, shape=[None, 2])


def test_dtype_requests():
    t = constant([1, 2], dtype=dtypes.float32)  # int list to float: fine
    assert t.dtype is dtypes.float32
    np.testing.assert_array_equal(t.numpy(), [1.0, 2.0])
    assert constant(2.0, dtype=dtypes.int32).numpy() == 2  # integral floats convert
    assert constant(True, dtype=dtypes.int32).numpy() == 1
    assert constant(1, dtype="float16").dtype is dtypes.float16
    assert constant(1.0, dtype=dtypes.bfloat16).dtype is dtypes.bfloat16
    assert constant(np.array([1, 2], np.int32), dtype=dtypes.float32).dtype is dtypes.float32
    assert convert_to_tensor(1 + 2j, dtype=dtypes.complex64).dtype is dtypes.complex64


@pytest.mark.parametrize("fn", [constant, convert_to_tensor])
def test_lossy_dtype_requests_are_type_errors(fn):
    with pytest.raises(TypeError, match=r"argument `value` cannot be converted to dtype int32 without losing information. Received: 1.5"):
        fn(1.5, dtype=dtypes.int32)
    with pytest.raises(TypeError, match="cannot be converted to dtype int32"):
        fn([1.0, float("nan")], dtype=dtypes.int32)
    with pytest.raises(TypeError, match="cannot be converted to dtype bool"):
        fn([0, 1], dtype=dtypes.bool)
    with pytest.raises(TypeError, match="cannot be converted to dtype float32"):
        fn(1j, dtype=dtypes.float32)


@pytest.mark.parametrize("fn", [constant, convert_to_tensor])
def test_tensor_of_another_dtype_is_a_type_error(fn):
    with pytest.raises(TypeError, match=r"argument `value` must have dtype float32. Received: a tensor of dtype int32. Use xlaflow.cast"):
        fn(constant([1, 2]), dtype=dtypes.float32)
    with pytest.raises(TypeError, match="must have dtype float32"):
        fn(Variable([1, 2]), dtype=dtypes.float32)
    with pytest.raises(TypeError, match="must have dtype float32"):
        fn(jnp.ones(2, jnp.float16), dtype=dtypes.float32)
    assert fn(constant([1, 2]), dtype=dtypes.int32).dtype is dtypes.int32  # same dtype is fine


def test_dtype_hint():
    assert convert_to_tensor(1, dtype_hint=dtypes.float32).dtype is dtypes.float32
    assert convert_to_tensor([1, 2], dtype_hint="float16").dtype is dtypes.float16
    # the hint is dropped when the value does not fit it, or has a dtype of its own
    assert convert_to_tensor(1.5, dtype_hint=dtypes.int32).dtype is dtypes.float32
    assert convert_to_tensor(np.array([1], np.int32), dtype_hint=dtypes.float32).dtype is dtypes.int32
    assert convert_to_tensor(constant([1]), dtype_hint=dtypes.float32).dtype is dtypes.int32


def test_float64_numpy_narrows_with_one_warning_per_dtype():
    with pytest.warns(XlaflowDowncastWarning, match=r"float64 requested but JAX's 64-bit mode is off, so xlaflow uses float32") as rec:
        a = convert_to_tensor(np.ones(2))
        b = convert_to_tensor(np.zeros((3, 1)))
        c = constant(np.float64(2.5))
    assert len([w for w in rec if issubclass(w.category, XlaflowDowncastWarning)]) == 1
    assert a.dtype is dtypes.float32 and b.dtype is dtypes.float32 and c.dtype is dtypes.float32
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert convert_to_tensor(np.ones(4)).dtype is dtypes.float32  # announced already
    with pytest.warns(XlaflowDowncastWarning, match=r"int64 requested") as rec:
        assert convert_to_tensor(np.arange(3)).dtype is dtypes.int32  # another dtype: its own warning
        assert convert_to_tensor(np.arange(4)).dtype is dtypes.int32
    assert len(rec) == 1


def test_explicit_float64_request_warns_once():
    with pytest.warns(XlaflowDowncastWarning, match="float64") as rec:
        assert constant(1.0, dtype=dtypes.float64).dtype is dtypes.float32
        assert constant(2.0, dtype="float64").dtype is dtypes.float32
    assert len(rec) == 1


def test_no_warning_for_32_bit_values():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        convert_to_tensor(np.ones(2, np.float32))
        convert_to_tensor([1.0, 2.0])
        convert_to_tensor(3)
        constant(1e40)  # overflows float32 to inf, as TF does, without a NumPy warning
    assert np.isinf(constant(1e40).numpy())


def test_ints_outside_int32():
    with pytest.raises(ValueError, match=r"holds integers outside int32's range and 64-bit types are off; call xlaflow.config.enable_x64\(\). Received values in \[2147483648, 2147483648\]"):
        constant(2**31)
    with pytest.raises(ValueError, match="outside int32's range"):
        convert_to_tensor([1, -(2**40)])
    assert constant(-(2**31)).numpy() == -(2**31)
    assert constant(2**31 - 1).numpy() == 2**31 - 1
    with pytest.raises(ValueError, match=r"constant: argument `value` does not fit in uint8. Received values in \[-1, 256\]"):
        constant([-1, 256], dtype=dtypes.uint8)
    with pytest.raises(ValueError, match=r"does not fit in int32"):
        constant(2**31, dtype=dtypes.int32)


def test_to_array_names_op_and_argument():
    with pytest.raises(TypeError, match=r"my_op: argument `x` must be a tensor"):
        convert.to_array("s", op="my_op", arg="x")
    arr = convert.to_array([1, 2])
    assert isinstance(arr, jax.Array) and arr.dtype == jnp.int32


def test_small_constants_are_concrete_inside_jit():
    seen = []

    def fn(x):
        small = convert.to_array([2, 3])
        seen.append(isinstance(small, jax.core.Tracer))
        return x

    jax.jit(fn)(jnp.zeros(1))
    assert seen == [False]


def test_convert_inside_jit():
    out = jax.jit(lambda a: convert_to_tensor(a) + constant(1.0))(jnp.ones(2))
    np.testing.assert_array_equal(out.numpy(), [2.0, 2.0])
