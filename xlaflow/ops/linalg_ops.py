"""Linear algebra on (batches of) matrices: ``norm``, ``l2_normalize``, ``matvec``,
``inv``, ``det``, ``slogdet``, ``logdet``, ``cholesky``, ``qr``, ``svd``, ``eigh``,
``solve``, ``triangular_solve``, ``trace``, ``band_part``, ``diag``/``diag_part``/
``set_diag``, ``matrix_transpose``/``adjoint``.

Matrices live in the last two axes; leading axes are a batch. Decompositions need
float or complex input. Where TF reports a failed decomposition (a singular matrix
for ``inv``, a matrix that is not positive definite for ``cholesky``) and the value
is known eagerly, the same ``InvalidArgumentError`` is raised here; inside compiled
code the result holds NaN/inf instead, as on TF's GPU kernels.
"""

from __future__ import annotations

import collections
from typing import Any

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

from xlaflow._core import errors
from xlaflow.ops.array_ops import check_axes, check_axis
from xlaflow.ops.dispatch import op
from xlaflow.ops.unary_ops import check_dtype

Qr = collections.namedtuple("Qr", ["q", "r"])
Eigh = collections.namedtuple("Eigh", ["e", "v"])


def _matrix(name: str, arg: str, x, square: bool = False, kinds: str = "fc") -> None:
    check_dtype(name, arg, x, kinds)
    if x.ndim < 2 or (square and x.shape[-1] != x.shape[-2]):
        what = "a square matrix (or a batch of them), shape [..., M, M]" if square else "a matrix (or a batch of them), rank >= 2"
        raise errors.InvalidArgumentError(f"{name}: argument `{arg}` must be {what}. Received: shape {list(x.shape)}")


def _fail_if_nonfinite(name: str, arg: str, x, out, what: str) -> None:
    """Eagerly: a non-finite result from finite input means the decomposition failed."""
    if isinstance(x, jax.core.Tracer) or isinstance(out, jax.core.Tracer):
        return
    if bool(jnp.all(jnp.isfinite(x))) and not bool(jnp.all(jnp.isfinite(out))):
        raise errors.InvalidArgumentError(
            f"{name}: argument `{arg}` must be {what}. Received: a matrix that is not (the result holds NaN or inf)"
        )


# -- norms --------------------------------------------------------------------------------
def _norm_axes(tensor, ord: Any, axis: Any) -> tuple[tuple[int, ...] | None, bool]:
    is_matrix = isinstance(axis, (list, tuple)) and len(axis) == 2
    if is_matrix:
        axes = tuple(check_axis("norm", a, tensor.ndim) for a in axis)
        if axes[0] == axes[1]:
            raise ValueError(f"norm: argument `axis` must be None, an int or a pair of distinct ints. Received: axis={axis}")
        if not (isinstance(ord, str) and ord in ("euclidean", "fro")) and ord not in (1, 2, np.inf):
            raise ValueError(f"norm: argument `ord` must be 'fro', 'euclidean', 1, 2 or np.inf for a matrix norm. Received: ord={ord!r}")
        return axes, True
    if axis is not None and (isinstance(axis, (bool, list, tuple)) or not isinstance(axis, (int, np.integer))):
        raise ValueError(f"norm: argument `axis` must be None, an int or a pair of distinct ints. Received: axis={axis!r}")
    if isinstance(ord, str):
        if ord != "euclidean":
            raise ValueError(f"norm: argument `ord` must be 'euclidean', 1, 2, np.inf or a positive number for a vector norm ('fro' is for matrices). Received: ord={ord!r}")
    elif isinstance(ord, bool) or not isinstance(ord, (int, float, np.integer, np.floating)) or not ord > 0:
        raise ValueError(f"norm: argument `ord` must be 'euclidean', 1, 2, np.inf or a positive number. Received: ord={ord!r}")
    return (None if axis is None else (check_axis("norm", axis, tensor.ndim),)), False


@op("Norm", tensors=("tensor",))
def norm(tensor, ord="euclidean", axis=None, keepdims=None):  # noqa: A002 - TF's argument name
    """Vector or matrix norm.

    ``axis=None`` treats the whole tensor as one vector; an int gives vector norms
    along it; a pair of ints gives matrix norms over those two axes. ``ord`` is
    'euclidean' (default; Frobenius for matrices), 'fro' (matrices), 1, 2 (largest
    singular value for matrices), ``np.inf``, or any positive p for vectors.

    Raises:
      ValueError: an unsupported ``ord``/``axis`` combination.
      TypeError: an integer tensor with an ``ord`` that needs a root (ints allow 1, inf).
    """
    axes, is_matrix = _norm_axes(tensor, ord, axis)
    keep = bool(keepdims)
    reduce_axes = tuple(range(tensor.ndim)) if axes is None else axes
    kinds = "fciu" if (not isinstance(ord, str) and ord in (1, np.inf)) else "fc"
    check_dtype("norm", "tensor", tensor, kinds)
    magnitude = jnp.abs(tensor)
    if isinstance(ord, str) or (ord == 2 and not is_matrix):
        out = jnp.sqrt(jnp.sum(jnp.square(magnitude), axis=reduce_axes, keepdims=True))
    elif ord == 2:
        moved = jnp.moveaxis(tensor, reduce_axes, (-2, -1))
        out = jnp.max(jnp.linalg.svd(moved, compute_uv=False), axis=-1)[..., None, None]
        out = jnp.moveaxis(out, (-2, -1), reduce_axes)
    elif ord == 1 and is_matrix:  # largest column sum
        out = jnp.max(jnp.sum(magnitude, axis=axes[0], keepdims=True), axis=axes[1], keepdims=True)
    elif ord == np.inf and is_matrix:  # largest row sum
        out = jnp.max(jnp.sum(magnitude, axis=axes[1], keepdims=True), axis=axes[0], keepdims=True)
    elif ord == 1:
        out = jnp.sum(magnitude, axis=reduce_axes, keepdims=True)
    elif ord == np.inf:
        out = jnp.max(magnitude, axis=reduce_axes, keepdims=True)
    else:
        out = jnp.power(jnp.sum(jnp.power(magnitude, ord), axis=reduce_axes, keepdims=True), 1.0 / ord)
    out = out.astype(magnitude.dtype)  # integer sums must not widen under x64
    return out if keep else jnp.squeeze(out, axis=reduce_axes)


@op("L2Normalize")
def _l2_normalize(x, axis=None, epsilon=1e-12):
    check_dtype("l2_normalize", "x", x, "fc")
    axes = check_axes("l2_normalize", axis, x.ndim)
    square_sum = jnp.sum(jnp.square(jnp.abs(x)), axis=axes, keepdims=True)
    inv_norm = jax.lax.rsqrt(jnp.maximum(square_sum, jnp.asarray(epsilon, square_sum.dtype)))
    return x * inv_norm.astype(x.dtype)


def l2_normalize(x: Any, axis: Any = None, epsilon: float = 1e-12, name: str | None = None, dim: Any = None) -> Any:
    """``x / sqrt(max(sum(x**2, axis), epsilon))``: unit L2 norm along ``axis`` (all
    axes when None); ``dim`` is TF's deprecated alias of ``axis``.

    Raises:
      TypeError: ``x`` is not a float or complex tensor.
      ValueError: both ``axis`` and ``dim`` are given.
    """
    if dim is not None:
        if axis is not None:
            raise ValueError(f"l2_normalize: arguments `axis` and `dim` must not both be given. Received: axis={axis}, dim={dim}")
        axis = dim
    return _l2_normalize(x, axis=axis, epsilon=epsilon)


# -- products, inverses, decompositions ----------------------------------------------------
@op("MatVec", tensors=("a", "b"), same_dtype=("a", "b"))
def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False):
    """Matrix-vector product ``a @ b`` over the last axes, batched over leading ones.

    Raises:
      InvalidArgumentError: ``a`` is not a matrix, ``b`` not a vector, or sizes differ.
    """
    _matrix("matvec", "a", a, kinds="fciu")
    if jnp.ndim(b) < 1:
        raise errors.InvalidArgumentError(f"matvec: argument `b` must have rank >= 1. Received: shape {list(jnp.shape(b))}")
    if transpose_a or adjoint_a:
        a = jnp.swapaxes(a, -1, -2)
        a = jnp.conj(a) if adjoint_a else a
    if a.shape[-1] != b.shape[-1]:
        raise errors.InvalidArgumentError(
            f"matvec: a.shape[-1] must equal b.shape[-1] (after transposes). Received: a.shape={list(a.shape)}, b.shape={list(b.shape)}"
        )
    return jnp.matmul(a, b[..., None])[..., 0]


@op("MatrixInverse", tensors=("input",), jit=False)
def inv(input, adjoint=False):  # noqa: A002
    """Inverse of each square matrix (of its conjugate transpose with ``adjoint``).

    Raises:
      InvalidArgumentError: not square, or (eagerly) not invertible.
    """
    _matrix("inv", "input", input, square=True)
    out = jnp.linalg.inv(input)
    _fail_if_nonfinite("inv", "input", input, out, "invertible")
    return jnp.conj(jnp.swapaxes(out, -1, -2)) if adjoint else out


@op("MatrixDeterminant", tensors=("input",))
def det(input):  # noqa: A002
    """Determinant of each square matrix."""
    _matrix("det", "input", input, square=True)
    return jnp.linalg.det(input)


@op("LogMatrixDeterminant", tensors=("input",))
def slogdet(input):  # noqa: A002
    """``(sign, log_abs_determinant)`` of each square matrix, stable for large ones."""
    _matrix("slogdet", "input", input, square=True)
    sign, logabs = jnp.linalg.slogdet(input)
    return sign, logabs


@op("Logdet", tensors=("matrix",))
def logdet(matrix):
    """``log(det(matrix))`` of Hermitian positive-definite matrices, via Cholesky."""
    _matrix("logdet", "matrix", matrix, square=True)
    chol = jnp.linalg.cholesky(matrix)
    return 2.0 * jnp.sum(jnp.log(jnp.real(jnp.diagonal(chol, axis1=-2, axis2=-1))), axis=-1)


@op("Cholesky", tensors=("input",), jit=False)
def cholesky(input):  # noqa: A002
    """Lower-triangular ``L`` with ``L @ L^H == input`` (Hermitian positive definite).

    Raises:
      InvalidArgumentError: not square, or (eagerly) not positive definite.
    """
    _matrix("cholesky", "input", input, square=True)
    out = jnp.linalg.cholesky(input)
    _fail_if_nonfinite("cholesky", "input", input, out, "positive definite")
    return out


@op("Qr", tensors=("input",))
def qr(input, full_matrices=False):  # noqa: A002
    """QR decomposition ``Qr(q, r)``; ``full_matrices`` gives the square ``q``."""
    _matrix("qr", "input", input)
    q, r = jnp.linalg.qr(input, mode="complete" if full_matrices else "reduced")
    return Qr(q, r)


@op("Svd", tensors=("tensor",))
def svd(tensor, full_matrices=False, compute_uv=True):
    """Singular values ``s`` (descending), and with ``compute_uv`` ``(s, u, v)`` where
    ``tensor == u @ diag(s) @ adjoint(v)`` (TF returns ``v``, not its adjoint)."""
    _matrix("svd", "tensor", tensor)
    if not compute_uv:
        return jnp.linalg.svd(tensor, compute_uv=False)
    u, s, vh = jnp.linalg.svd(tensor, full_matrices=bool(full_matrices))
    return s, u, jnp.conj(jnp.swapaxes(vh, -1, -2))


@op("SelfAdjointEigV2", tensors=("tensor",))
def eigh(tensor):
    """Eigenvalues (ascending) and eigenvectors ``Eigh(e, v)`` of Hermitian matrices."""
    _matrix("eigh", "tensor", tensor, square=True)
    e, v = jnp.linalg.eigh(tensor)
    return Eigh(e, v)


@op("SelfAdjointEigvals", tensors=("tensor",))
def eigvalsh(tensor):
    """Eigenvalues (ascending) of Hermitian matrices."""
    _matrix("eigvalsh", "tensor", tensor, square=True)
    return jnp.linalg.eigvalsh(tensor)


def _check_rhs(name: str, matrix, rhs) -> None:
    _matrix(name, "rhs", rhs)
    if rhs.shape[-2] != matrix.shape[-1] or rhs.shape[:-2] != matrix.shape[:-2]:
        raise errors.InvalidArgumentError(
            f"{name}: argument `rhs` must have shape [..., {matrix.shape[-1]}, K] with the batch shape of `matrix`. "
            f"Received: matrix.shape={list(matrix.shape)}, rhs.shape={list(rhs.shape)}"
        )


@op("MatrixSolve", tensors=("matrix", "rhs"), same_dtype=("matrix", "rhs"))
def solve(matrix, rhs, adjoint=False):
    """Solves ``matrix @ x == rhs`` (``adjoint(matrix) @ x`` with ``adjoint``) for ``x``.

    Raises:
      InvalidArgumentError: ``matrix`` not square, or ``rhs`` not ``[..., M, K]``.
    """
    _matrix("solve", "matrix", matrix, square=True)
    _check_rhs("solve", matrix, rhs)
    if adjoint:
        matrix = jnp.conj(jnp.swapaxes(matrix, -1, -2))
    return jnp.linalg.solve(matrix, rhs)


@op("MatrixTriangularSolve", tensors=("matrix", "rhs"), same_dtype=("matrix", "rhs"))
def triangular_solve(matrix, rhs, lower=True, adjoint=False):
    """Solves ``matrix @ x == rhs`` for a lower (or upper) triangular ``matrix``; only
    that triangle is read. ``adjoint`` solves with ``adjoint(matrix)``."""
    _matrix("triangular_solve", "matrix", matrix, square=True)
    _check_rhs("triangular_solve", matrix, rhs)
    return jsl.solve_triangular(matrix, rhs, lower=bool(lower), trans="C" if adjoint else 0)


# -- structure ------------------------------------------------------------------------------
@op("Trace")
def trace(x):
    """Sum of the main diagonal of each matrix (``[..., M, N]`` -> ``[...]``)."""
    _matrix("trace", "x", x, kinds="fciu")
    return jnp.trace(x, axis1=-2, axis2=-1).astype(x.dtype)


@op("MatrixBandPart", tensors=("input",))
def band_part(input, num_lower, num_upper):  # noqa: A002
    """Keeps ``num_lower`` sub- and ``num_upper`` super-diagonals of each matrix (a
    negative count keeps the whole triangle) and zeroes the rest.

    ``band_part(x, 0, -1)`` is the upper triangle, ``band_part(x, -1, 0)`` the lower.

    Raises:
      InvalidArgumentError: ``input`` has rank < 2, or a count exceeds the matrix size.
    """
    _matrix("band_part", "input", input, kinds="fciub")
    m, n = input.shape[-2:]
    for arg, v, limit in (("num_lower", num_lower, m), ("num_upper", num_upper, n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v > limit:
            raise errors.InvalidArgumentError(f"band_part: argument `{arg}` must be an int <= {limit} (negative for all). Received: {v!r}")
    rows = np.arange(m)[:, None]
    cols = np.arange(n)[None, :]
    keep = np.ones((m, n), bool)
    if num_lower >= 0:
        keep &= rows - cols <= num_lower
    if num_upper >= 0:
        keep &= cols - rows <= num_upper
    return jnp.where(keep, input, jnp.zeros_like(input))


def matrix_transpose_impl(a, conjugate: bool = False):
    """Swaps the last two axes of a jax array (conjugating if asked)."""
    if jnp.ndim(a) < 2:
        raise errors.InvalidArgumentError(f"matrix_transpose: argument `a` must have rank >= 2. Received: shape {list(jnp.shape(a))}")
    out = jnp.swapaxes(a, -1, -2)
    return jnp.conj(out) if conjugate else out


@op("MatrixTranspose", tensors=("a",))
def _matrix_transpose(a, conjugate=False):
    return matrix_transpose_impl(a, conjugate)


def matrix_transpose(a: Any, name: str = "matrix_transpose", conjugate: bool = False) -> Any:
    """Swaps the last two axes (and conjugates with ``conjugate=True``).

    Raises:
      InvalidArgumentError: ``a`` has rank < 2.
    """
    return _matrix_transpose(a, conjugate=conjugate)


@op("Adjoint", tensors=("matrix",))
def adjoint(matrix):
    """Conjugate transpose of the last two axes."""
    return matrix_transpose_impl(matrix, conjugate=True)


# -- diagonals ------------------------------------------------------------------------------
# A band of diagonals k = (lo, hi) of an [M, N] matrix is stored as rows of a
# [..., hi - lo + 1, L] tensor, the top row holding diagonal hi. Diagonals shorter than L
# are padded; ``align`` says on which side ("RIGHT_LEFT": superdiagonals are pushed to the
# right, subdiagonals to the left). A single k drops the band axis.
_ALIGNS = ("RIGHT_LEFT", "LEFT_RIGHT", "LEFT_LEFT", "RIGHT_RIGHT")


def _band(name: str, k: Any, align: str) -> tuple[int, int]:
    if align not in _ALIGNS:
        raise ValueError(f"{name}: argument `align` must be one of {list(_ALIGNS)}. Received: {align!r}")
    ks = list(k) if isinstance(k, (list, tuple)) else [k]
    if not 1 <= len(ks) <= 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in ks):
        raise errors.InvalidArgumentError(f"{name}: argument `k` must be an int or a pair of ints (lo, hi). Received: k={k!r}")
    lo, hi = int(ks[0]), int(ks[-1])
    if lo > hi:
        raise errors.InvalidArgumentError(f"{name}: argument `k` must have k[0] <= k[1]. Received: k={k!r}")
    return lo, hi


def _diag_len(m: int, n: int, d: int) -> int:
    return max(0, min(m + min(0, d), n - max(0, d)))


def _offset(d: int, length: int, width: int, align: str) -> int:
    super_left, sub_left = (part == "LEFT" for part in align.split("_"))
    left = (d >= 0 and super_left) or (d <= 0 and sub_left)
    return 0 if left else width - length


def _band_layout(m: int, n: int, lo: int, hi: int, width: int, align: str):
    """For every (row, col) of an [m, n] matrix: (band row, position, in band?)."""
    rows, cols = np.meshgrid(np.arange(m), np.arange(n), indexing="ij")
    d = cols - rows
    inside = (d >= lo) & (d <= hi)
    r = np.clip(hi - d, 0, hi - lo)
    pos = np.minimum(rows, cols)
    for dd in range(lo, hi + 1):
        sel = d == dd
        pos[sel] += _offset(dd, _diag_len(m, n, dd), width, align)
    return r, np.clip(pos, 0, max(width - 1, 0)), inside


def _from_band(band, m: int, n: int, lo: int, hi: int, align: str):
    r, pos, inside = _band_layout(m, n, lo, hi, band.shape[-1], align)
    return band[..., r, pos], inside


@op("MatrixDiagPartV3", tensors=("input",))
def _diag_part(input, k=0, padding_value=0, align="RIGHT_LEFT"):  # noqa: A002
    """The diagonal ``k`` of each matrix (``[..., M, N]`` -> ``[..., min(M, N)]`` for
    k=0), or the band ``k=(lo, hi)`` as ``[..., hi - lo + 1, L]`` padded with
    ``padding_value`` as ``align`` says.

    Raises:
      InvalidArgumentError: rank < 2, or a diagonal outside the matrix.
    """
    _matrix("diag_part", "input", input, kinds="fciub")
    lo, hi = _band("diag_part", k, align)
    m, n = input.shape[-2:]
    if lo <= -m and m or hi >= n and n:
        raise errors.InvalidArgumentError(
            f"diag_part: argument `k` must lie in ({-m}, {n}) for matrices of shape [{m}, {n}]. Received: k={k!r}"
        )
    width = max(_diag_len(m, n, d) for d in range(lo, hi + 1))
    r_idx, p_idx, valid = [], [], []
    for d in range(hi, lo - 1, -1):
        length = _diag_len(m, n, d)
        q = np.arange(width) - _offset(d, length, width, align)
        ok = (q >= 0) & (q < length)
        q = np.clip(q, 0, max(length - 1, 0))
        r_idx.append(q + max(0, -d))
        p_idx.append(q + max(0, d))
        valid.append(ok)
    rows, cols, ok = np.stack(r_idx), np.stack(p_idx), np.stack(valid)
    if m == 0 or n == 0:
        out = jnp.zeros(input.shape[:-2] + ok.shape, input.dtype)
    else:
        out = input[..., np.minimum(rows, m - 1), np.minimum(cols, n - 1)]
    out = jnp.where(ok, out, jnp.asarray(padding_value, input.dtype))
    return out[..., 0, :] if lo == hi else out


@op("MatrixDiagV3", tensors=("diagonal",))
def _diag(diagonal, k=0, num_rows=-1, num_cols=-1, padding_value=0, align="RIGHT_LEFT"):
    """Matrices with ``diagonal`` on diagonal ``k`` (or the band ``k=(lo, hi)`` from
    ``[..., hi - lo + 1, L]``) and ``padding_value`` elsewhere.

    ``diag([1, 2])`` is ``[[1, 0], [0, 2]]``. The matrix size is inferred from ``k``
    and the diagonal length unless ``num_rows``/``num_cols`` are given.

    Raises:
      InvalidArgumentError: the shapes, ``k`` and sizes do not fit together.
    """
    lo, hi = _band("diag", k, align)
    band = diagonal[..., None, :] if lo == hi else diagonal
    if band.ndim < 2 or band.shape[-2] != hi - lo + 1:
        raise errors.InvalidArgumentError(
            f"diag: argument `diagonal` must have shape [..., {hi - lo + 1}, L] for k={k!r}. Received: shape {list(diagonal.shape)}"
        )
    width = band.shape[-1]
    min_rows, min_cols = width - min(hi, 0), width + max(lo, 0)
    m, n = int(num_rows), int(num_cols)
    if m == -1 and n == -1:
        m = n = max(min_rows, min_cols)
    elif m == -1:
        m = min_rows
    elif n == -1:
        n = min_cols
    if m < min_rows or n < min_cols or (m != min_rows and n != min_cols):
        raise errors.InvalidArgumentError(
            f"diag: arguments `num_rows`/`num_cols` must fit diagonals of length {width} at k={k!r} "
            f"(at least {min_rows} rows and {min_cols} columns, one of them exactly). Received: num_rows={num_rows}, num_cols={num_cols}"
        )
    if width == 0:
        return jnp.full(band.shape[:-2] + (m, n), padding_value, band.dtype)
    out, inside = _from_band(band, m, n, lo, hi, align)
    return jnp.where(inside, out, jnp.asarray(padding_value, band.dtype))


@op("MatrixSetDiagV3", tensors=("input", "diagonal"), same_dtype=("input", "diagonal"))
def _set_diag(input, diagonal, k=0, align="RIGHT_LEFT"):  # noqa: A002
    """A copy of ``input`` whose diagonal ``k`` (or band ``(lo, hi)``) is replaced by
    ``diagonal`` (laid out as :func:`diag_part` returns it).

    Raises:
      InvalidArgumentError: ``diagonal`` does not have the shape ``diag_part`` would give.
    """
    _matrix("set_diag", "input", input, kinds="fciub")
    lo, hi = _band("set_diag", k, align)
    m, n = input.shape[-2:]
    width = max(_diag_len(m, n, d) for d in range(lo, hi + 1))
    expected = input.shape[:-2] + ((width,) if lo == hi else (hi - lo + 1, width))
    if tuple(diagonal.shape) != expected:
        raise errors.InvalidArgumentError(
            f"set_diag: argument `diagonal` must have shape {list(expected)}. Received: {list(diagonal.shape)}"
        )
    if width == 0:
        return input
    band = diagonal[..., None, :] if lo == hi else diagonal
    out, inside = _from_band(band, m, n, lo, hi, align)
    return jnp.where(inside, out, input)


# TF's signatures put ``name`` second here; these keep positional calls exact.
def diag_part(input: Any, name: str = "diag_part", k: Any = 0, padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Any:  # noqa: A002
    return _diag_part(input, k=k, padding_value=padding_value, align=align)


def diag(diagonal: Any, name: str = "diag", k: Any = 0, num_rows: int = -1, num_cols: int = -1, padding_value: Any = 0, align: str = "RIGHT_LEFT") -> Any:
    return _diag(diagonal, k=k, num_rows=num_rows, num_cols=num_cols, padding_value=padding_value, align=align)


def set_diag(input: Any, diagonal: Any, name: str = "set_diag", k: Any = 0, align: str = "RIGHT_LEFT") -> Any:  # noqa: A002
    return _set_diag(input, diagonal, k=k, align=align)


diag_part.__doc__ = _diag_part.__doc__
diag.__doc__ = _diag.__doc__
set_diag.__doc__ = _set_diag.__doc__
