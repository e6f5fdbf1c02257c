"""The code examples of the seed documents, with only their import lines changed.

The seeds live in ``shared/seeds`` beside the checkout. :func:`example` returns the
``n``-th fenced Python block of a seed with ``tensorflow`` imports pointed at xlaflow;
:func:`run` executes it with stdout captured and returns its namespace and output.
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

SEEDS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "seeds"
IMPORTS = {
    "from tensorflow.keras.layers import": "from xlaflow.keras.layers import",
    "from tensorflow.keras.callbacks import": "from xlaflow.keras.callbacks import",
    "from tensorflow import keras": "from xlaflow import keras",
    "import tensorflow as tf": "import xlaflow as tf",
}


def example(seed: str, n: int) -> str:
    """The ``n``-th code block of the seed whose file name starts with ``seed``."""
    path = next(SEEDS.glob(f"{seed}_*.txt"), None)
    assert path is not None, f"the seeds live in shared/ beside the checkout; no seed {seed} under {SEEDS}"
    code = re.findall(r"```python\n(.*?)```", path.read_text(), re.S)[n]
    for old, new in IMPORTS.items():
        code = code.replace(old, new)
    return code


def run(seed: str, n: int, prelude: str = "") -> tuple[dict, str]:
    """Executes example ``n`` of ``seed``; returns (its namespace, what it printed)."""
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(prelude + example(seed, n), f"seed {seed} example {n + 1}", "exec"), namespace)
    return namespace, out.getvalue()
