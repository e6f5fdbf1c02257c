"""The sampling weights of TensorFlow's resize kernels, one image axis at a time.

Every ``tf.image.resize`` method is separable: output row ``i`` of an axis is a
weighted sum of a few input rows. This module computes, on the host and once per
``(in_size, out_size, method, antialias)``, the *span* of each output row: the
indices ``[out, K]`` of the input rows it reads and their weights ``[out, K]``
(unused slots have weight 0). :mod:`xlaflow.image.resize` then applies both axes
as gathers and weighted sums, which is differentiable and compiles to one small XLA
program.

The rules are TensorFlow 2's, computed in float32 as its CPU kernels compute them, so
results agree to float rounding (``tests/image`` checks them against TF goldens):

* ``bilinear`` (``ResizeBilinear``, half-pixel centres): source ``(i + .5) * s - .5``,
  the two neighbours clamped to the image;
* ``nearest`` (``ResizeNearestNeighbor``): ``floor((i + .5) * s)`` clamped;
* ``bicubic`` (``ResizeBicubic``): Keys' cubic with ``a = -0.5``, read from TF's
  1024-entry coefficient table, weights of out-of-image taps dropped and the rest
  renormalised;
* ``area`` (``ResizeArea``): each input row weighted by its overlap with the output
  row's footprint, divided by the footprint's size;
* ``lanczos3``, ``lanczos5``, ``gaussian``, ``mitchellcubic``, and ``bilinear``
  (triangle) / ``bicubic`` (Keys) with ``antialias=True`` (``ScaleAndTranslate``):
  the kernel sampled at the distance to each source centre, stretched by the
  downscaling factor when antialiasing, normalised to sum 1.
"""

from __future__ import annotations

import functools
import math

import numpy as np

f32 = np.float32
_TABLE_SIZE = 1024
_FLT_MIN = float(np.finfo(np.float32).tiny)
_PI = f32(3.14159265359)


def _lanczos(radius: float):
    r = f32(radius)

    def k(x: np.ndarray) -> np.ndarray:
        x = np.abs(x).astype(f32)
        with np.errstate(divide="ignore", invalid="ignore"):
            v = (r * np.sin(_PI * x) * np.sin(_PI * x / r) / (_PI * _PI * x * x)).astype(f32)
        return np.where(x > r, f32(0), np.where(x <= f32(1e-3), f32(1), v)).astype(f32)

    return k, radius


def _gaussian(x: np.ndarray) -> np.ndarray:
    radius, sigma = f32(1.5), f32(0.5)
    x = np.abs(x).astype(f32)
    return np.where(x >= radius, f32(0), np.exp(-x * x / (2.0 * sigma * sigma)).astype(f32)).astype(f32)


def _triangle(x: np.ndarray) -> np.ndarray:
    x = np.abs(x).astype(f32)
    return np.where(x < 1, f32(1) - x, f32(0)).astype(f32)


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x).astype(f32)
    near = ((f32(1.5) * x - f32(2.5)) * x) * x + f32(1)
    far = ((f32(-0.5) * x + f32(2.5)) * x - f32(4)) * x + f32(2)
    return np.where(x >= 2, f32(0), np.where(x >= 1, far, near)).astype(f32)


def _mitchell_cubic(x: np.ndarray) -> np.ndarray:
    x = np.abs(x).astype(f32)
    near = (((f32(7.0 / 6.0)) * x - f32(2)) * x) * x + f32(8.0 / 9.0)
    far = (((f32(-7.0 / 18.0)) * x + f32(2)) * x - f32(10.0 / 3.0)) * x + f32(16.0 / 9.0)
    return np.where(x >= 2, f32(0), np.where(x >= 1, far, near)).astype(f32)


KERNELS = {
    "lanczos3": _lanczos(3.0), "lanczos5": _lanczos(5.0), "gaussian": (_gaussian, 1.5),
    "triangle": (_triangle, 1.0), "keyscubic": (_keys_cubic, 2.0), "mitchellcubic": (_mitchell_cubic, 2.0),
}


def _pack(rows: list[list[tuple[int, float]]]) -> tuple[np.ndarray, np.ndarray]:
    """Per-row (index, weight) lists as padded ``[out, K]`` index and weight arrays."""
    k = max(1, max(len(r) for r in rows))
    idx = np.zeros((len(rows), k), np.int32)
    w = np.zeros((len(rows), k), f32)
    for i, row in enumerate(rows):
        for j, (src, weight) in enumerate(row):
            idx[i, j], w[i, j] = src, weight
        idx[i, len(row):] = row[-1][0] if row else 0  # padding taps (weight 0) re-read the row's last source
    return idx, w


def _bilinear(in_size: int, out_size: int) -> list:
    scale = f32(in_size) / f32(out_size)
    rows = []
    for i in range(out_size):
        src = (f32(i) + f32(0.5)) * scale - f32(0.5)
        floor = math.floor(src)
        lower, upper = max(floor, 0), min(math.ceil(src), in_size - 1)
        lerp = f32(src - f32(floor))
        rows.append([(lower, f32(1) - lerp), (upper, lerp)])
    return rows


def nearest_indices(in_size: int, out_size: int) -> np.ndarray:
    """The input index each output index copies (``ResizeNearestNeighbor``, half-pixel centres)."""
    scale = f32(in_size) / f32(out_size)
    src = np.floor((np.arange(out_size, dtype=f32) + f32(0.5)) * scale).astype(np.int64)
    return np.clip(src, 0, in_size - 1).astype(np.int32)


@functools.lru_cache(maxsize=2)
def _cubic_table(a: float) -> np.ndarray:
    table = np.zeros((_TABLE_SIZE + 1) * 2, f32)
    for i in range(_TABLE_SIZE + 1):
        x = float(f32(i * 1.0 / _TABLE_SIZE))
        table[i * 2] = ((a + 2) * x - (a + 3)) * x * x + 1
        x = float(f32(x + 1.0))
        table[i * 2 + 1] = ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return table


def _bicubic(in_size: int, out_size: int) -> list:
    scale = f32(in_size) / f32(out_size)
    table = _cubic_table(-0.5)
    rows = []
    for i in range(out_size):
        src = (f32(i) + f32(0.5)) * scale - f32(0.5)
        base = math.floor(src)
        offset = int(np.rint(f32(src - f32(base)) * f32(_TABLE_SIZE)))
        coeffs = [table[offset * 2 + 1], table[offset * 2], table[(_TABLE_SIZE - offset) * 2],
                  table[(_TABLE_SIZE - offset) * 2 + 1]]
        taps = [(base - 1 + t, c if 0 <= base - 1 + t < in_size else f32(0)) for t, c in enumerate(coeffs)]
        total = f32(sum(f32(w) for _, w in taps))
        if abs(total) >= 1000.0 * _FLT_MIN:
            inv = f32(1) / total
            taps = [(s, f32(w) * inv) for s, w in taps]
        rows.append([(min(max(s, 0), in_size - 1), w) for s, w in taps])
    return rows


def _area(in_size: int, out_size: int) -> list:
    scale = f32(in_size) / f32(out_size)
    rows = []
    for i in range(out_size):
        lo, hi = f32(i) * scale, f32(i + 1) * scale
        row = []
        for v in range(math.floor(lo), math.ceil(hi)):
            if v < lo:
                w = scale if v + 1 > hi else f32(v + 1) - lo
            else:
                w = hi - f32(v) if v + 1 > hi else f32(1)
            row.append((min(max(v, 0), in_size - 1), f32(w)))
        rows.append(row)
    return rows


def _scale_translate(in_size: int, out_size: int, kernel: str, antialias: bool) -> list:
    fn, radius = KERNELS[kernel]
    scale = f32(out_size) / f32(in_size)
    inv_scale = f32(1.0 / float(scale))
    kernel_scale = max(inv_scale, f32(1)) if antialias else f32(1)
    one_over_kernel_scale = f32(1) / kernel_scale
    reach = f32(radius) * kernel_scale
    rows = []
    for i in range(out_size):
        sample = (f32(i) + f32(0.5)) * inv_scale
        if sample < 0 or sample > in_size:
            rows.append([])
            continue
        start = min(max(math.ceil(sample - reach - f32(0.5)), 0), in_size - 1)
        end = min(max(math.floor(sample + reach - f32(0.5)), 0), in_size - 1) + 1
        src = np.arange(start, end)
        weights = fn(np.abs((src.astype(f32) + f32(0.5) - sample) * one_over_kernel_scale))
        total = f32(0)
        for w in weights:
            total = f32(total + w)
        if abs(total) >= 1000.0 * _FLT_MIN:
            weights = (weights * (f32(1) / total)).astype(f32)
        else:
            weights = np.zeros_like(weights)
        rows.append(list(zip(src.tolist(), weights)))
    return rows


@functools.lru_cache(maxsize=256)
def spans(in_size: int, out_size: int, method: str, antialias: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(indices [out, K] int32, weights [out, K] float32)`` of one axis (read-only arrays).

    Args:
      in_size, out_size: the axis' length before and after resizing (both positive).
      method: ``"bilinear"``, ``"bicubic"``, ``"area"``, ``"lanczos3"``, ``"lanczos5"``,
        ``"gaussian"`` or ``"mitchellcubic"`` (``"nearest"`` uses :func:`nearest_indices`).
      antialias: stretch the kernel when downsampling (ScaleAndTranslate methods, and
        bilinear/bicubic, which then use the triangle/Keys kernels).
    """
    if method == "bilinear" and not antialias:
        rows = _bilinear(in_size, out_size)
    elif method == "bicubic" and not antialias:
        rows = _bicubic(in_size, out_size)
    elif method == "area":
        rows = _area(in_size, out_size)
    else:
        kernel = {"bilinear": "triangle", "bicubic": "keyscubic"}.get(method, method)
        rows = _scale_translate(in_size, out_size, kernel, antialias)
    idx, w = _pack(rows)
    if method == "area":
        w = (w * (f32(1) / scale_of(in_size, out_size))).astype(f32)
    idx.flags.writeable = w.flags.writeable = False
    return idx, w


def scale_of(in_size: int, out_size: int) -> np.float32:
    return f32(in_size) / f32(out_size)
