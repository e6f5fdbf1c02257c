"""tf.linalg ops against NumPy references: norms, products, decompositions, solvers,
diagonals and bands, with their errors and jit."""

import jax
import numpy as np
import pytest

from xlaflow._core import errors
from xlaflow.ops import binary_ops, clip_ops, creation_ops
from xlaflow.ops import linalg_ops as L
from xlaflow.ops.convert import constant
from xlaflow.ops.tensor import Tensor

rng = np.random.default_rng(1)
M = rng.standard_normal((2, 3, 4)).astype(np.float32)  # a batch of 3x4 matrices
SQ = (rng.standard_normal((2, 3, 3)) + 3 * np.eye(3)).astype(np.float32)  # well conditioned
SPD = (SQ @ np.swapaxes(SQ, -1, -2) + np.eye(3)).astype(np.float32)
F64 = lambda a: np.asarray(a, np.float64)  # noqa: E731


# -- norm ----------------------------------------------------------------------------------
@pytest.mark.parametrize("ord,axis,ref", [
    ("euclidean", None, lambda x: np.sqrt(np.sum(x * x))),
    (2, -1, lambda x: np.linalg.norm(x, 2, axis=-1)),
    (1, 1, lambda x: np.linalg.norm(x, 1, axis=1)),
    (np.inf, 0, lambda x: np.linalg.norm(x, np.inf, axis=0)),
    (3, -1, lambda x: np.linalg.norm(x, 3, axis=-1)),
    (0.5, 2, lambda x: np.linalg.norm(x, 0.5, axis=2)),
    ("fro", (1, 2), lambda x: np.linalg.norm(x, "fro", axis=(1, 2))),
    ("euclidean", [-2, -1], lambda x: np.linalg.norm(x, "fro", axis=(-2, -1))),
    (1, (1, 2), lambda x: np.linalg.norm(x, 1, axis=(1, 2))),
    (np.inf, (1, 2), lambda x: np.linalg.norm(x, np.inf, axis=(1, 2))),
    (2, (1, 2), lambda x: np.linalg.norm(x, 2, axis=(1, 2))),
    (2, (2, 1), lambda x: np.linalg.norm(x, 2, axis=(2, 1))),
    (1, (2, 0), lambda x: np.linalg.norm(x, 1, axis=(2, 0))),
])
def test_norm_matches_numpy(ord, axis, ref):
    out = L.norm(M, ord=ord, axis=axis)
    expected = ref(F64(M))
    assert out.dtype == np.float32 and out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)


def test_norm_keepdims_jit_and_ints():
    out = L.norm(M, axis=(1, 2), keepdims=True)
    assert out.shape == (2, 1, 1)
    assert L.norm(M, ord=2, axis=(1, 2), keepdims=True).shape == (2, 1, 1)
    assert L.norm(M, keepdims=True).shape == (1, 1, 1)
    out = jax.jit(lambda t: L.norm(t, ord=2, axis=(-2, -1)))(constant(M))
    np.testing.assert_allclose(np.asarray(out.value), np.linalg.norm(F64(M), 2, axis=(1, 2)), rtol=1e-5)
    i = L.norm(constant([[3, -4]]), ord=1, axis=-1)
    assert i.dtype == np.int32 and i.numpy().tolist() == [7]
    assert float(L.norm(np.float32(-3.0))) == 3.0


def test_norm_errors():
    with pytest.raises(ValueError, match="norm: argument `ord` must be 'euclidean', 1, 2, np.inf or a positive number for a vector norm .'fro' is for matrices."):
        L.norm(M, ord="fro", axis=-1)
    with pytest.raises(ValueError, match="norm: argument `ord` must be 'fro', 'euclidean', 1, 2 or np.inf for a matrix norm. Received: ord=3"):
        L.norm(M, ord=3, axis=(1, 2))
    with pytest.raises(ValueError, match="norm: argument `ord` must be .* Received: ord=-1"):
        L.norm(M, ord=-1)
    with pytest.raises(ValueError, match="norm: argument `axis` must be None, an int or a pair of distinct ints"):
        L.norm(M, axis=(1, 1))
    with pytest.raises(errors.InvalidArgumentError, match=r"norm: argument `axis` must be in \[-3, 3\)"):
        L.norm(M, axis=3)
    with pytest.raises(TypeError, match="norm: argument `tensor` must be a floating-point or complex tensor. Received: dtype=int32"):
        L.norm(constant([3, 4]))


def test_l2_normalize():
    x = np.array([[3.0, 4.0], [0.0, 0.0]], np.float32)
    out = L.l2_normalize(x, axis=1)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), [[0.6, 0.8], [0.0, 0.0]], rtol=1e-6)
    full = L.l2_normalize(M)
    np.testing.assert_allclose(full.numpy(), M / np.sqrt(np.sum(F64(M) ** 2)), rtol=1e-5)
    tiny = np.array([1e-8, 0.0], np.float32)  # sum of squares below epsilon: divide by sqrt(epsilon)
    np.testing.assert_allclose(L.l2_normalize(tiny, 0).numpy(), tiny / np.sqrt(1e-12), rtol=1e-5)
    np.testing.assert_allclose(L.l2_normalize(x, dim=0).numpy(), x / np.maximum(np.linalg.norm(x, axis=0), 1e-6), rtol=1e-6)
    out = jax.jit(lambda t: L.l2_normalize(t, axis=-1))(constant(M))
    np.testing.assert_allclose(np.asarray(out.value), M / np.linalg.norm(F64(M), axis=-1, keepdims=True), rtol=1e-5)
    with pytest.raises(TypeError, match="l2_normalize: argument `x` must be a floating-point or complex tensor. Received: dtype=int32"):
        L.l2_normalize(constant([1, 2]))


# -- products, inverses, decompositions ----------------------------------------------------
def test_matvec():
    v = rng.standard_normal((2, 4)).astype(np.float32)
    out = L.matvec(M, v)
    assert out.dtype == np.float32 and out.shape == (2, 3)
    np.testing.assert_allclose(out.numpy(), np.einsum("bij,bj->bi", F64(M), v), rtol=1e-5, atol=1e-6)
    w = rng.standard_normal(3).astype(np.float32)
    np.testing.assert_allclose(L.matvec(M, w, transpose_a=True).numpy(), np.einsum("bij,i->bj", F64(M), w), rtol=1e-5, atol=1e-6)
    with pytest.raises(errors.InvalidArgumentError, match=r"matvec: a.shape\[-1\] must equal b.shape\[-1\]"):
        L.matvec(M, w)
    with pytest.raises(errors.InvalidArgumentError, match="matvec: argument `a` must be a matrix"):
        L.matvec(w, w)


def test_inverse_det_slogdet_solve():
    inv = L.inv(SQ)
    assert inv.dtype == np.float32
    np.testing.assert_allclose(inv.numpy(), np.linalg.inv(F64(SQ)), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(L.inv(SQ, adjoint=True).numpy(), np.linalg.inv(F64(SQ)).swapaxes(-1, -2), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(L.det(SQ).numpy(), np.linalg.det(F64(SQ)), rtol=1e-4)
    sign, logabs = L.slogdet(SQ)
    ref_sign, ref_log = np.linalg.slogdet(F64(SQ))
    np.testing.assert_allclose(sign.numpy(), ref_sign)
    np.testing.assert_allclose(logabs.numpy(), ref_log, rtol=1e-5)
    np.testing.assert_allclose(L.logdet(SPD).numpy(), np.linalg.slogdet(F64(SPD))[1], rtol=1e-4)
    rhs = rng.standard_normal((2, 3, 2)).astype(np.float32)
    np.testing.assert_allclose(L.solve(SQ, rhs).numpy(), np.linalg.solve(F64(SQ), rhs), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(L.solve(SQ, rhs, adjoint=True).numpy(), np.linalg.solve(F64(SQ).swapaxes(-1, -2), rhs), rtol=1e-4, atol=1e-5)
    out = jax.jit(lambda a, b: L.solve(a, b))(constant(SQ), constant(rhs))
    np.testing.assert_allclose(np.asarray(out.value), np.linalg.solve(F64(SQ), rhs), rtol=1e-4, atol=1e-5)


def test_decompositions():
    chol = L.cholesky(SPD)
    np.testing.assert_allclose(chol.numpy(), np.linalg.cholesky(F64(SPD)), rtol=1e-4, atol=1e-4)
    q, r = L.qr(M[0].T)
    assert q.shape == (4, 3) and r.shape == (3, 3)
    np.testing.assert_allclose((q.numpy() @ r.numpy()), M[0].T, rtol=1e-4, atol=1e-5)
    assert L.qr(M[0].T, full_matrices=True).q.shape == (4, 4)
    s, u, v = L.svd(M)
    assert s.shape == (2, 3) and u.shape == (2, 3, 3) and v.shape == (2, 4, 3)
    np.testing.assert_allclose(s.numpy(), np.linalg.svd(F64(M), compute_uv=False), rtol=1e-5)
    np.testing.assert_allclose(u.numpy() @ (s.numpy()[..., None] * np.swapaxes(v.numpy(), -1, -2)), M, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(L.svd(M, compute_uv=False).numpy(), s.numpy(), rtol=1e-6)
    e, vecs = L.eigh(SPD)
    np.testing.assert_allclose(e.numpy(), np.linalg.eigvalsh(F64(SPD)), rtol=1e-4)
    np.testing.assert_allclose(L.eigvalsh(SPD).numpy(), e.numpy(), rtol=1e-5)
    np.testing.assert_allclose(vecs.numpy() @ (e.numpy()[..., None] * np.swapaxes(vecs.numpy(), -1, -2)), SPD, rtol=1e-3, atol=1e-3)
    lower = np.tril(SQ)
    rhs = rng.standard_normal((2, 3, 1)).astype(np.float32)
    np.testing.assert_allclose(L.triangular_solve(SQ, rhs).numpy(), np.linalg.solve(F64(lower), rhs), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(L.triangular_solve(SQ, rhs, lower=False).numpy(), np.linalg.solve(np.triu(F64(SQ)), rhs), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(L.triangular_solve(SQ, rhs, adjoint=True).numpy(), np.linalg.solve(F64(lower).swapaxes(-1, -2), rhs), rtol=1e-4, atol=1e-5)


def test_decomposition_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"inv: argument `input` must be a square matrix .*Received: shape \[2, 3, 4\]"):
        L.inv(M)
    with pytest.raises(errors.InvalidArgumentError, match="inv: argument `input` must be invertible"):
        L.inv(np.ones((2, 2), np.float32))
    with pytest.raises(errors.InvalidArgumentError, match="cholesky: argument `input` must be positive definite"):
        L.cholesky(np.array([[1.0, 2.0], [2.0, 1.0]], np.float32))
    with pytest.raises(TypeError, match="det: argument `input` must be a floating-point or complex tensor. Received: dtype=int32"):
        L.det(constant([[1, 0], [0, 1]]))
    with pytest.raises(errors.InvalidArgumentError, match=r"solve: argument `rhs` must have shape \[..., 3, K\]"):
        L.solve(SQ, np.ones((2, 4, 1), np.float32))
    with pytest.raises(errors.InvalidArgumentError, match="solve: argument `rhs` must be a matrix"):
        L.solve(SQ, np.ones((3,), np.float32))
    # compiled code cannot raise on values: the result holds non-finite values instead
    out = jax.jit(lambda t: L.cholesky(t))(constant(np.array([[1.0, 2.0], [2.0, 1.0]], np.float32)))
    assert not np.all(np.isfinite(np.asarray(out.value)))


# -- structure -------------------------------------------------------------------------------
def test_trace_transpose_adjoint():
    out = L.trace(M)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), np.trace(F64(M), axis1=-2, axis2=-1), rtol=1e-5)
    assert L.trace(constant([[1, 2], [3, 4]])).numpy() == 5
    assert L.matrix_transpose(M).shape == (2, 4, 3)
    z = np.array([[1 + 2j, 3j]], np.complex64)
    np.testing.assert_allclose(L.adjoint(z).numpy(), np.conj(z).T)
    np.testing.assert_allclose(L.matrix_transpose(z, conjugate=True).numpy(), np.conj(z).T)
    with pytest.raises(errors.InvalidArgumentError, match=r"matrix_transpose: argument `a` must have rank >= 2. Received: shape \[3\]"):
        L.matrix_transpose(np.ones(3, np.float32))


@pytest.mark.parametrize("lower,upper", [(0, -1), (-1, 0), (1, 1), (0, 0), (-1, -1), (2, 0)])
def test_band_part(lower, upper):
    x = rng.standard_normal((2, 4, 5)).astype(np.float32)
    i, j = np.meshgrid(np.arange(4), np.arange(5), indexing="ij")
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    out = L.band_part(x, lower, upper)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), np.where(keep, x, 0))


def test_band_part_errors_and_jit():
    out = jax.jit(lambda t: L.band_part(t, 0, -1))(constant(M))
    np.testing.assert_array_equal(np.asarray(out.value), np.triu(M))
    with pytest.raises(errors.InvalidArgumentError, match="band_part: argument `num_lower` must be an int <= 3"):
        L.band_part(M, 4, 0)


def _np_diag_part(x, lo, hi, pad, align):
    """Loop reference: band rows from diagonal hi down to lo, padded per ``align``."""
    m, n = x.shape[-2:]
    lengths = {d: max(0, min(m + min(0, d), n - max(0, d))) for d in range(lo, hi + 1)}
    width = max(lengths.values())
    out = np.full(x.shape[:-2] + (hi - lo + 1, width), pad, x.dtype)
    sup, sub = align.split("_")
    for r, d in enumerate(range(hi, lo - 1, -1)):
        left = (d >= 0 and sup == "LEFT") or (d <= 0 and sub == "LEFT")
        off = 0 if left else width - lengths[d]
        for p in range(lengths[d]):
            out[..., r, p + off] = x[..., p + max(0, -d), p + max(0, d)]
    return out[..., 0, :] if lo == hi else out


DIAG_CASES = [
    ((3, 4), 0, "RIGHT_LEFT"), ((2, 4, 3), 1, "RIGHT_LEFT"), ((3, 4), -2, "LEFT_RIGHT"), ((3, 3), (0, 0), "RIGHT_LEFT"),
    ((3, 4), (-1, 1), "RIGHT_LEFT"), ((2, 4, 3), (-1, 1), "LEFT_RIGHT"), ((3, 4), (-2, -1), "RIGHT_LEFT"),
    ((2, 3, 4), (1, 3), "RIGHT_LEFT"), ((3, 4), (1, 3), "LEFT_LEFT"), ((4, 3), (-3, 1), "RIGHT_RIGHT"),
    ((3, 3), (-2, 2), "LEFT_RIGHT"), ((4, 3), (-2, 0), "RIGHT_LEFT"),
]


@pytest.mark.parametrize("shape,k,align", DIAG_CASES)
def test_diag_part_and_diag_roundtrip(shape, k, align):
    m, n = shape[-2:]
    lo, hi = (k, k) if isinstance(k, int) else k
    x = np.arange(1, np.prod(shape) + 1, dtype=np.int32).reshape(shape)
    part = L.diag_part(x, k=k, padding_value=-9, align=align)
    expected = _np_diag_part(x, lo, hi, -9, align)
    assert part.dtype == np.int32
    np.testing.assert_array_equal(part.numpy(), expected)
    # diag() puts the band back (with padding elsewhere)
    band = np.where(expected == -9, 0, expected)
    built = L.diag(band, k=k, num_rows=m, num_cols=n, padding_value=0, align=align)
    i, j = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    in_band = (j - i >= lo) & (j - i <= hi)
    np.testing.assert_array_equal(built.numpy(), np.where(in_band, x, 0))
    # set_diag replaces exactly the band
    reset = L.set_diag(np.zeros(shape, np.int32) - 1, band, k=k, align=align)
    np.testing.assert_array_equal(reset.numpy(), np.where(in_band, x, -1))


def test_diag_shapes_and_inference():
    d = L.diag(constant([1.0, 2.0, 3.0]))
    assert d.dtype == np.float32
    np.testing.assert_array_equal(d.numpy(), np.diag([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(L.diag(constant([1, 2]), k=1).numpy(), np.diag([1, 2], k=1))
    np.testing.assert_array_equal(L.diag(constant([1, 2]), k=-1, num_cols=2).numpy(), np.diag([1, 2], k=-1)[:, :2])
    batch = L.diag(np.ones((4, 2), np.float32), padding_value=7.0)
    assert batch.shape == (4, 2, 2) and batch.numpy()[0].tolist() == [[1.0, 7.0], [7.0, 1.0]]
    np.testing.assert_array_equal(L.diag_part(M).numpy(), np.diagonal(M, axis1=-2, axis2=-1))
    out = jax.jit(lambda t: L.diag_part(t, k=(-1, 1)))(constant(M))
    np.testing.assert_array_equal(np.asarray(out.value), _np_diag_part(M, -1, 1, 0, "RIGHT_LEFT"))


def test_diag_errors():
    with pytest.raises(errors.InvalidArgumentError, match=r"diag_part: argument `k` must lie in \(-3, 4\)"):
        L.diag_part(M, k=4)
    with pytest.raises(errors.InvalidArgumentError, match="diag_part: argument `k` must have k.0. <= k.1."):
        L.diag_part(M, k=(1, 0))
    with pytest.raises(ValueError, match="diag_part: argument `align` must be one of"):
        L.diag_part(M, align="MIDDLE")
    with pytest.raises(errors.InvalidArgumentError, match=r"diag: argument `diagonal` must have shape \[..., 3, L\] for k=\(-1, 1\)"):
        L.diag(np.ones((2, 3), np.float32), k=(-1, 1))
    with pytest.raises(errors.InvalidArgumentError, match="diag: arguments `num_rows`/`num_cols` must fit diagonals of length 2"):
        L.diag(np.ones(2, np.float32), num_rows=5, num_cols=5)
    with pytest.raises(errors.InvalidArgumentError, match=r"set_diag: argument `diagonal` must have shape \[2, 3\]"):
        L.set_diag(M, np.ones((2, 4), np.float32))


def test_linalg_namespace():
    import xlaflow.linalg as xlinalg
    assert xlinalg.matmul is binary_ops.matmul
    assert xlinalg.eye is creation_ops.eye
    assert xlinalg.global_norm is clip_ops.global_norm
    assert xlinalg.transpose is L.matrix_transpose
    assert xlinalg.norm is L.norm and xlinalg.diag_part is L.diag_part
    assert set(xlinalg.__all__) <= set(dir(xlinalg))
    assert isinstance(xlinalg.einsum("ij->ji", M[0]), Tensor)
