"""``tf.image`` against TensorFlow 2.21: every case of ``tools/golden/make_image_golden.py``.

The same expression text runs with ``tf = xlaflow``. Float results agree to 1e-5
relative (``atol`` 1e-5 on [0, 1] data, scaled by the data's range); integer results
exactly, JPEG decoding included with ``dct_method="INTEGER_ACCURATE"``. TF's default
JPEG DCT is libjpeg's fast one, which Pillow lacks: those cases may differ by at most
``JPEG_TOL`` levels per pixel and 1.5 on average.
"""

from __future__ import annotations

import json
import pathlib

import numpy as np
import pytest

import xlaflow

GOLDEN = np.load(pathlib.Path(__file__).parents[1] / "golden" / "tf_image.npz")
META = json.loads(str(GOLDEN["__meta__"]))
INPUTS = {k[3:]: GOLDEN[k] for k in GOLDEN.files if k.startswith("in/")}
JPEG_TOL = 6  # levels of 255 (observed: at most 5, mean about 1) for TF's default fast DCT


@pytest.mark.parametrize("i", range(len(META["cases"])), ids=lambda i: META["cases"][i])
def test_matches_tf(i):
    expr = META["cases"][i]
    want = GOLDEN[f"out/{i}"]
    got = np.asarray(eval(expr, {"tf": xlaflow, "np": np, **INPUTS}))  # noqa: S307 - the golden's own case text
    assert got.shape == want.shape and got.dtype == want.dtype, (got.shape, got.dtype, want.shape, want.dtype)
    if expr in META["jpeg"]:
        diff = np.abs(got.astype(np.int32) - want.astype(np.int32))
        assert diff.max() <= JPEG_TOL and diff.mean() < 1.5, f"max difference {diff.max()} levels, mean {diff.mean():.3f}"
    elif np.issubdtype(want.dtype, np.floating):
        scale = max(1.0, float(np.max(np.abs(want.astype(np.float32)))))
        np.testing.assert_allclose(got.astype(np.float32), want.astype(np.float32), rtol=1e-5, atol=1e-5 * scale)
    else:
        np.testing.assert_array_equal(got, want)
