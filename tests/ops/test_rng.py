"""Random-number state: global seed, op-seed streams and the key Variable."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from xlaflow._core import dtypes
from xlaflow._core.state import StateScope, state_scope
from xlaflow.ops import rng
from xlaflow.ops.variable import Variable


@pytest.fixture(autouse=True)
def _restore_rng_state():
    """Leave the process-wide RNG state as the test found it."""
    seed, counts = rng._global_seed, dict(rng._op_counts)
    key = np.asarray(rng.key_variable().numpy())
    yield
    rng._global_seed = seed
    rng._op_counts.clear()
    rng._op_counts.update(counts)
    rng.key_variable().assign(key)


def keys(n, seed=None):
    return [np.asarray(rng.next_key(seed)) for _ in range(n)]


def test_key_format():
    k = rng.next_key()
    assert isinstance(k, jax.Array)
    assert k.dtype == jnp.uint32 and k.shape == (2,)
    typed = rng.as_key(k)
    assert jnp.issubdtype(typed.dtype, jax.dtypes.prng_key)
    sample = jax.random.normal(typed, (3,))
    assert sample.shape == (3,)


def test_set_seed_makes_next_key_reproducible():
    rng.set_seed(1234)
    assert rng.get_global_seed() == 1234
    first = keys(3)
    rng.set_seed(1234)
    assert all((a == b).all() for a, b in zip(first, keys(3)))
    assert len({k.tobytes() for k in first}) == 3  # each call gets a fresh key
    rng.set_seed(4321)
    assert not (keys(1)[0] == first[0]).all()


def test_op_seed_streams():
    rng.set_seed(5)
    a = keys(3, seed=7)
    b = keys(1, seed=8)
    rng.set_seed(5)
    assert all((x == y).all() for x, y in zip(a, keys(3, seed=7)))  # reset by set_seed
    assert len({k.tobytes() for k in a}) == 3  # successive calls with one op seed differ
    assert not (b[0] == a[0]).all()  # another op seed: another stream
    rng.set_seed(6)
    assert not (keys(1, seed=7)[0] == a[0]).all()  # the global seed enters too


def test_op_seed_streams_do_not_consume_the_global_key():
    rng.set_seed(11)
    g1 = keys(1)
    rng.set_seed(11)
    keys(2, seed=3)
    assert (keys(1)[0] == g1[0]).all()


def test_op_seed_without_global_seed_is_reproducible():
    rng._global_seed = None
    rng._op_counts.clear()
    a = keys(2, seed=9)
    rng._op_counts.clear()
    assert all((x == y).all() for x, y in zip(a, keys(2, seed=9)))
    expected = jax.random.key_data(
        jax.random.fold_in(jax.random.fold_in(jax.random.key(rng.DEFAULT_GRAPH_SEED, impl="threefry2x32"), 9), 0)
    )
    np.testing.assert_array_equal(a[0], np.asarray(expected))


def test_set_seed_none_is_nondeterministic():
    rng.set_seed(None)
    assert rng.get_global_seed() is None
    a = keys(1)
    rng.set_seed(None)
    assert not (keys(1)[0] == a[0]).all()


def test_seed_errors():
    with pytest.raises(TypeError, match=r"set_seed: argument `seed` must be an int or None. Received: 1.5"):
        rng.set_seed(1.5)
    with pytest.raises(TypeError, match=r"argument `seed` must be an int or None. Received: 'a'"):
        rng.next_key("a")
    with pytest.raises(TypeError, match="must be an int"):
        rng.set_seed(True)
    rng.set_seed(np.int64(3))
    assert rng.get_global_seed() == 3
    rng.set_seed(-1)  # negative seeds are folded into range
    assert rng.get_global_seed() >= 0


def test_key_variable():
    var = rng.key_variable()
    assert isinstance(var, Variable)
    assert var is rng.key_variable()
    assert var.trainable is False
    assert var.dtype is dtypes.uint32 and var.shape == [2]
    assert var.name.startswith("rng_global_key")
    rng.set_seed(21)
    before = var.numpy().copy()
    rng.next_key()
    assert not (var.numpy() == before).all()  # drawing a key advances the state
    rng.next_key(seed=4)
    after = var.numpy().copy()
    rng.next_key(seed=4)
    assert (var.numpy() == after).all()  # op-seeded draws leave it alone


def test_next_key_inside_a_compiled_step():
    """Drawing a key inside jit reads and writes the key Variable through a state scope;
    committing the new key makes the compiled and eager sequences agree."""
    var = rng.key_variable()

    @jax.jit
    def step(key_value):
        scope = StateScope()
        scope.bind(var, key_value)
        with state_scope(scope):
            k = rng.next_key()
        ((_, new_key),) = scope.written()
        return k, new_key

    rng.set_seed(99)
    eager = keys(2)
    rng.set_seed(99)
    compiled = []
    for _ in range(2):
        k, new_key = step(var._storage)
        post = StateScope()
        post.write(var, new_key)
        post.commit()
        compiled.append(np.asarray(k))
    assert all((a == b).all() for a, b in zip(eager, compiled))
