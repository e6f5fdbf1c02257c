"""Elementwise binary ops: arithmetic, comparison, logical and bitwise (they back the
Python operators), plus ``matmul``.

Each takes two tensors of one dtype (NumPy/Python operands adopt the tensor's dtype;
a lone Python scalar stays weakly typed, so ``x * 2.0`` keeps float16/float32) and
broadcasts with NumPy's rules.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes, errors
from xlaflow.ops.dispatch import op

_XY = dict(tensors=("x", "y"), same_dtype=("x", "y"))


def _check_broadcast(name: str, x, y) -> None:
    xs, ys = np.shape(x), np.shape(y)
    try:
        np.broadcast_shapes(xs, ys)
    except ValueError:
        raise errors.InvalidArgumentError(
            f"{name}: arguments `x` and `y` must have broadcast-compatible shapes. "
            f"Received: x.shape={xs}, y.shape={ys}"
        ) from None


def _binary(name: str, fn):
    def impl(x, y):
        _check_broadcast(name, x, y)
        return fn(x, y)

    impl.__name__ = name
    impl.__doc__ = f"Elementwise ``{name}`` with NumPy broadcasting (TF's ``tf.{name}``)."
    return op(name, **_XY)(impl)


add = _binary("add", jnp.add)
subtract = _binary("subtract", jnp.subtract)
multiply = _binary("multiply", jnp.multiply)


def _true_divide(x, y):
    # TF divides 8/16-bit integers in float32 and 32/64-bit ones in float64 (float32 without x64).
    dt = jnp.result_type(x, y)
    if jnp.issubdtype(dt, jnp.integer):
        f = jnp.float64 if np.dtype(dt).itemsize >= 4 and dtypes.x64_enabled() else jnp.float32
        return jnp.true_divide(jnp.asarray(x, f), jnp.asarray(y, f))
    return jnp.true_divide(x, y)


def _floor_divide(x, y):
    # TF floors the quotient of floats: 1.0 // 0.1 == 10.0 (NumPy's divmod-based floor_divide gives 9.0).
    if jnp.issubdtype(jnp.result_type(x, y), jnp.floating):
        return jnp.floor(jnp.true_divide(x, y))
    return jnp.floor_divide(x, y)


truediv = _binary("truediv", _true_divide)
divide = truediv
floordiv = _binary("floordiv", _floor_divide)
floormod = _binary("floormod", jnp.mod)
mod = floormod
pow = _binary("pow", jnp.power)  # noqa: A001 - TF's public name
maximum = _binary("maximum", jnp.maximum)
minimum = _binary("minimum", jnp.minimum)
squared_difference = _binary("squared_difference", lambda x, y: jnp.square(jnp.subtract(x, y)))
atan2 = _binary("atan2", jnp.arctan2)
xdivy = _binary("xdivy", lambda x, y: jnp.where(x == 0, jnp.zeros_like(x / y), x / y))
divide_no_nan = _binary("divide_no_nan", lambda x, y: jnp.where(y == 0, jnp.zeros_like(x / y), x / jnp.where(y == 0, jnp.ones_like(y), y)))

equal = _binary("equal", jnp.equal)
not_equal = _binary("not_equal", jnp.not_equal)
less = _binary("less", jnp.less)
less_equal = _binary("less_equal", jnp.less_equal)
greater = _binary("greater", jnp.greater)
greater_equal = _binary("greater_equal", jnp.greater_equal)


def _logical(name: str, fn):
    def impl(x, y):
        for arg, v in (("x", x), ("y", y)):
            if jnp.result_type(v) != jnp.bool_:
                raise TypeError(f"{name}: argument `{arg}` must be a bool tensor. Received: dtype={jnp.result_type(v)}")
        _check_broadcast(name, x, y)
        return fn(x, y)

    impl.__name__ = name
    return op(name, **_XY)(impl)


logical_and = _logical("logical_and", jnp.logical_and)
logical_or = _logical("logical_or", jnp.logical_or)
logical_xor = _logical("logical_xor", jnp.logical_xor)


@op("logical_not")
def logical_not(x):
    """Elementwise NOT of a bool tensor."""
    if x.dtype != jnp.bool_:
        raise TypeError(f"logical_not: argument `x` must be a bool tensor. Received: dtype={x.dtype}")
    return jnp.logical_not(x)


def _bitwise(name: str, fn):
    def impl(x, y):
        for arg, v in (("x", x), ("y", y)):
            if not jnp.issubdtype(jnp.result_type(v), jnp.integer) and jnp.result_type(v) != jnp.bool_:
                raise TypeError(f"{name}: argument `{arg}` must be an integer or bool tensor. Received: dtype={jnp.result_type(v)}")
        _check_broadcast(name, x, y)
        return fn(x, y)

    impl.__name__ = name
    return op(name, **_XY)(impl)


bitwise_and = _bitwise("bitwise_and", jnp.bitwise_and)
bitwise_or = _bitwise("bitwise_or", jnp.bitwise_or)
bitwise_xor = _bitwise("bitwise_xor", jnp.bitwise_xor)
left_shift = _bitwise("left_shift", jnp.left_shift)
right_shift = _bitwise("right_shift", jnp.right_shift)


@op("invert")
def invert(x):
    """Bitwise NOT of an integer tensor (logical NOT for bool)."""
    if not (jnp.issubdtype(x.dtype, jnp.integer) or x.dtype == jnp.bool_):
        raise TypeError(f"invert: argument `x` must be an integer or bool tensor. Received: dtype={x.dtype}")
    return jnp.invert(x)


@op("MatMul", tensors=("a", "b"), same_dtype=("a", "b"))
def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, output_type=None):
    """Matrix product of the last two axes, batched over the leading ones.

    Raises:
      InvalidArgumentError: a rank below 2, or the inner dimensions differ.
    """
    for arg, v in (("a", a), ("b", b)):
        if jnp.ndim(v) < 2:
            raise errors.InvalidArgumentError(
                f"matmul: argument `{arg}` must have rank >= 2. Received: shape {tuple(jnp.shape(v))}. "
                "Use xlaflow.tensordot or xlaflow.linalg.matvec for vectors."
            )
    if transpose_a or adjoint_a:
        a = jnp.swapaxes(a, -1, -2)
        a = jnp.conj(a) if adjoint_a else a
    if transpose_b or adjoint_b:
        b = jnp.swapaxes(b, -1, -2)
        b = jnp.conj(b) if adjoint_b else b
    if a.shape[-1] != b.shape[-2]:
        raise errors.InvalidArgumentError(
            f"matmul: the inner dimensions of `a` and `b` must match (a.shape[-1] == b.shape[-2] "
            f"after transposes). Received: a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}"
        )
    try:
        np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise errors.InvalidArgumentError(
            f"matmul: the batch dimensions of `a` and `b` must broadcast. "
            f"Received: a.shape={tuple(a.shape)}, b.shape={tuple(b.shape)}"
        ) from None
    out = jnp.matmul(a, b)
    return out if output_type is None else out.astype(np.dtype(getattr(output_type, "as_numpy_dtype", output_type)))
