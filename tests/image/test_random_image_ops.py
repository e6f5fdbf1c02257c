"""Random ``tf.image`` ops: ranges, per-image independence, seeding, and use in pipelines."""

from __future__ import annotations

import numpy as np
import pytest

import xlaflow as tf

IMG = np.arange(4 * 5 * 3, dtype=np.float32).reshape(4, 5, 3) / 60.0


def test_random_flip_single_image_is_flipped_or_not():
    tf.random.set_seed(3)
    outcomes = set()
    for _ in range(40):
        out = tf.image.random_flip_left_right(IMG).numpy()
        assert np.array_equal(out, IMG) or np.array_equal(out, IMG[:, ::-1])
        outcomes.add(np.array_equal(out, IMG))
    assert outcomes == {True, False}


def test_random_flip_batch_flips_images_independently():
    tf.random.set_seed(0)
    batch = np.stack([IMG] * 200)
    out = tf.image.random_flip_up_down(batch).numpy()
    flipped = np.array([np.array_equal(o, IMG[::-1]) for o in out])
    kept = np.array([np.array_equal(o, IMG) for o in out])
    assert np.all(flipped | kept)
    assert 60 < flipped.sum() < 140  # Binomial(200, 1/2): mean 100, sd ~7


def test_op_seed_and_stateless_seed_reproduce():
    tf.random.set_seed(11)
    a = tf.image.random_brightness(IMG, 0.3, seed=5).numpy()
    tf.random.set_seed(11)
    b = tf.image.random_brightness(IMG, 0.3, seed=5).numpy()
    np.testing.assert_array_equal(a, b)
    delta = a - IMG
    assert np.allclose(delta, delta.flat[0]) and -0.3 <= delta.flat[0] < 0.3
    s1 = tf.image.stateless_random_contrast(IMG, 0.2, 0.8, seed=[1, 2]).numpy()
    s2 = tf.image.stateless_random_contrast(IMG, 0.2, 0.8, seed=[1, 2]).numpy()
    s3 = tf.image.stateless_random_contrast(IMG, 0.2, 0.8, seed=[1, 3]).numpy()
    np.testing.assert_array_equal(s1, s2)
    assert not np.array_equal(s1, s3)
    for fn in (tf.image.stateless_random_flip_left_right, tf.image.stateless_random_flip_up_down):
        np.testing.assert_array_equal(fn(IMG, seed=[4, 4]).numpy(), fn(IMG, seed=[4, 4]).numpy())


@pytest.mark.parametrize("fn,args,adjust,lo,hi", [
    (tf.image.stateless_random_contrast, (0.5, 1.5), tf.image.adjust_contrast, 0.5, 1.5),
    (tf.image.stateless_random_saturation, (0.1, 2.0), tf.image.adjust_saturation, 0.1, 2.0),
    (tf.image.stateless_random_hue, (0.2,), tf.image.adjust_hue, -0.2, 0.2),
    (tf.image.stateless_random_brightness, (0.25,), tf.image.adjust_brightness, -0.25, 0.25),
])
def test_random_adjustment_is_an_adjustment_in_range(fn, args, adjust, lo, hi):
    out = fn(IMG, *args, seed=[7, 9]).numpy()
    # the output is the adjustment by some factor in [lo, hi): bisect-free search on a grid, then refine
    def error(f):
        return np.abs(adjust(IMG, float(f)).numpy() - out).max()

    grid = np.linspace(lo, hi, 21)
    best = grid[int(np.argmin([error(f) for f in grid]))]
    step = (hi - lo) / 20
    for _ in range(3):
        fine = np.linspace(best - step, best + step, 9)
        best = fine[int(np.argmin([error(f) for f in fine]))]
        step /= 4
    assert lo - 1e-6 <= best <= hi + 1e-6 and error(best) < 2e-3


def test_random_crop_windows():
    tf.random.set_seed(1)
    value = np.arange(6 * 7 * 2, dtype=np.int32).reshape(6, 7, 2)
    seen = set()
    for _ in range(30):
        out = tf.image.random_crop(value, [3, 4, 2]).numpy()
        top, left = divmod(int(out[0, 0, 0]) // 2, 7)
        np.testing.assert_array_equal(out, value[top:top + 3, left:left + 4])
        seen.add((top, left))
    assert len(seen) > 5 and all(t <= 3 and l <= 3 for t, l in seen)
    a = tf.image.stateless_random_crop(value, [2, 2, 1], seed=[0, 1]).numpy()
    np.testing.assert_array_equal(a, tf.image.stateless_random_crop(value, [2, 2, 1], seed=[0, 1]).numpy())
    with pytest.raises(ValueError, match="within the shape"):
        tf.image.random_crop(value, [7, 2, 2])


def test_bad_random_arguments():
    with pytest.raises(ValueError, match="max_delta.*non-negative"):
        tf.image.random_brightness(IMG, -0.1)
    with pytest.raises(ValueError, match="max_delta.*<= 0.5"):
        tf.image.random_hue(IMG, 0.6)
    with pytest.raises(ValueError, match="upper.*> `lower`"):
        tf.image.random_contrast(IMG, 0.5, 0.5)
    with pytest.raises(ValueError, match="lower.*non-negative"):
        tf.image.random_saturation(IMG, -1.0, 0.5)
    with pytest.raises(ValueError, match="shape \\[2\\]"):
        tf.image.stateless_random_flip_left_right(IMG, seed=[1, 2, 3])


def test_augmentation_inside_dataset_map_is_compiled_and_random():
    tf.random.set_seed(2)
    data = np.stack([IMG] * 64)
    ds = tf.data.Dataset.from_tensor_slices(data).map(
        lambda im: tf.image.random_flip_left_right(tf.image.random_brightness(im, 0.2))).batch(64)
    batch = next(iter(ds)).numpy()
    assert ds._input._fn.fallback_reason is None  # the map function was traced and compiled
    deltas, flips = [], []
    for b in batch:
        plain, mirrored = b - IMG, b - IMG[:, ::-1]
        flipped = np.ptp(plain) > 1e-5
        diff = mirrored if flipped else plain
        assert np.ptp(diff) < 1e-5  # a brightness shift of a (possibly mirrored) image
        deltas.append(diff.flat[0])
        flips.append(flipped)
    assert len(np.unique(np.round(deltas, 5))) > 32 and np.all(np.abs(deltas) < 0.2 + 1e-6)  # a fresh delta per element
    assert 10 < sum(flips) < 54
