"""Write xlaflow's files with text layers for Keras to load: ``tests/golden/xlaflow_files/text_*.keras``.

xlaflow builds and adapts each model of ``tests/saving/_text_interop_data.py`` and
saves it; Keras then loads them and records its verdict
(``tools/golden/make_text_keras_files.py 2``), which tests/saving/test_text_interop.py
compares with what xlaflow predicts from the same files.

From the repository root::

    PYTHONPATH=. .venv/bin/python tools/golden/make_xlaflow_text_files.py
"""

import importlib.util
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from xlaflow import keras  # noqa: E402

_spec = importlib.util.spec_from_file_location("_text_interop_data", ROOT / "tests" / "saving" / "_text_interop_data.py")
data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(data)

if __name__ == "__main__":
    for name in data.NAMES:
        keras.utils.set_random_seed(1)
        data.build(keras, name).save(ROOT / "tests" / "golden" / "xlaflow_files" / f"{name}.keras")
    print("wrote", ", ".join(data.NAMES))
