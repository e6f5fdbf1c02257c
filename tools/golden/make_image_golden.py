"""Golden outputs of ``tf.image`` functions (and decoders) from real TensorFlow 2.21.

Each case is a Python expression over ``tf``, ``np`` and the named inputs of
``inputs()`` (seeded NumPy arrays, plus small encoded images made with Pillow); the
test (``tests/image/test_image_golden.py``) evaluates the same text with
``tf = xlaflow`` and compares. Stored in ``tests/golden/tf_image.npz``: ``in/<name>``
for the inputs, ``out/<i>`` for the results, and ``__meta__`` (JSON: versions and
the case expressions).

Regenerate (TensorFlow lives outside the repository):

    cd /work/wt/images && /work/tfenv/bin/python tools/golden/make_image_golden.py
"""

from __future__ import annotations

import io
import json
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "golden" / "tf_image.npz"

METHODS = ["bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic"]
SIZES = [[4, 5], [11, 13], [3, 17], [7, 9]]


def _encoded(rgb8: np.ndarray) -> dict:
    from PIL import Image

    out = {}
    for fmt, mode, arr in [("png", "RGB", rgb8), ("png", "RGBA", np.concatenate([rgb8, rgb8[..., :1]], -1)),
                           ("png", "L", rgb8[..., 0]), ("bmp", "RGB", rgb8), ("gif", "RGB", rgb8)]:
        buf = io.BytesIO()
        Image.fromarray(arr, mode).save(buf, format=fmt.upper())
        out[f"{fmt}_{mode.lower()}"] = np.frombuffer(buf.getvalue(), np.uint8)
    pal = Image.fromarray(rgb8, "RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=8)
    buf = io.BytesIO()
    pal.save(buf, format="PNG")
    out["png_p"] = np.frombuffer(buf.getvalue(), np.uint8)
    big = np.kron(rgb8, np.ones((4, 4, 1), np.uint8))  # smooth-ish 32x40 image
    for sub, q in [(2, 90), (0, 75)]:
        buf = io.BytesIO()
        Image.fromarray(big, "RGB").save(buf, format="JPEG", quality=q, subsampling=sub)
        out[f"jpeg_{sub}"] = np.frombuffer(buf.getvalue(), np.uint8)
    buf = io.BytesIO()
    Image.fromarray(big[..., 1], "L").save(buf, format="JPEG", quality=85)
    out["jpeg_gray"] = np.frombuffer(buf.getvalue(), np.uint8)
    return out


def inputs() -> dict:
    rng = np.random.default_rng(2026)
    rgb8 = rng.integers(0, 256, (8, 10, 3), dtype=np.uint8)
    base = {
        "a": rng.random((7, 9, 2), dtype=np.float32),
        "b": rng.integers(0, 256, (2, 6, 5, 3), dtype=np.uint8),
        "c": rng.random((1, 20, 16, 1), dtype=np.float32),
        "rgb": rng.random((2, 4, 5, 3), dtype=np.float32),
        "rgb8": rgb8,
        "hsv": np.concatenate([rng.random((3, 4, 1)), rng.random((3, 4, 1)), rng.random((3, 4, 1))], -1).astype(np.float32),
        "u16": rng.integers(0, 65536, (3, 4, 3), dtype=np.uint16),
        "i32": rng.integers(0, 2**31 - 1, (3, 4, 1), dtype=np.int32),
        "f": (rng.random((3, 4, 3), dtype=np.float32) * 1.4 - 0.2),
        "gray": rng.random((5, 6, 1), dtype=np.float32),
        "ties": np.array([[[0.2, 0.2, 0.5], [0.5, 0.5, 0.1], [0.3, 0.3, 0.3], [0.0, 0.0, 0.0], [0.7, 0.1, 0.7]]], np.float32),
    }
    base.update(_encoded(rgb8))
    return base


def cases() -> list[str]:
    out = []
    for m in METHODS:
        for size in SIZES[:3]:
            out.append(f"tf.image.resize(a, {size}, method='{m}')")
            if m not in ("nearest", "area"):
                out.append(f"tf.image.resize(a, {size}, method='{m}', antialias=True)")
        out.append(f"tf.image.resize(b, [4, 7], method='{m}')")
        out.append(f"tf.image.resize(c, [5, 3], method='{m}', antialias=True)")
        out.append(f"tf.image.resize(c, [5, 3], method='{m}')")
        out.append(f"tf.image.resize(c, [13, 21], method='{m}')")
    out += [
        "tf.image.resize(a, [10, 10], preserve_aspect_ratio=True)",
        "tf.image.resize(a, [20, 4], method='bicubic', preserve_aspect_ratio=True)",
        "tf.image.resize(a, [7, 9])",
        "tf.image.resize_with_pad(a, 10, 10)",
        "tf.image.resize_with_pad(b, 9, 4, method='nearest')",
        "tf.image.resize_with_pad(c, 8, 8, method='area')",
        "tf.image.flip_left_right(a)", "tf.image.flip_up_down(b)", "tf.image.transpose(b)",
        "tf.image.rot90(a)", "tf.image.rot90(a, k=2)", "tf.image.rot90(b, k=3)", "tf.image.rot90(b, k=-1)",
        "tf.image.central_crop(a, 0.5)", "tf.image.central_crop(b, 0.33)", "tf.image.central_crop(c, 0.9)",
        "tf.image.crop_to_bounding_box(a, 1, 2, 4, 5)", "tf.image.crop_to_bounding_box(b, 0, 1, 6, 3)",
        "tf.image.pad_to_bounding_box(a, 2, 1, 10, 12)", "tf.image.pad_to_bounding_box(b, 0, 3, 6, 9)",
        "tf.image.resize_with_crop_or_pad(a, 4, 12)", "tf.image.resize_with_crop_or_pad(b, 9, 2)",
        "tf.image.adjust_brightness(a, 0.3)", "tf.image.adjust_brightness(b, -0.2)", "tf.image.adjust_brightness(rgb8, 0.4)",
        "tf.image.adjust_contrast(a, 1.7)", "tf.image.adjust_contrast(b, 0.4)", "tf.image.adjust_contrast(rgb8, 2.5)",
        "tf.image.adjust_gamma(a, 2.2)", "tf.image.adjust_gamma(b, 0.5, gain=1.3)", "tf.image.adjust_gamma(a, 0.0)",
        "tf.image.adjust_saturation(rgb, 0.3)", "tf.image.adjust_saturation(rgb, 2.5)", "tf.image.adjust_saturation(rgb8, 1.7)",
        "tf.image.adjust_saturation(ties, 3.0)", "tf.image.adjust_saturation(ties, 0.0)",
        "tf.image.adjust_hue(rgb, 0.25)", "tf.image.adjust_hue(rgb, -0.6)", "tf.image.adjust_hue(rgb, 1.0)",
        "tf.image.adjust_hue(rgb8, 0.1)", "tf.image.adjust_hue(ties, 0.4)", "tf.image.adjust_hue(ties, -0.9)",
        "tf.image.rgb_to_grayscale(rgb)", "tf.image.rgb_to_grayscale(rgb8)", "tf.image.grayscale_to_rgb(tf.constant(gray))",
        "tf.image.rgb_to_hsv(rgb)", "tf.image.rgb_to_hsv(ties)", "tf.image.hsv_to_rgb(hsv)",
        "tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(rgb))",
        "tf.image.convert_image_dtype(rgb8, tf.float32)", "tf.image.convert_image_dtype(rgb, tf.uint8)",
        "tf.image.convert_image_dtype(f, tf.uint8, saturate=True)", "tf.image.convert_image_dtype(rgb8, tf.uint16)",
        "tf.image.convert_image_dtype(u16, tf.uint8)", "tf.image.convert_image_dtype(i32, tf.uint8)",
        "tf.image.convert_image_dtype(rgb8, tf.int32)", "tf.image.convert_image_dtype(f, tf.int16, saturate=True)",
        "tf.image.convert_image_dtype(u16, tf.float16)", "tf.image.convert_image_dtype(a, tf.float16)",
        "tf.image.per_image_standardization(a)", "tf.image.per_image_standardization(b)",
        "tf.image.per_image_standardization(tf.zeros([3, 3, 1]))",
        "tf.image.decode_png(png_rgb.tobytes())", "tf.image.decode_png(png_rgba.tobytes())",
        "tf.image.decode_png(png_rgba.tobytes(), channels=3)", "tf.image.decode_png(png_l.tobytes())",
        "tf.image.decode_png(png_l.tobytes(), channels=3)", "tf.image.decode_png(png_rgb.tobytes(), dtype=tf.uint16)",
        "tf.image.decode_png(png_p.tobytes())", "tf.image.decode_png(png_rgb.tobytes(), channels=4)",
        "tf.image.decode_bmp(bmp_rgb.tobytes())", "tf.image.decode_gif(gif_rgb.tobytes())",
        "tf.image.decode_image(png_rgb.tobytes())", "tf.image.decode_image(bmp_rgb.tobytes(), channels=3)",
        "tf.image.decode_image(gif_rgb.tobytes(), expand_animations=False)",
        "tf.image.decode_image(png_rgba.tobytes(), dtype=tf.float32)",
        "tf.io.decode_png(png_rgb.tobytes(), channels=1)", "tf.image.decode_png(png_rgba.tobytes(), channels=1)",
        "tf.image.decode_bmp(bmp_rgb.tobytes(), channels=4)",
    ]
    for expr in JPEG_CASES:  # libjpeg's accurate integer DCT (Pillow's) matches exactly
        out.append(expr.replace(".tobytes()", ".tobytes(), dct_method='INTEGER_ACCURATE'").replace("decode_image", "decode_jpeg"))
    return out


# TF's default JPEG DCT (INTEGER_FAST) is not Pillow's: compared within a tolerance.
JPEG_CASES = [
    "tf.image.decode_jpeg(jpeg_2.tobytes())", "tf.image.decode_jpeg(jpeg_0.tobytes())",
    "tf.image.decode_jpeg(jpeg_2.tobytes(), channels=1)", "tf.image.decode_jpeg(jpeg_gray.tobytes())",
    "tf.image.decode_jpeg(jpeg_gray.tobytes(), channels=3)", "tf.image.decode_jpeg(jpeg_2.tobytes(), ratio=2)",
    "tf.image.decode_image(jpeg_0.tobytes())",
]


def main() -> None:
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    env = {"tf": tf, "np": np, **inputs()}
    arrays = {f"in/{k}": v for k, v in env.items() if isinstance(v, np.ndarray)}
    exprs = cases() + JPEG_CASES
    for i, expr in enumerate(exprs):
        arrays[f"out/{i}"] = eval(expr, env).numpy()  # noqa: S307 - our own case text
    meta = {"tensorflow": tf.__version__, "numpy": np.__version__, "cases": exprs, "jpeg": JPEG_CASES}
    np.savez_compressed(OUT, __meta__=np.array(json.dumps(meta)), **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(exprs)} cases)")


if __name__ == "__main__":
    main()
