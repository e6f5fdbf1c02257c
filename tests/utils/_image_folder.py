"""A tiny labelled image folder, shared by ``tools/golden/make_image_dataset_golden.py``
(real Keras) and ``tests/utils/test_image_dataset.py`` (xlaflow). NumPy and Pillow only.

Layout: ``cat/`` (4 images, one in a nested folder), ``dog/`` (3), ``yak/`` (1),
``zebra/`` (2), in PNG (RGB, RGBA, grayscale), BMP and GIF of different sizes (TF
decodes BMP and GIF only as RGB(A), so the grayscale case uses the PNG-only classes), plus files and folders
that must be ignored (``notes.txt``, ``.hidden/``).
"""

from __future__ import annotations

import os

import numpy as np

FILES = {
    "cat/c1.png": ((10, 12), "RGB"), "cat/c2.png": ((7, 9), "RGBA"), "cat/sub/c3.bmp": ((12, 8), "RGB"),
    "cat/c4.png": ((9, 9), "L"), "dog/d1.png": ((6, 14), "RGB"), "dog/d2.gif": ((8, 8), "RGB"),
    "dog/d3.PNG": ((11, 5), "RGB"), "zebra/z1.png": ((16, 16), "RGB"), "zebra/z2.png": ((5, 7), "L"),
    "yak/y1.png": ((13, 6), "RGBA"),
}


def write(root: str) -> str:
    from PIL import Image

    rng = np.random.default_rng(123)
    for rel, ((h, w), mode) in FILES.items():
        path = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        channels = {"RGB": 3, "RGBA": 4, "L": 1}[mode]
        arr = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
        img = Image.fromarray(arr[..., 0] if channels == 1 else arr, mode)
        fmt = {"png": "PNG", "bmp": "BMP", "gif": "GIF"}[rel.rsplit(".", 1)[1].lower()]
        img.save(path, format=fmt)
    os.makedirs(os.path.join(root, ".hidden"), exist_ok=True)
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(os.path.join(root, ".hidden", "x.png"))
    with open(os.path.join(root, "cat", "notes.txt"), "w") as f:
        f.write("not an image")
    return root


# (kwargs of image_dataset_from_directory, whether the element order is deterministic)
CASES = [
    ({"image_size": (8, 8), "shuffle": False, "batch_size": 4}, True),
    ({"image_size": (6, 10), "shuffle": False, "label_mode": "categorical", "color_mode": "grayscale", "class_names": ["zebra", "yak"],
      "interpolation": "nearest", "crop_to_aspect_ratio": True, "batch_size": None}, True),
    ({"image_size": 7, "shuffle": False, "label_mode": "binary", "class_names": ["yak", "cat"], "pad_to_aspect_ratio": True,
      "interpolation": "bicubic", "color_mode": "rgba", "batch_size": 3}, True),
    ({"image_size": (5, 5), "validation_split": 0.34, "subset": "both", "seed": 7, "batch_size": 2, "interpolation": "area"}, False),
    ({"image_size": (5, 5), "validation_split": 0.5, "subset": "training", "seed": 3, "labels": None}, False),
    ({"image_size": (4, 6), "shuffle": False, "labels": None, "batch_size": 5, "data_format": "channels_first"}, True),
]
