"""Elementwise unary math ops (``tf.math.exp``, ``tf.math.sigmoid``, ``tf.math.round`` ...).

Each op accepts the dtypes TensorFlow accepts and nothing else: a float-only function
such as ``exp`` or ``sqrt`` given an integer tensor raises a ``TypeError`` naming the
op and the dtype (TF refuses them too) instead of silently promoting to float.
:func:`check_dtype` is that rule, shared by the reduction, scan and linear-algebra
modules. ``abs`` and ``negative`` live in :mod:`xlaflow.ops.operators`.
"""

from __future__ import annotations

from typing import Any, Callable

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.ops.dispatch import op

_KIND_WORDS = {"f": "floating-point", "c": "complex", "i": "integer", "u": "unsigned integer", "b": "bool"}


def dtype_kind(dtype: Any) -> str:
    """One letter for ``dtype``: 'f' float (bfloat16 included), 'c', 'i', 'u' or 'b'."""
    dtype = jnp.dtype(dtype)
    if jnp.issubdtype(dtype, jnp.floating):
        return "f"
    return dtype.kind


def check_dtype(name: str, arg: str, x: Any, kinds: str) -> None:
    """Raises TypeError unless ``x``'s dtype is of one of ``kinds`` (letters of :func:`dtype_kind`)."""
    dtype = jnp.result_type(x)
    if dtype_kind(dtype) in kinds:
        return
    words = []
    for k in kinds:
        word = _KIND_WORDS[k]
        if k == "u" and "i" in kinds:
            continue
        words.append(word)
    expected = " or ".join(words)
    hint = " Use xlaflow.cast to convert it first." if "f" in kinds else ""
    raise TypeError(f"{name}: argument `{arg}` must be a {expected} tensor. Received: dtype={jnp.dtype(dtype).name}.{hint}")


def _unary(tf_name: str, public: str, fn: Callable, kinds: str, doc: str) -> Callable:
    def impl(x):
        check_dtype(public, "x", x, kinds)
        return fn(x)

    impl.__name__ = impl.__qualname__ = public
    impl.__doc__ = doc + "\n\n    Raises:\n      TypeError: ``x`` has a dtype TensorFlow does not accept for this op.\n    "
    return op(tf_name, tensors=("x",))(impl)


def _activation(tf_name: str, public: str, fn: Callable, doc: str) -> Callable:
    """Like :func:`_unary` for float-only ops whose TF argument is named ``features``."""

    def impl(features):
        check_dtype(public, "features", features, "f")
        return fn(features)

    impl.__name__ = impl.__qualname__ = public
    impl.__doc__ = doc + "\n\n    Raises:\n      TypeError: ``features`` is not a float tensor.\n    "
    return op(tf_name, tensors=("features",))(impl)


_FC = "fc"  # float or complex
_F = "f"  # float only
_NUM = "fciu"  # any number

exp = _unary("Exp", "exp", jnp.exp, _FC, "Elementwise ``e ** x``.")
expm1 = _unary("Expm1", "expm1", jnp.expm1, _FC, "Elementwise ``exp(x) - 1``, accurate for small ``x``.")
log = _unary("Log", "log", jnp.log, _FC, "Elementwise natural logarithm (``-inf`` at 0, NaN below).")
log1p = _unary("Log1p", "log1p", jnp.log1p, _FC, "Elementwise ``log(1 + x)``, accurate for small ``x``.")
sqrt = _unary("Sqrt", "sqrt", jnp.sqrt, _FC, "Elementwise square root.")
rsqrt = _unary("Rsqrt", "rsqrt", jax.lax.rsqrt, _FC, "Elementwise ``1 / sqrt(x)``.")
square = _unary("Square", "square", jnp.square, _NUM, "Elementwise ``x * x`` (integers allowed).")
reciprocal = _unary("Reciprocal", "reciprocal", jnp.reciprocal, _FC, "Elementwise ``1 / x``.")


def _sign(x):
    s = jnp.sign(x)  # TF's sign(-0.0) is +0.0; jnp.sign keeps the -0.0
    return jnp.where(s == 0, jnp.zeros_like(s), s) if jnp.issubdtype(s.dtype, jnp.floating) else s


sign = _unary("Sign", "sign", _sign, _NUM, "Elementwise sign: -1, 0 or 1 (``x / |x|`` for complex).")
tanh = _unary("Tanh", "tanh", jnp.tanh, _FC, "Elementwise hyperbolic tangent.")
sinh = _unary("Sinh", "sinh", jnp.sinh, _FC, "Elementwise hyperbolic sine.")
cosh = _unary("Cosh", "cosh", jnp.cosh, _FC, "Elementwise hyperbolic cosine.")
sin = _unary("Sin", "sin", jnp.sin, _FC, "Elementwise sine.")
cos = _unary("Cos", "cos", jnp.cos, _FC, "Elementwise cosine.")
tan = _unary("Tan", "tan", jnp.tan, _FC, "Elementwise tangent.")
asin = _unary("Asin", "asin", jnp.arcsin, _FC, "Elementwise inverse sine (NaN outside [-1, 1]).")
acos = _unary("Acos", "acos", jnp.arccos, _FC, "Elementwise inverse cosine (NaN outside [-1, 1]).")
atan = _unary("Atan", "atan", jnp.arctan, _FC, "Elementwise inverse tangent.")
asinh = _unary("Asinh", "asinh", jnp.arcsinh, _FC, "Elementwise inverse hyperbolic sine.")
acosh = _unary("Acosh", "acosh", jnp.arccosh, _FC, "Elementwise inverse hyperbolic cosine (NaN below 1).")
atanh = _unary("Atanh", "atanh", jnp.arctanh, _FC, "Elementwise inverse hyperbolic tangent (NaN outside [-1, 1]).")
sigmoid = _unary("Sigmoid", "sigmoid", jax.nn.sigmoid, _FC, "Elementwise logistic function ``1 / (1 + exp(-x))``.")
log_sigmoid = _unary("LogSigmoid", "log_sigmoid", jax.nn.log_sigmoid, _F, "Elementwise ``log(sigmoid(x)) = -softplus(-x)``, computed stably.")
softplus = _activation("Softplus", "softplus", lambda x: jnp.logaddexp(x, jnp.zeros_like(x)), "Elementwise ``log(exp(x) + 1)``, computed without overflow.")
softsign = _activation("Softsign", "softsign", lambda x: x / (1 + jnp.abs(x)), "Elementwise ``x / (1 + |x|)``.")
erf = _unary("Erf", "erf", jax.lax.erf, _F, "Elementwise Gauss error function.")
erfc = _unary("Erfc", "erfc", jax.lax.erfc, _F, "Elementwise complementary error function ``1 - erf(x)``.")
erfinv = _unary("Erfinv", "erfinv", jax.lax.erf_inv, _F, "Elementwise inverse of ``erf`` (±inf at ±1, NaN outside).")
lgamma = _unary("Lgamma", "lgamma", jax.lax.lgamma, _F, "Elementwise ``log(|Gamma(x)|)``.")
digamma = _unary("Digamma", "digamma", jax.lax.digamma, _F, "Elementwise derivative of ``lgamma`` (the psi function).")
floor = _unary("Floor", "floor", jnp.floor, _F, "Elementwise largest integer value not greater than ``x`` (float result).")
ceil = _unary("Ceil", "ceil", jnp.ceil, _F, "Elementwise smallest integer value not less than ``x`` (float result).")
rint = _unary("Rint", "rint", jnp.rint, _F, "Elementwise nearest integer value, halves to even (``rint(2.5) == 2``).")
is_nan = _unary("IsNan", "is_nan", jnp.isnan, _F, "Elementwise ``x != x``: a bool tensor that is True where ``x`` is NaN.")
is_inf = _unary("IsInf", "is_inf", jnp.isinf, _F, "Elementwise: True where ``x`` is +inf or -inf.")
is_finite = _unary("IsFinite", "is_finite", jnp.isfinite, _F, "Elementwise: True where ``x`` is neither NaN nor infinite.")


@op("Round")
def round(x):  # noqa: A001 - TF's public name
    """Rounds to the nearest integer, halves to even (``round(0.5) == 0``, ``round(1.5) == 2``).

    Integer tensors are returned unchanged, as in TF.

    Raises:
      TypeError: ``x`` is a bool or complex tensor.
    """
    check_dtype("round", "x", x, "fiu")
    return x if dtype_kind(x.dtype) in "iu" else jnp.round(x)


@op("ReciprocalNoNan")
def reciprocal_no_nan(x):
    """Elementwise ``1 / x``, with 0 where ``x`` is 0.

    Raises:
      TypeError: ``x`` is not a float or complex tensor.
    """
    check_dtype("reciprocal_no_nan", "x", x, _FC)
    zero = x == 0
    return jnp.where(zero, jnp.zeros_like(x), 1 / jnp.where(zero, jnp.ones_like(x), x))


@op("Real", tensors=("input",))
def real(input):  # noqa: A002 - TF's argument name
    """The real part of a complex tensor (as float); any other tensor is returned as is."""
    return jnp.real(input) if dtype_kind(input.dtype) == "c" else input


@op("Imag", tensors=("input",))
def imag(input):  # noqa: A002
    """The imaginary part of a complex tensor (as float); zeros for any other tensor."""
    return jnp.imag(input) if dtype_kind(input.dtype) == "c" else jnp.zeros_like(input)


@op("Conj")
def conj(x):
    """The complex conjugate; real tensors are returned as they are.

    Raises:
      TypeError: ``x`` is a bool tensor (not numeric).
    """
    check_dtype("conj", "x", x, _NUM)
    return jnp.conj(x) if dtype_kind(x.dtype) == "c" else x


@op("Angle", tensors=("input",))
def angle(input):  # noqa: A002
    """The argument of each element: ``atan2(imag, real)``; for real ``input`` that is
    ``pi`` where it is negative and 0 elsewhere.

    Raises:
      TypeError: ``input`` is not a float or complex tensor.
    """
    check_dtype("angle", "input", input, _FC)
    if dtype_kind(input.dtype) == "c":
        return jnp.angle(input)
    return jnp.where(input < 0, jnp.asarray(np.pi, input.dtype), jnp.zeros_like(input))
