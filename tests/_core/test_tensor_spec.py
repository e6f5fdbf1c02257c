"""TensorSpec: the shape and dtype a function argument must have."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import dtypes
from xlaflow._core.tensor_shape import TensorShape
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow.ops.convert import constant


def test_fields_and_defaults():
    s = TensorSpec([None, 3], dtypes.int32, name="x")
    assert s.shape == TensorShape([None, 3])
    assert isinstance(s.shape, TensorShape)
    assert s.dtype is dtypes.int32
    assert s.name == "x"
    d = TensorSpec([2])
    assert d.dtype is dtypes.float32 and d.name is None
    assert TensorSpec(None).shape == TensorShape(None)
    assert TensorSpec((), "int32").dtype is dtypes.int32


def test_repr():
    assert repr(TensorSpec([None, 3], dtypes.int32, name="x")) == "TensorSpec(shape=(None, 3), dtype=tf.int32, name='x')"


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"TensorSpec: argument `name` must be a str or None. Received: 3"):
        TensorSpec([2], name=3)
    with pytest.raises(TypeError, match="as_dtype"):
        TensorSpec([2], dtype="foo")
    with pytest.raises(ValueError, match="dimensions must be >= 0"):
        TensorSpec([-3])


def test_from_tensor():
    t = constant([[1, 2, 3]])
    s = TensorSpec.from_tensor(t)
    assert s == TensorSpec([1, 3], dtypes.int32)
    assert TensorSpec.from_tensor(t, name="n").name == "n"


def test_is_compatible_with():
    spec = TensorSpec([None, 3])
    assert spec.is_compatible_with(constant(np.zeros((5, 3), np.float32)))
    assert spec.is_compatible_with(np.zeros((1, 3), np.float32))
    assert spec.is_compatible_with(jnp.zeros((2, 3)))
    assert spec.is_compatible_with(TensorSpec([4, 3]))
    assert spec.is_compatible_with(TensorSpec([None, 3]))
    assert not spec.is_compatible_with(constant(np.zeros((5, 4), np.float32)))  # shape
    assert not spec.is_compatible_with(constant(np.zeros((5, 3), np.int32)))  # dtype
    assert not spec.is_compatible_with(constant(np.zeros((3,), np.float32)))  # rank
    assert not spec.is_compatible_with(3)  # no dtype/shape
    assert TensorSpec(None).is_compatible_with(constant(1.0))


def test_equality_and_hash():
    assert TensorSpec([2]) == TensorSpec((2,))
    assert TensorSpec([2]) != TensorSpec([2], name="a")
    assert TensorSpec([2]) != TensorSpec([2], dtypes.int32)
    assert TensorSpec([2]) != TensorSpec([3])
    assert TensorSpec([2]) != "TensorSpec"
    assert len({TensorSpec([2]), TensorSpec((2,)), TensorSpec([None])}) == 2
