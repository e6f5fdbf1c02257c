"""Regenerate ``tests/golden/keras_custom_steps.npz``: custom ``train_step``/``test_step``
scenarios (``tests/training/custom_step_scenarios.py``) run by real TensorFlow 2.21 /
Keras 3 on the TensorFlow backend.

The scenarios are written once for both libraries; ``tests/training/test_custom_steps.py``
runs them with xlaflow and compares with this file (it never imports TensorFlow).

TensorFlow runs from its own virtual environment outside the repository. From the
repository root::

    python3 -m venv /tmp/tfenv
    /tmp/tfenv/bin/pip install tensorflow-cpu==2.21.* keras==3.15.1
    /tmp/tfenv/bin/python tools/golden/make_custom_step_golden.py
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "training"))
from custom_step_scenarios import SCENARIOS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "tests" / "golden" / "keras_custom_steps.npz"))
    args = parser.parse_args()
    arrays = {}
    for name, scenario in SCENARIOS.items():
        keras.utils.set_random_seed(0)
        for key, value in scenario(keras, tf).items():
            arrays[f"{name}/{key}"] = value
    arrays["__meta__"] = np.asarray(json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__}))
    np.savez(args.out, **arrays)
    print(f"wrote {len(arrays)} arrays to {args.out}")


if __name__ == "__main__":
    main()
