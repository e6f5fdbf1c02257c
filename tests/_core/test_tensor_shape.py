"""TensorShape: partial shapes with None dimensions or unknown rank."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from xlaflow._core.tensor_shape import TensorShape, as_shape, known, unknown_shape


def test_known_shape():
    s = TensorShape([2, 3])
    assert s.as_list() == [2, 3]
    assert s.dims == [2, 3]
    assert s.rank == 2 and s.ndims == 2
    assert len(s) == 2
    assert list(s) == [2, 3]
    assert s.is_fully_defined()
    assert s.num_elements() == 6
    assert s[0] == 2 and s[-1] == 3
    assert isinstance(s[0], int)
    assert s[1:] == TensorShape([3])


def test_none_dims():
    s = TensorShape([None, 784])
    assert s.as_list() == [None, 784]
    assert s.rank == 2
    assert s[0] is None
    assert not s.is_fully_defined()
    assert s.num_elements() is None


def test_minus_one_means_unknown():
    assert TensorShape([-1, 2]).as_list() == [None, 2]


def test_unknown_rank():
    s = TensorShape(None)
    assert s.rank is None and s.ndims is None and s.dims is None
    assert not s.is_fully_defined()
    assert s.num_elements() is None
    assert s[0] is None
    assert s[1:] == TensorShape(None)
    assert not bool(s)
    with pytest.raises(ValueError, match="unknown TensorShape"):
        s.as_list()
    with pytest.raises(ValueError, match="unknown rank"):
        len(s)
    with pytest.raises(ValueError, match="unknown rank"):
        iter(s)


def test_scalar_shape():
    s = TensorShape([])
    assert s.rank == 0 and s.as_list() == []
    assert bool(s)  # a known rank, even if zero
    assert s.num_elements() == 1
    assert str(s) == "()"


def test_construction_from_int_and_numpy():
    assert TensorShape(3).as_list() == [3]
    assert TensorShape(np.int64(3)).as_list() == [3]
    assert TensorShape((np.int32(2), 4)).as_list() == [2, 4]
    assert TensorShape(TensorShape([1, None])).as_list() == [1, None]
    assert as_shape([1]) == TensorShape([1])
    s = TensorShape([5])
    assert as_shape(s) is s


def test_construction_errors():
    with pytest.raises(ValueError, match=r"dimensions must be >= 0 or None. Received: -2"):
        TensorShape([-2])
    with pytest.raises(TypeError, match=r"each dimension must be an int or None. Received: 'a'"):
        TensorShape(["a"])


def test_equality_and_hash():
    assert TensorShape([2, 3]) == [2, 3]
    assert TensorShape([2, 3]) == (2, 3)
    assert TensorShape([None]) == [None]
    assert TensorShape([2]) != TensorShape([3])
    assert TensorShape([2]) != TensorShape([2, 1])
    assert TensorShape(None) == TensorShape(None)
    assert TensorShape([1]) != "ab"
    assert TensorShape([1]) != None  # noqa: E711
    assert hash(TensorShape([1, 2])) == hash(TensorShape((1, 2)))


def test_str_and_repr():
    assert str(TensorShape([2])) == "(2,)"
    assert str(TensorShape([None, 3])) == "(None, 3)"
    assert str(TensorShape(None)) == "<unknown>"
    assert repr(TensorShape([None, 3])) == "TensorShape([None, 3])"
    assert repr(TensorShape(None)) == "TensorShape(None)"


def test_compatibility():
    s = TensorShape([None, 3])
    assert s.is_compatible_with([2, 3])
    assert s.is_compatible_with(TensorShape([None, None]))
    assert not s.is_compatible_with([2, 4])
    assert not s.is_compatible_with([3])
    assert TensorShape(None).is_compatible_with([1, 2, 3])
    s.assert_is_compatible_with([7, 3])
    with pytest.raises(ValueError, match=r"Shapes \(None, 3\) and \(2, 4\) are incompatible"):
        s.assert_is_compatible_with([2, 4])


def test_merge_with():
    assert TensorShape([None, 3]).merge_with([2, None]) == [2, 3]
    assert TensorShape(None).merge_with([1]) == [1]
    assert TensorShape([1]).merge_with(None) == [1]
    with pytest.raises(ValueError, match="not compatible"):
        TensorShape([None, 3]).merge_with([2, 4])


def test_with_rank():
    assert TensorShape(None).with_rank(2) == [None, None]
    assert TensorShape([1]).with_rank(1) == [1]
    with pytest.raises(ValueError, match=r"must have rank 2"):
        TensorShape([1]).with_rank(2)


def test_concatenate():
    assert TensorShape([2]).concatenate([3]) == [2, 3]
    assert TensorShape([2]) + [3] == [2, 3]
    assert [1] + TensorShape([2]) == [1, 2]
    assert TensorShape(None).concatenate([1]) == TensorShape(None)


def test_pickle():
    s = TensorShape([None, 2])
    assert pickle.loads(pickle.dumps(s)) == s
    assert pickle.loads(pickle.dumps(TensorShape(None))) == TensorShape(None)


def test_helpers():
    assert unknown_shape() == TensorShape(None)
    assert unknown_shape(2) == [None, None]
    assert known([2, 3]) == (2, 3)
    with pytest.raises(ValueError, match="must be fully defined"):
        known([None, 3])
