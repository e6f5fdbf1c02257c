"""Random sampling ops of ``tf.random``: normal, uniform, truncated_normal, shuffle,
categorical, gamma, poisson, and their ``stateless_*`` forms.

Stateful ops take their key from :func:`xlaflow.ops.rng.next_key` (``set_seed`` and
op seeds make them reproducible, following TF's rules). The key is drawn by the
public function *before* the op runs and passed to it as an input, so the op itself
is pure: a recorded program (a gradient tape) replays it with the same numbers.
With a symbolic input (a graph), no key is drawn at build time; the op draws a fresh
one from the global key Variable each time the graph runs.

``stateless_*`` ops take ``seed``, a shape-[2] int tensor, as the key itself: the same
seed always gives the same numbers, eagerly and in compiled code.

Integer results default to int64 in TF; while JAX's x64 mode is off that default is
int32 without a warning (an explicit ``dtype=int64`` warns once, via
:func:`xlaflow._core.dtypes.canonical`).
"""

from __future__ import annotations

import functools
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from xlaflow.engine import compiler
from xlaflow._core import dtypes, errors
from xlaflow.ops import rng
from xlaflow.ops.creation_ops import _shape as static_shape
from xlaflow.ops.dispatch import has_symbolic, op
from xlaflow.ops.reduce_ops import INT64_DEFAULT, index_dtype

set_seed = rng.set_seed


def random_key(seed: Any, *inputs: Any) -> Any:
    """The raw key for one stateful random op call, or None if an input is symbolic."""
    if any(has_symbolic(v) for v in inputs):
        return None
    return rng.next_key(seed)


def _key(key, seed):
    """Raw key data: the one drawn by the public function, or a fresh draw (graphs)."""
    return rng.next_key(seed) if key is None else key


def _float_dtype(name: str, dtype: Any) -> np.dtype:
    d = dtypes.canonical(dtype)
    if not d.is_floating:
        raise TypeError(f"{name}: argument `dtype` must be a floating dtype. Received: {d.name}")
    return np.dtype(d.as_numpy_dtype)


# -- compiled samplers --------------------------------------------------------------------
# Each draw is one compiled call (cached per shape and dtype), so an eager random op
# costs one dispatch; inside a trace the call is inlined.
def _static(*names: str):
    return functools.partial(compiler.jit, static_argnames=names)


@_static("shape", "dtype", "truncated")
def _normal_core(raw, mean, stddev, *, shape, dtype, truncated):
    key = rng.as_key(raw)
    if truncated:
        rnd = jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype)
    else:
        rnd = jax.random.normal(key, shape, dtype)
    return rnd * stddev.astype(dtype) + mean.astype(dtype)


@_static("shape", "dtype")
def _uniform_core(raw, lo, hi, *, shape, dtype):
    lo, hi = lo.astype(dtype), hi.astype(dtype)
    return jax.random.uniform(rng.as_key(raw), shape, dtype) * (hi - lo) + lo


@_static("shape", "dtype")
def _randint_core(raw, lo, hi, *, shape, dtype):
    return jax.random.randint(rng.as_key(raw), shape, lo.astype(dtype), hi.astype(dtype), dtype)


@_static("shape", "dtype")
def _bits_core(raw, *, shape, dtype):
    bits = jax.random.bits(rng.as_key(raw), shape, np.dtype(f"uint{8 * dtype.itemsize}"))
    return jax.lax.bitcast_convert_type(bits, dtype)


@_static("num_samples", "dtype")
def _categorical_core(raw, logits, *, num_samples, dtype):
    draws = jax.random.categorical(rng.as_key(raw), logits.astype(jnp.float32), axis=-1, shape=(num_samples, logits.shape[0]))
    return draws.T.astype(dtype)


@_static("shape", "dtype")
def _gamma_core(raw, alpha, beta, *, shape, dtype):
    alpha, beta = alpha.astype(dtype), beta.astype(dtype)
    return jax.random.gamma(rng.as_key(raw), jnp.broadcast_to(alpha, shape), shape, dtype) / beta


@_static("shape", "dtype")
def _poisson_core(raw, lam, *, shape, dtype):
    return jax.random.poisson(rng.as_key(raw), lam.astype(jnp.float32), shape, jnp.int32).astype(dtype)


@compiler.jit
def _permutation_core(raw, value):
    return jax.random.permutation(rng.as_key(raw), value, axis=0)


# -- checks and shapes shared by the stateful and stateless ops ---------------------------
def _sample_normal(name, key, shape, mean, stddev, dtype, truncated=False):
    d = _float_dtype(name, dtype)
    return _normal_core(key, jnp.asarray(mean), jnp.asarray(stddev), shape=static_shape(shape, name), dtype=d, truncated=truncated)


def _sample_uniform(name, key, shape, minval, maxval, dtype):
    d = dtypes.canonical(dtype)
    shape = static_shape(shape, name)
    nd = np.dtype(d.as_numpy_dtype)
    if d.is_integer:
        if minval is None and maxval is None:  # full range (stateless_uniform only)
            return _bits_core(key, shape=shape, dtype=nd)
        if maxval is None:
            raise ValueError(f"{name}: argument `maxval` must be given for an integer dtype ({d.name}). Received: None")
        lo, hi = jnp.asarray(0 if minval is None else minval), jnp.asarray(maxval)
        if lo.ndim or hi.ndim:
            raise errors.InvalidArgumentError(
                f"{name}: arguments `minval` and `maxval` must be scalars for an integer dtype. "
                f"Received: shapes {list(lo.shape)} and {list(hi.shape)}"
            )
        if not isinstance(lo, jax.core.Tracer) and not isinstance(hi, jax.core.Tracer) and not lo < hi:
            raise errors.InvalidArgumentError(
                f"{name}: argument `minval` must be less than `maxval`. Received: minval={lo.item()}, maxval={hi.item()}"
            )
        return _randint_core(key, lo, hi, shape=shape, dtype=nd)
    if not d.is_floating:
        raise TypeError(f"{name}: argument `dtype` must be a floating or integer dtype. Received: {d.name}")
    lo = jnp.asarray(0 if minval is None else minval)
    hi = jnp.asarray(1 if maxval is None else maxval)
    return _uniform_core(key, lo, hi, shape=shape, dtype=nd)


def _sample_categorical(name, key, logits, num_samples, dtype):
    if logits.ndim != 2:
        raise errors.InvalidArgumentError(
            f"{name}: argument `logits` must be a matrix [batch_size, num_classes]. Received: shape {list(logits.shape)}"
        )
    if not jnp.issubdtype(logits.dtype, jnp.floating):
        raise TypeError(f"{name}: argument `logits` must be floating. Received: dtype={dtypes.as_dtype(logits.dtype).name}")
    if isinstance(num_samples, bool) or not isinstance(num_samples, (int, np.integer)) or num_samples < 0:
        raise ValueError(f"{name}: argument `num_samples` must be a non-negative int. Received: {num_samples!r}")
    out = index_dtype(INT64_DEFAULT if dtype is None else dtype)
    if out not in (np.int32, np.int64):
        raise TypeError(f"{name}: argument `dtype` must be int32 or int64. Received: {out.name}")
    if logits.shape[1] == 0:
        raise errors.InvalidArgumentError(f"{name}: argument `logits` must have at least one class. Received: shape {list(logits.shape)}")
    return _categorical_core(key, logits, num_samples=int(num_samples), dtype=out)


def _sample_gamma(name, key, shape, alpha, beta, dtype):
    d = _float_dtype(name, dtype)
    alpha = jnp.asarray(alpha)
    beta = jnp.ones((), d) if beta is None else jnp.asarray(beta)
    out_shape = static_shape(shape, name) + jnp.broadcast_shapes(alpha.shape, beta.shape)
    return _gamma_core(key, alpha, beta, shape=out_shape, dtype=d)


def _sample_poisson(name, key, shape, lam, dtype):
    d = dtypes.canonical(dtype)
    if not (d.is_floating or d.is_integer):
        raise TypeError(f"{name}: argument `dtype` must be a floating or integer dtype. Received: {d.name}")
    lam = jnp.asarray(lam)
    out_shape = static_shape(shape, name) + lam.shape
    return _poisson_core(key, lam, shape=out_shape, dtype=np.dtype(d.as_numpy_dtype))


# -- stateful ops ------------------------------------------------------------------------
@op("RandomStandardNormal", tensors=("mean", "stddev", "key"))
def _normal(shape, mean, stddev, dtype, seed, key):
    return _sample_normal("normal", _key(key, seed), shape, mean, stddev, dtype)


@op("TruncatedNormal", tensors=("mean", "stddev", "key"))
def _truncated_normal(shape, mean, stddev, dtype, seed, key):
    return _sample_normal("truncated_normal", _key(key, seed), shape, mean, stddev, dtype, truncated=True)


@op("RandomUniform", tensors=("minval", "maxval", "key"))
def _uniform(shape, minval, maxval, dtype, seed, key):
    return _sample_uniform("uniform", _key(key, seed), shape, minval, maxval, dtype)


@op("RandomShuffle", tensors=("value", "key"))
def _shuffle(value, seed, key):
    if value.ndim == 0:
        return value
    return _permutation_core(_key(key, seed), value)


@op("Multinomial", tensors=("logits", "key"))
def _categorical(logits, num_samples, dtype, seed, key):
    return _sample_categorical("categorical", _key(key, seed), logits, num_samples, dtype)


@op("RandomGamma", tensors=("alpha", "beta", "key"))
def _gamma(shape, alpha, beta, dtype, seed, key):
    return _sample_gamma("gamma", _key(key, seed), shape, alpha, beta, dtype)


@op("RandomPoissonV2", tensors=("lam", "key"))
def _poisson(shape, lam, dtype, seed, key):
    return _sample_poisson("poisson", _key(key, seed), shape, lam, dtype)


def normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Samples of a normal distribution: ``shape`` (broadcast with ``mean``/``stddev``).

    Raises:
      TypeError: ``dtype`` is not floating.
    """
    return _normal(shape, mean, stddev, dtype, seed, random_key(seed, shape, mean, stddev))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=dtypes.float32, seed=None, name=None):
    """Normal samples redrawn until within two ``stddev`` of ``mean``.

    Raises:
      TypeError: ``dtype`` is not floating.
    """
    return _truncated_normal(shape, mean, stddev, dtype, seed, random_key(seed, shape, mean, stddev))


def uniform(shape, minval=0, maxval=None, dtype=dtypes.float32, seed=None, name=None):
    """Uniform samples in ``[minval, maxval)``; ``maxval`` defaults to 1 for floats and
    must be given for integer dtypes (then both bounds are scalars, ``minval < maxval``).

    Raises:
      ValueError: an integer dtype without ``maxval``.
      InvalidArgumentError: integer bounds not scalars or not ``minval < maxval``.
    """
    return _uniform(shape, minval, maxval, dtype, seed, random_key(seed, shape, minval, maxval))


def shuffle(value, seed=None, name=None):
    """``value`` with its slices along the first axis randomly permuted."""
    return _shuffle(value, seed, random_key(seed, value))


def categorical(logits, num_samples, dtype=None, seed=None, name=None):
    """Class ids ``[batch_size, num_samples]`` drawn from unnormalized log-probabilities
    ``logits`` ``[batch_size, num_classes]`` (int64, or int32 while x64 is off).

    Raises:
      InvalidArgumentError: ``logits`` is not a matrix with at least one class.
      ValueError: ``num_samples`` is not a non-negative int.
    """
    return _categorical(logits, num_samples, dtype, seed, random_key(seed, logits))


def gamma(shape, alpha, beta=None, dtype=dtypes.float32, seed=None, name=None):
    """Gamma samples of shape ``shape + broadcast(alpha, beta).shape`` (``beta`` is the
    inverse scale, 1 by default)."""
    return _gamma(shape, alpha, beta, dtype, seed, random_key(seed, alpha, beta))


def poisson(shape, lam, dtype=dtypes.float32, seed=None, name=None):
    """Poisson samples of shape ``shape + lam.shape``, as ``dtype``."""
    return _poisson(shape, lam, dtype, seed, random_key(seed, lam))


# -- stateless ops -----------------------------------------------------------------------
def _seed_key(name: str, seed):
    if not jnp.issubdtype(seed.dtype, jnp.integer):
        raise TypeError(f"{name}: argument `seed` must be an integer tensor of shape [2]. Received: dtype={dtypes.as_dtype(seed.dtype).name}")
    if seed.shape != (2,):
        raise errors.InvalidArgumentError(f"{name}: argument `seed` must have shape [2]. Received: shape {list(seed.shape)}")
    return seed.astype(jnp.uint32)


@op("StatelessRandomNormalV2", tensors=("seed", "mean", "stddev"))
def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, alg="auto_select"):
    """Deterministic normal samples: the same ``seed`` ([2] ints) gives the same values."""
    return _sample_normal("stateless_normal", _seed_key("stateless_normal", seed), shape, mean, stddev, dtype)


@op("StatelessTruncatedNormalV2", tensors=("seed", "mean", "stddev"))
def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=dtypes.float32, alg="auto_select"):
    """Deterministic normal samples within two ``stddev`` of ``mean``."""
    name = "stateless_truncated_normal"
    return _sample_normal(name, _seed_key(name, seed), shape, mean, stddev, dtype, truncated=True)


@op("StatelessRandomUniformV2", tensors=("seed", "minval", "maxval"))
def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=dtypes.float32, alg="auto_select"):
    """Deterministic uniform samples in ``[minval, maxval)``; for integer dtypes with
    ``minval=None, maxval=None``, integers over the dtype's full range.

    Raises:
      ValueError: an integer dtype with only ``minval`` given.
    """
    name = "stateless_uniform"
    return _sample_uniform(name, _seed_key(name, seed), shape, minval, maxval, dtype)


@op("StatelessMultinomial", tensors=("logits", "seed"))
def stateless_categorical(logits, num_samples, seed, dtype=INT64_DEFAULT):
    """Deterministic :func:`categorical` samples (int64, or int32 while x64 is off)."""
    name = "stateless_categorical"
    return _sample_categorical(name, _seed_key(name, seed), logits, num_samples, dtype)


@op("StatelessRandomGammaV2", tensors=("seed", "alpha", "beta"))
def stateless_gamma(shape, seed, alpha, beta=None, dtype=dtypes.float32):
    """Deterministic :func:`gamma` samples."""
    return _sample_gamma("stateless_gamma", _seed_key("stateless_gamma", seed), shape, alpha, beta, dtype)


@op("StatelessRandomPoisson", tensors=("seed", "lam"))
def stateless_poisson(shape, seed, lam, dtype=dtypes.int32):
    """Deterministic :func:`poisson` samples."""
    return _sample_poisson("stateless_poisson", _seed_key("stateless_poisson", seed), shape, lam, dtype)
