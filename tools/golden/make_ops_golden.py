"""Regenerate ``tests/golden/ops_tf.npz``: op results computed by real TensorFlow.

The cases (inputs built with seeded NumPy, and the TF call for each) live in
``tests/golden/golden_cases.py``; ``tests/golden/test_ops_match_tf.py`` replays the
same calls on xlaflow and compares. This script runs each case on TensorFlow and stores,
per case name, the inputs (``<case>/in/<arg>``) and the flattened outputs
(``<case>/out/<i>``), plus ``__meta__``: a JSON string with the TF and NumPy versions
and, per case, which output positions were ``None``.

TensorFlow is never installed in the repository's environment: it runs from its own
virtual environment outside the repo. From the repository root::

    python3 -m venv /tmp/tfenv
    /tmp/tfenv/bin/pip install tensorflow-cpu==2.21.0 numpy
    /tmp/tfenv/bin/python tools/golden/make_ops_golden.py

then check the result with ``.venv/bin/python -m pytest -q -W error tests/golden``.
Pass ``--out PATH`` to write elsewhere. The script runs on the CPU only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import pathlib
from typing import Any

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
CASES_FILE = ROOT / "tests" / "golden" / "golden_cases.py"
DEFAULT_OUT = ROOT / "tests" / "golden" / "ops_tf.npz"
TF_VERSION = "2.21.0"
SIZE_LIMIT = 300_000  # bytes; the golden file is committed, keep it small


def load_cases() -> list:
    spec = importlib.util.spec_from_file_location("golden_cases", CASES_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES


def flatten(value: Any) -> list:
    """The leaves of a nest of lists/tuples (named tuples included), ``None`` kept."""
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in flatten(item)]
    return [value]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    if tf.__version__ != TF_VERSION:
        raise SystemExit(f"make_ops_golden: expected tensorflow {TF_VERSION}. Received: {tf.__version__}")

    arrays: dict[str, np.ndarray] = {}
    meta: dict[str, Any] = {"tensorflow": tf.__version__, "numpy": np.__version__, "cases": {}}
    for case in load_cases():
        with tf.device("/CPU:0"):
            result = case.call(tf, **case.inputs)
        for arg, value in case.inputs.items():
            arrays[f"{case.name}/in/{arg}"] = value
        nones = []
        for i, leaf in enumerate(flatten(result)):
            if leaf is None:
                nones.append(i)
                continue
            if not tf.is_tensor(leaf):
                raise TypeError(f"case {case.name!r}: output {i} is not a tf.Tensor. Received: {type(leaf).__name__}")
            arrays[f"{case.name}/out/{i}"] = leaf.numpy()
        meta["cases"][case.name] = {"outputs": len(flatten(result)), "none": nones}

    arrays["__meta__"] = np.array(json.dumps(meta, sort_keys=True))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({len(meta['cases'])} cases, {size} bytes, tensorflow {tf.__version__})")
    if size > SIZE_LIMIT:
        raise SystemExit(f"make_ops_golden: {args.out} is {size} bytes, over the {SIZE_LIMIT}-byte budget; use smaller inputs")


if __name__ == "__main__":
    main()
