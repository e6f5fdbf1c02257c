"""shuffle: TF's buffer semantics, uniformity (chi-square), seeds and reshuffling."""

from __future__ import annotations

import itertools
from collections import Counter
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats

import xlaflow as tf
from xlaflow.data.shuffle import buffer_order


def _order(ds):
    return [int(v) for v in ds.as_numpy_iterator()]


def _generator_range(n):
    """range(n) as a non-random-access source: shuffles it with the literal buffer."""
    return tf.data.Dataset.from_generator(lambda: iter(range(n)), output_signature=tf.TensorSpec((), tf.int32))


def _exact_buffer_distribution(n, b):
    """P(output permutation) of TF's buffer algorithm, by enumerating its choices."""
    dist: dict = {}

    def walk(buf, nxt, out, p):
        if not buf:
            dist[tuple(out)] = dist.get(tuple(out), 0) + p
            return
        for j in range(len(buf)):
            nb = list(buf)
            el = nb[j]
            if nxt < n:
                nb[j] = nxt
                walk(nb, nxt + 1, out + [el], p / len(buf))
            else:
                nb[j] = nb[-1]
                nb.pop()
                walk(nb, nxt, out + [el], p / len(buf))

    walk(list(range(min(b, n))), min(b, n), [], Fraction(1))
    return dist


@pytest.mark.parametrize("source", ["slices", "generator"])
def test_full_buffer_is_uniform_permutation(source):
    n, trials = 4, 2400
    ds = (tf.data.Dataset.from_tensor_slices(np.arange(n, dtype=np.int32)) if source == "slices" else _generator_range(n))
    ds = ds.shuffle(10, seed=11)
    counts = Counter(tuple(_order(ds)) for _ in range(trials))  # reshuffles each iteration
    perms = list(itertools.permutations(range(n)))
    observed = [counts.get(p, 0) for p in perms]
    assert sum(observed) == trials
    assert stats.chisquare(observed).pvalue > 1e-3
    # every element equally likely at every position
    pos = np.zeros((n, n))
    for p, c in counts.items():
        for i, v in enumerate(p):
            pos[v, i] += c
    assert stats.chisquare(pos.reshape(-1)).pvalue > 1e-3


@pytest.mark.parametrize("source", ["slices", "generator"])
def test_small_buffer_matches_tf_algorithm_distribution(source):
    n, b, trials = 4, 2, 2400
    exact = _exact_buffer_distribution(n, b)
    ds = (tf.data.Dataset.range(n) if source == "slices" else _generator_range(n)).shuffle(b, seed=5)
    counts = Counter(tuple(_order(ds)) for _ in range(trials))
    assert set(counts) <= set(exact)  # no permutation the buffer cannot produce
    keys = sorted(exact)
    observed = [counts.get(k, 0) for k in keys]
    expected = [float(exact[k]) * trials for k in keys]
    assert stats.chisquare(observed, expected).pvalue > 1e-3


def test_buffer_bounds_how_far_elements_move_ahead():
    for b in (1, 3, 50):
        order = buffer_order(400, b, np.random.default_rng(b))
        assert sorted(order.tolist()) == list(range(400))
        assert all(v <= p + b - 1 for p, v in enumerate(order))
    assert buffer_order(10, 1, np.random.default_rng(0)).tolist() == list(range(10))


def test_seeded_shuffle_is_reproducible_and_reshuffles_per_epoch():
    def build(seed):
        return tf.data.Dataset.range(50).shuffle(20, seed=seed)

    a, b = build(3), build(3)
    a1, a2 = _order(a), _order(a)
    assert a1 != a2  # reshuffle_each_iteration=True: a new order per iteration
    assert [_order(b), _order(b)] == [a1, a2]  # same seed, same sequence of orders
    assert _order(build(4)) != a1
    rep = _order(tf.data.Dataset.range(50).shuffle(20, seed=3).repeat(2))
    assert rep == a1 + a2  # repeat epochs follow the same sequence
    fixed = tf.data.Dataset.range(50).shuffle(20, seed=3, reshuffle_each_iteration=False)
    assert _order(fixed) == _order(fixed) == _order(fixed.repeat(2))[:50]
    assert sorted(a1) == list(range(50))


def test_unseeded_shuffle_follows_global_seed():
    tf.random.set_seed(123)
    first = _order(tf.data.Dataset.range(30).shuffle(30))
    tf.random.set_seed(123)
    again = _order(tf.data.Dataset.range(30).shuffle(30))
    assert first == again
    tf.random.set_seed(None)


def test_shuffle_batch_fast_path_keeps_pairs_and_covers_all():
    x = np.arange(1000, dtype=np.float32).reshape(500, 2)
    y = np.arange(500, dtype=np.int32)
    ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(100, seed=1).batch(64)
    seen = []
    for xb, yb in ds.as_numpy_iterator():
        np.testing.assert_array_equal(xb[:, 0], 2 * yb)
        seen += yb.tolist()
    assert sorted(seen) == list(range(500)) and seen != list(range(500))
    # the fast path gives the same order as element-wise iteration
    elementwise = [int(v[1]) for v in tf.data.Dataset.from_tensor_slices((x, y)).shuffle(100, seed=1).as_numpy_iterator()]
    assert elementwise == seen


def test_shuffle_bad_buffer_size():
    with pytest.raises(tf.errors.InvalidArgumentError, match="shuffle.*buffer_size"):
        tf.data.Dataset.range(3).shuffle(0)
