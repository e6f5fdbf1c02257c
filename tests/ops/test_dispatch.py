"""The @op dispatch: argument binding, dtype groups, static tensors, recorders,
the symbolic hook and error wrapping; plus the error classes it raises."""

from __future__ import annotations

import threading

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import xlaflow.ops  # noqa: F401
from xlaflow._core import dtypes, errors
from xlaflow.ops import array_ops, binary_ops, dispatch
from xlaflow.ops.convert import constant
from xlaflow.ops.dispatch import op
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable


@op("TestScale", tensors=("x", "y"), same_dtype=("x", "y"))
def scale(x, y, factor=2, flag=False):
    """A test op: (x + y) * factor."""
    return (x + y) * factor


@op("TestPair", tensors=("x",))
def pair(x):
    return x + 1, x - 1


@op("TestJoin", tensors=("values", "extra"), lists=("values",), same_dtype=("values", "extra"))
def join(values, extra=None):
    out = jnp.concatenate([jnp.atleast_1d(v) for v in values])
    return out if extra is None else out + extra


@op("TestBoom", tensors=("x",))
def boom(x):
    return jnp.reshape(x, (3,))  # JAX raises a TypeError deep inside


# -- binding ------------------------------------------------------------------------


def test_wraps_the_implementation():
    assert scale.__name__ == "scale"
    assert scale.__doc__.startswith("A test op")
    assert scale.op.name == "TestScale"
    assert repr(scale.op) == "<xlaflow op TestScale>"
    assert scale.op.tensors == ("x", "y")


def test_name_is_accepted_and_ignored():
    a = constant([1.0, 2.0])
    np.testing.assert_array_equal(scale(a, 1.0, name="s").numpy(), [4.0, 6.0])
    np.testing.assert_array_equal(scale(a, 1.0, 3, False, "s").numpy(), [6.0, 9.0])  # trailing positional name
    np.testing.assert_array_equal(binary_ops.add(a, a, name="add").numpy(), [2.0, 4.0])


def test_binding_errors():
    a = constant([1.0])
    with pytest.raises(TypeError, match=r"scale\(\) got an unexpected keyword argument 'scale'"):
        scale(a, a, scale=3)
    with pytest.raises(TypeError, match=r"scale\(\) missing required argument 'y'"):
        scale(a)
    with pytest.raises(TypeError, match=r"scale\(\) takes at most 5 positional arguments \(6 given\)"):
        scale(a, a, 1, True, "n", "extra")
    with pytest.raises(TypeError, match=r"scale\(\) got multiple values for argument 'x'"):
        scale(a, a, x=a)


def test_op_declaration_is_checked():
    with pytest.raises(AssertionError, match="'z' is not a parameter"):
        op("Bad", tensors=("z",))(lambda x: x)


def test_tuple_outputs_are_wrapped():
    hi, lo = pair(constant([1, 2]))
    assert isinstance(hi, Tensor) and isinstance(lo, Tensor)
    np.testing.assert_array_equal(hi.numpy(), [2, 3])
    np.testing.assert_array_equal(lo.numpy(), [0, 1])


# -- dtype groups ---------------------------------------------------------------------


def test_numpy_and_python_values_adopt_the_tensor_dtype():
    h = constant([1.0, 2.0], dtypes.float16)
    assert scale(h, np.array([1.0, 1.0], np.float32)).dtype is dtypes.float16
    assert scale(np.array([1.0, 1.0], np.float32), h).dtype is dtypes.float16
    assert scale(h, [1, 2]).dtype is dtypes.float16
    assert scale(h, 1.5).dtype is dtypes.float16  # weakly typed Python scalar
    assert scale(constant([1], dtypes.int8), 3).dtype is dtypes.int8


def test_without_tensors_python_values_get_defaults():
    assert scale(1.0, 2.0).dtype is dtypes.float32
    assert scale([1, 2], 3).dtype is dtypes.int32


def test_two_tensors_of_different_dtypes_is_an_error():
    with pytest.raises(errors.InvalidArgumentError, match=r"scale: arguments `x` and `y` must have the same dtype. Received: x.dtype=float32, y.dtype=int32. Use xlaflow.cast"):
        scale(constant([1.0]), constant([1]))
    with pytest.raises(errors.InvalidArgumentError, match=r"x.dtype=float32, y.dtype=float16"):
        scale(Variable([1.0]), jnp.ones(1, jnp.float16))


def test_list_groups_name_the_element():
    with pytest.raises(errors.InvalidArgumentError, match=r"join: arguments `values\[0\]` and `values\[2\]` must have the same dtype. Received: values\[0\].dtype=float32, values\[2\].dtype=int32"):
        join([constant(1.0), 2.0, constant(3)])
    with pytest.raises(errors.InvalidArgumentError, match=r"`values\[0\]` and `extra`"):
        join([constant(1.0)], extra=constant(1))
    out = join([constant(1.0, dtypes.float16), 2, np.float32(3)], extra=1.0)
    assert out.dtype is dtypes.float16
    np.testing.assert_array_equal(out.numpy(), [2.0, 3.0, 4.0])


def test_values_that_do_not_fit_the_group_dtype():
    with pytest.raises(TypeError, match=r"scale: argument `y` cannot be converted to dtype int32 without losing information. Received: 1.5"):
        scale(constant([1]), 1.5)
    with pytest.raises(TypeError, match=r"scale: argument `x` cannot be converted to dtype int32"):
        scale(np.array([0.5], np.float32), constant([1]))
    with pytest.raises(ValueError, match=r"scale: argument `y` does not fit in uint8"):
        scale(constant([1], dtypes.uint8), -1)
    with pytest.raises(TypeError, match=r"argument `y` cannot be converted to dtype bool"):
        scale(constant([True]), 1)
    out = scale(constant([1]), 2.0)  # integral Python floats convert, as in TF
    assert out.dtype is dtypes.int32 and out.numpy().tolist() == [6]


# -- static arguments given as tensors ----------------------------------------------


def test_static_args_given_as_tensors_eager():
    x = constant(np.arange(6, dtype=np.float32))
    y = constant(np.zeros((2, 3), np.float32))
    assert array_ops.reshape(x, array_ops.shape(y)).shape == [2, 3]
    assert array_ops.reshape(x, [constant(3), -1]).shape == [3, 2]
    assert array_ops.reshape(x, np.array([3, 2], np.int32)).shape == [3, 2]
    assert array_ops.reshape(x, (np.int64(1), 6)).shape == [1, 6]
    assert scale(x, x, factor=constant(3)).numpy()[1] == 6.0


def test_static_args_given_as_tensors_inside_jit():
    def fn(x, y):
        return array_ops.reshape(x, array_ops.shape(y))

    out = jax.jit(fn)(constant(np.arange(6, dtype=np.float32)), constant(np.zeros((3, 2), np.float32)))
    assert out.shape == [3, 2]

    def fn2(x):  # shape arithmetic on small constants stays static while tracing
        n = array_ops.shape(x)[0] // 2
        return array_ops.reshape(x, [n, -1])

    assert jax.jit(fn2)(constant(np.arange(8, dtype=np.float32))).shape == [4, 2]


def test_traced_static_arg_is_a_clear_error():
    with pytest.raises(TypeError, match=r"reshape: argument `shape` must be known when the op is traced.*Received: a traced tensor of shape \(2,\)"):
        jax.jit(lambda x, s: array_ops.reshape(x, s))(constant(np.zeros(4, np.float32)), constant([2, 2]))


# -- recorders ----------------------------------------------------------------------


class FakeRecorder:
    def __init__(self):
        self.calls = []

    def record(self, op, inputs, arrays, statics, outputs):
        self.calls.append(dict(op=op, inputs=inputs, arrays=arrays, statics=statics, outputs=outputs))


def test_recorder_receives_every_op_call():
    v = Variable(np.array([1.0, 2.0], np.float32))
    t = constant([3.0, 4.0])
    r = FakeRecorder()
    dispatch.push_recorder(r)
    try:
        assert dispatch.active_recorders() == [r]
        out = scale(v, t, factor=3)
        hi, lo = pair(t)
    finally:
        dispatch.pop_recorder(r)
    assert dispatch.active_recorders() == []
    scale(v, t)  # not recorded after pop
    assert [c["op"].name for c in r.calls] == ["TestScale", "TestPair"]
    c = r.calls[0]
    assert c["op"] is scale.op
    assert c["inputs"][0] is v  # the original Variable, so a tape knows what was read
    assert c["inputs"][1] is t
    assert set(c["arrays"]) == {"x", "y"}
    assert isinstance(c["arrays"]["x"], jax.Array)
    np.testing.assert_array_equal(np.asarray(c["arrays"]["x"]), [1.0, 2.0])
    assert c["statics"] == {"factor": 3, "flag": False}
    assert c["outputs"] is out
    assert r.calls[1]["outputs"][0] is hi and r.calls[1]["outputs"][1] is lo


def test_nested_recorders_and_list_inputs():
    r1, r2 = FakeRecorder(), FakeRecorder()
    a, b = constant([1.0]), constant([2.0])
    dispatch.push_recorder(r1)
    dispatch.push_recorder(r2)
    try:
        join([a, b])
    finally:
        dispatch.pop_recorder(r1)  # out of order is allowed
        dispatch.pop_recorder(r2)
    for r in (r1, r2):
        (c,) = r.calls
        assert c["inputs"][0] is a and c["inputs"][1] is b and c["inputs"][2] is None
        assert isinstance(c["arrays"]["values"], list) and len(c["arrays"]["values"]) == 2


def test_recorders_are_per_thread():
    r = FakeRecorder()
    dispatch.push_recorder(r)
    try:
        th = threading.Thread(target=lambda: pair(constant(1)))
        th.start()
        th.join()
    finally:
        dispatch.pop_recorder(r)
    assert r.calls == []


# -- the symbolic hook ----------------------------------------------------------------


class FakeSymbolic:
    _xf_symbolic = True

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype


@pytest.fixture
def symbolic_calls():
    calls = []

    def handler(op, tensors, statics):
        calls.append((op, tensors, statics))
        return "node"

    previous = dispatch._symbolic_handler  # None until a graph front end installs one
    dispatch.register_symbolic_handler(handler)
    yield calls
    dispatch.register_symbolic_handler(previous)


def test_symbolic_inputs_go_to_the_handler(symbolic_calls):
    s = FakeSymbolic((None, 2), dtypes.float16)
    r = FakeRecorder()
    dispatch.push_recorder(r)
    try:
        out = scale(s, np.ones((1, 2), np.float32), factor=constant(4))
    finally:
        dispatch.pop_recorder(r)
    assert out == "node"
    (o, tensors, statics) = symbolic_calls[0]
    assert o is scale.op
    assert tensors["x"] is s
    assert np.asarray(tensors["y"]).dtype == np.float16  # NumPy adopted the symbolic dtype
    assert statics == {"factor": 4, "flag": False}
    assert r.calls == []  # nothing computed, nothing recorded


def test_symbolic_in_a_list(symbolic_calls):
    s = FakeSymbolic((2,), dtypes.float32)
    assert join([constant([1.0]), s]) == "node"
    assert symbolic_calls[0][1]["values"][1] is s


def test_symbolic_dtype_group_is_checked(symbolic_calls):
    with pytest.raises(errors.InvalidArgumentError, match=r"x.dtype=float32, y.dtype=int32"):
        scale(FakeSymbolic((2,), dtypes.float32), constant([1, 2]))
    assert symbolic_calls == []


def test_symbolic_without_handler():
    previous = dispatch._symbolic_handler
    dispatch.register_symbolic_handler(None)
    try:
        with pytest.raises(TypeError, match=r"pair: symbolic inputs need the graph front end"):
            pair(FakeSymbolic((2,), dtypes.float32))
    finally:
        dispatch.register_symbolic_handler(previous)


# -- errors -------------------------------------------------------------------------


def test_errors_inside_an_impl_become_invalid_argument():
    with pytest.raises(errors.InvalidArgumentError, match=r"^boom: cannot reshape array of shape \(2,\)") as info:
        boom(constant([1.0, 2.0]))
    e = info.value
    assert e.__cause__ is None and e.__suppress_context__  # no chained JAX traceback
    assert isinstance(e, ValueError)


def test_xlaflow_errors_pass_through_unchanged():
    with pytest.raises(errors.InvalidArgumentError, match=r"^reshape: argument `shape` must hold as many elements"):
        array_ops.reshape(constant([1.0, 2.0]), [3])
    with pytest.raises(errors.IndexOutOfRangeError):
        constant([1.0])[4]


def test_error_classes():
    assert issubclass(errors.InvalidArgumentError, errors.OpError)
    assert issubclass(errors.InvalidArgumentError, ValueError)
    assert issubclass(errors.IndexOutOfRangeError, errors.InvalidArgumentError)
    assert issubclass(errors.IndexOutOfRangeError, IndexError)
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), errors.OpError)
    e = errors.NotFoundError(None, None, "missing thing")  # TF's (node_def, op, message)
    assert e.message == "missing thing" and str(e) == "missing thing" and e.op is None
    e2 = errors.InvalidArgumentError("just a message")
    assert e2.message == "just a message" and e2.node_def is None
    assert errors.describe("op", "x", "a float tensor", "int32") == "op: argument `x` must be a float tensor. Received: int32"
