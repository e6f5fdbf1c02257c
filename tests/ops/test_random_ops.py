"""tf.random: seeding rules, distributions (statistical sanity), dtypes and errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import dtypes, errors
from xlaflow.ops import dispatch, rng
from xlaflow.ops import random_ops as R
from xlaflow.ops.tensor import Tensor

N = 10000
# Shared shapes: each new shape costs a compile, so the tests reuse these.
PROBS = np.array([[0.1, 0.2, 0.7], [1.0, 0.0, 0.0]], np.float32)
with np.errstate(divide="ignore"):
    LOGITS = np.log(PROBS)
ALPHAS = np.array([2.0, 5.0], np.float32)
INDEX = np.int64 if dtypes.x64_enabled() else np.int32  # TF's int64 default while x64 is off


@pytest.fixture(autouse=True)
def _seed():
    R.set_seed(1234)
    yield
    R.set_seed(None)


@pytest.mark.parametrize("fn", [
    lambda **k: R.normal([N], **k),
    lambda **k: R.uniform([N], **k),
    lambda **k: R.truncated_normal([N], **k),
    lambda **k: R.shuffle(np.arange(20, dtype=np.int32).reshape(10, 2), **k),
    lambda **k: R.categorical(LOGITS, N, **k),
    lambda **k: R.gamma([N], ALPHAS, **k),
    lambda **k: R.poisson([N], 4.0, **k),
], ids=["normal", "uniform", "truncated_normal", "shuffle", "categorical", "gamma", "poisson"])
def test_set_seed_makes_sequences_reproducible(fn):
    R.set_seed(1)
    a, b = fn().numpy(), fn().numpy()
    R.set_seed(1)
    a2, b2 = fn().numpy(), fn().numpy()
    assert np.array_equal(a, a2) and np.array_equal(b, b2)
    assert not np.array_equal(a, b)
    R.set_seed(2)
    assert not np.array_equal(fn().numpy(), a)


def test_op_seeds_are_reproducible_and_distinct():
    R.set_seed(5)
    a, b, c = R.normal([N], seed=3).numpy(), R.normal([N], seed=3).numpy(), R.normal([N], seed=4).numpy()
    R.set_seed(5)
    a2, b2 = R.normal([N], seed=3).numpy(), R.normal([N], seed=3).numpy()
    assert np.array_equal(a, a2) and np.array_equal(b, b2)
    assert not np.array_equal(a, b) and not np.array_equal(a, c)


def test_normal_statistics_and_broadcasting():
    x = R.normal([N], mean=2.0, stddev=3.0)
    assert x.dtype == np.float32 and x.shape == (N,)
    v = x.numpy()
    assert abs(v.mean() - 2.0) < 0.1 and abs(v.std() - 3.0) < 0.1
    m = R.normal([2, 3], mean=np.array([0.0, 100.0, -100.0], np.float32), stddev=0.0)
    np.testing.assert_allclose(m.numpy(), [[0, 100, -100]] * 2)
    h = R.normal([5], dtype=dtypes.float16)
    assert h.dtype == np.float16
    assert R.normal([0, 3]).shape == (0, 3) and R.normal([]).shape == ()


def test_truncated_normal_within_two_stddev():
    v = R.truncated_normal([N], mean=1.0, stddev=0.5).numpy()
    assert v.min() >= 0.0 and v.max() <= 2.0
    assert abs(v.mean() - 1.0) < 0.02
    assert abs(v.std() - 0.5 * 0.8796) < 0.02  # std of a normal truncated at +-2 sigma


def test_uniform_floats_and_ints():
    v = R.uniform([N], minval=-2.0, maxval=3.0).numpy()
    assert v.min() >= -2.0 and v.max() < 3.0 and abs(v.mean() - 0.5) < 0.1
    d = R.uniform([N])
    assert d.dtype == np.float32 and 0 <= d.numpy().min() and d.numpy().max() < 1
    i = R.uniform([N], minval=3, maxval=7, dtype=dtypes.int32)
    assert i.dtype == np.int32
    counts = np.bincount(i.numpy() - 3, minlength=4)
    assert set(np.unique(i.numpy())) == {3, 4, 5, 6} and counts.min() > 0.2 * N


def test_stateless_ops_are_deterministic_and_work_under_jit():
    seed = np.array([1, 2], np.int32)
    a = R.stateless_normal([N], seed).numpy()
    assert np.array_equal(a, R.stateless_normal([N], seed=[1, 2]).numpy())
    assert not np.array_equal(a, R.stateless_normal([N], seed=[1, 3]).numpy())
    jitted = jax.jit(lambda s: R.stateless_normal([N], Tensor._wrap(s)).value)
    np.testing.assert_array_equal(np.asarray(jitted(jnp.asarray(seed))), a)
    u = R.stateless_uniform([N], seed, minval=1.0, maxval=2.0).numpy()
    assert u.min() >= 1 and u.max() < 2
    full = R.stateless_uniform([N], seed, minval=None, maxval=None, dtype=dtypes.int32).numpy()
    assert full.dtype == np.int32 and full.min() < -(2**30) and full.max() > 2**30
    t = R.stateless_truncated_normal([N], seed).numpy()
    assert np.abs(t).max() <= 2
    c = R.stateless_categorical(LOGITS, N, seed)
    assert c.dtype == INDEX and c.shape == (2, N)
    assert np.array_equal(c.numpy(), R.stateless_categorical(LOGITS, N, seed).numpy())
    assert R.stateless_gamma([N], seed, alpha=ALPHAS).shape == (N, 2)
    assert R.stateless_poisson([N], seed, lam=4.0).dtype == np.int32


def test_shuffle_is_a_permutation_of_rows():
    x = np.arange(20, dtype=np.int32).reshape(10, 2)
    out = R.shuffle(x).numpy()
    assert out.dtype == np.int32 and out.shape == (10, 2)
    assert sorted(out[:, 0].tolist()) == list(range(0, 20, 2))
    assert np.all(out[:, 1] == out[:, 0] + 1)  # rows move as a whole
    assert not np.array_equal(out, x)
    assert float(R.shuffle(np.float32(3.0))) == 3.0


def test_categorical_frequencies_and_dtype():
    s = R.categorical(LOGITS, N)
    assert s.shape == (2, N) and s.dtype == INDEX  # int64 default, narrowed silently
    freq = np.bincount(s.numpy()[0], minlength=3) / N
    np.testing.assert_allclose(freq, PROBS[0], atol=0.02)
    assert np.all(s.numpy()[1] == 0)  # -inf logits are never drawn
    assert R.categorical(LOGITS, N, dtype=dtypes.int32).dtype == np.int32


def test_gamma_and_poisson_statistics():
    g = R.gamma([N], alpha=ALPHAS, beta=2.0).numpy()
    assert g.shape == (N, 2)
    np.testing.assert_allclose(g.mean(0), [1.0, 2.5], rtol=0.05)
    p = R.poisson([N], lam=4.0)
    assert p.dtype == np.float32 and abs(p.numpy().mean() - 4.0) < 0.1
    assert R.poisson([N], lam=4.0, dtype=dtypes.int32).dtype == np.int32


def test_explicit_int64_request_goes_through_canonical():
    dtypes._reset_downcast_warnings()
    if dtypes.x64_enabled():  # x64 on: the request is kept as asked
        assert R.uniform([N], maxval=5, dtype=dtypes.int64).dtype == np.int64
        return
    with pytest.warns(dtypes.XlaflowDowncastWarning, match="int64 requested"):
        out = R.uniform([N], maxval=5, dtype=dtypes.int64)
    assert out.dtype == np.int32
    dtypes._reset_downcast_warnings()


def test_symbolic_inputs_leave_the_key_to_the_graph_run():
    class Symbolic:
        _xf_symbolic = True
        dtype = dtypes.float32

    seen = {}

    def handler(op, tensors, statics):
        seen.update(op=op, tensors=tensors, statics=statics)
        return "node"

    dispatch.register_symbolic_handler(handler)
    try:
        assert R.normal([2], mean=Symbolic()) == "node"
    finally:
        dispatch.register_symbolic_handler(None)
    assert seen["tensors"]["key"] is None
    R.set_seed(9)
    before = np.asarray(rng.key_variable()._read())
    out = seen["op"].impl(mean=jnp.zeros(()), stddev=jnp.ones(()), key=None, **seen["statics"])
    assert out.shape == (2,) and not np.array_equal(before, np.asarray(rng.key_variable()._read()))


def test_random_errors():
    with pytest.raises(ValueError, match=r"uniform: argument `maxval` must be given for an integer dtype \(int32\)"):
        R.uniform([3], dtype=dtypes.int32)
    with pytest.raises(errors.InvalidArgumentError, match=r"uniform: argument `minval` must be less than `maxval`. Received: minval=5, maxval=5"):
        R.uniform([3], minval=5, maxval=5, dtype=dtypes.int32)
    with pytest.raises(TypeError, match=r"normal: argument `dtype` must be a floating dtype. Received: int32"):
        R.normal([3], dtype=dtypes.int32)
    with pytest.raises(errors.InvalidArgumentError, match=r"categorical: argument `logits` must be a matrix"):
        R.categorical(np.zeros(3, np.float32), 2)
    with pytest.raises(ValueError, match=r"categorical: argument `num_samples` must be a non-negative int"):
        R.categorical(np.zeros((1, 3), np.float32), -1)
    with pytest.raises(errors.InvalidArgumentError, match=r"stateless_normal: argument `seed` must have shape \[2\]"):
        R.stateless_normal([3], seed=[1, 2, 3])
    with pytest.raises(TypeError, match=r"stateless_normal: argument `seed` must be an integer tensor"):
        R.stateless_normal([3], seed=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"normal: argument `shape` must be a list of non-negative ints"):
        R.normal([-1])
