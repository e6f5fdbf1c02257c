"""einsum, tensordot and add_n against NumPy references, with their error messages."""

import jax
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import contract_ops as C
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

rng = np.random.default_rng(0)
A = rng.standard_normal((2, 3)).astype(np.float32)
B = rng.standard_normal((3, 4)).astype(np.float32)
BATCH = rng.standard_normal((5, 2, 3)).astype(np.float32)


@pytest.mark.parametrize("equation,operands", [
    ("ij,jk->ik", (A, B)),
    ("ij,jk", (A, B)),  # implicit output: labels used once, alphabetical
    ("bij,jk->bik", (BATCH, B)),
    ("ij->ji", (A,)),
    ("ii->i", (B[:, :3],)),
    ("ij->", (A,)),
    ("...ij->...ji", (BATCH,)),
    ("bij,bkj->bik", (BATCH, BATCH)),
    ("i,j->ij", (A[0], B[0])),
])
def test_einsum_matches_numpy(equation, operands):
    out = C.einsum(equation, *operands)
    expected = np.einsum(equation, *[o.astype(np.float64) for o in operands])
    assert isinstance(out, Tensor) and out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_einsum_variants():
    ints = np.arange(6, dtype=np.int32).reshape(2, 3)
    out = C.einsum("ij,kj->ik", ints, ints)
    assert out.dtype == np.int32 and out.numpy().tolist() == (ints @ ints.T).tolist()
    v = Variable(A)
    np.testing.assert_allclose(C.einsum("ij,jk->ik", v, B, name="e", optimize="optimal").numpy(), A @ B, rtol=1e-5)
    out = jax.jit(lambda a, b: C.einsum("ij,jk->ik", a, b))(constant(A), constant(B))
    np.testing.assert_allclose(np.asarray(out.value), A @ B, rtol=1e-5)
    assert C.einsum("ij->j", np.zeros((0, 3), np.float32)).numpy().tolist() == [0.0, 0.0, 0.0]


def test_einsum_errors():
    with pytest.raises(errors.InvalidArgumentError, match="einsum: argument `equation` names 2 operand.s. but 1 were given"):
        C.einsum("ij,jk->ik", A)
    with pytest.raises(errors.InvalidArgumentError, match=r"einsum: label 'j' must have one size in every input. Received: 3 in input 0 \(shape \[2, 3\]\) and 2 in input 1"):
        C.einsum("ij,jk->ik", A, A)
    with pytest.raises(errors.InvalidArgumentError, match=r"einsum: term 'ijk' of argument `equation` must label every axis of input 0"):
        C.einsum("ijk->i", A)
    with pytest.raises(errors.InvalidArgumentError, match="einsum: output label 'z' appears in no input"):
        C.einsum("ij->z", A)
    with pytest.raises(errors.InvalidArgumentError, match="must have the same dtype"):
        C.einsum("ij,jk->ik", constant(A), constant(np.ones((3, 4), np.int32)))
    with pytest.raises(TypeError, match=r"einsum: unexpected keyword argument\(s\) \['bogus'\]"):
        C.einsum("ij->ji", A, bogus=1)


@pytest.mark.parametrize("axes,np_axes", [
    (1, 1), (0, 0), ([[1], [0]], ([1], [0])), ([1, 0], ([1], [0])), ([[-1], [0]], ([1], [0])),
])
def test_tensordot(axes, np_axes):
    out = C.tensordot(A, B, axes)
    expected = np.tensordot(A.astype(np.float64), B.astype(np.float64), np_axes)
    assert out.dtype == np.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_tensordot_multi_axes_and_jit():
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    y = rng.standard_normal((4, 3, 5)).astype(np.float32)
    out = C.tensordot(x, y, [[1, 2], [1, 0]])
    np.testing.assert_allclose(out.numpy(), np.tensordot(x, y, ([1, 2], [1, 0])), rtol=1e-5, atol=1e-5)
    out = jax.jit(lambda a, b: C.tensordot(a, b, 2))(constant(x), constant(y.transpose(1, 0, 2)))
    np.testing.assert_allclose(np.asarray(out.value), np.tensordot(x, y.transpose(1, 0, 2), 2), rtol=1e-5, atol=1e-5)


def test_tensordot_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"tensordot: contracted dimensions must match. Received: a.shape\[1\]=3 vs b.shape\[1\]=4"):
        C.tensordot(A, B, [[1], [1]])
    with pytest.raises(errors.InvalidArgumentError, match=r"tensordot: argument `axes` must be an int in \[0, min\(rank\(a\), rank\(b\)\)\] = \[0, 2\]. Received: axes=3"):
        C.tensordot(A, B, 3)
    with pytest.raises(errors.InvalidArgumentError, match=r"tensordot: argument `axes` must hold axes of `b` \(rank 2\)"):
        C.tensordot(A, B, [[1], [2]])
    with pytest.raises(errors.InvalidArgumentError, match="must list as many axes of `a` as of `b`"):
        C.tensordot(A, B, [[0, 1], [0]])


def test_add_n():
    out = C.add_n([A, A * 2, constant(A)])
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), A * 4, rtol=1e-6)
    assert C.add_n([constant([1, 2])]).numpy().tolist() == [1, 2]
    assert C.add_n([constant([1, 2]), [3, 4]]).dtype == np.int32
    out = jax.jit(lambda a, b: C.add_n([a, b, a]))(constant(A), constant(A))
    np.testing.assert_allclose(np.asarray(out.value), 3 * A, rtol=1e-6)


def test_add_n_errors():
    with pytest.raises(ValueError, match="add_n: argument `inputs` must be a non-empty list .*Received: an empty list"):
        C.add_n([])
    with pytest.raises(errors.InvalidArgumentError, match=r"add_n: every tensor in `inputs` must have shape \[2, 3\] .*Received: inputs\[1\].shape=\[3\]"):
        C.add_n([A, A[0]])
    with pytest.raises(errors.InvalidArgumentError, match=r"must have the same dtype. Received: inputs\[0\].dtype=float32, inputs\[1\].dtype=int32"):
        C.add_n([constant(A), constant(np.zeros((2, 3), np.int32))])
