"""Keras 3 files with text layers, and Keras' verdict on xlaflow's.

Stage 1 (``tests/golden/keras_files/text_*.keras``): real Keras (TensorFlow backend:
the text layers need it) builds and adapts each model of
``tests/saving/_text_interop_data.py`` (TextVectorization int and tf_idf, a
multi_hot StringLookup), saves it, and records its vocabulary and its predictions on
the queries in ``text_reference.json``.

Stage 2 (``tests/golden/xlaflow_files/text_keras_verdict.json``, after
``tools/golden/make_xlaflow_text_files.py`` wrote xlaflow's files): real Keras loads
each ``tests/golden/xlaflow_files/text_*.keras`` and records the vocabulary and
predictions it gets.

From the repository root::

    /work/tfenv/bin/python tools/golden/make_text_keras_files.py       # stage 1
    .venv/bin/python tools/golden/make_xlaflow_text_files.py
    /work/tfenv/bin/python tools/golden/make_text_keras_files.py 2     # stage 2
"""

import importlib.util
import json
import os
import pathlib
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("_text_interop_data", ROOT / "tests" / "saving" / "_text_interop_data.py")
data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(data)


def _record(model, name: str) -> dict:
    first = next(layer for layer in model.layers if hasattr(layer, "get_vocabulary"))
    return {"vocabulary": [str(v) for v in first.get_vocabulary()],
            "predictions": model.predict(tf.constant(data.queries(name)), verbose=0).tolist()}


def stage1() -> None:
    out = {}
    for name in data.NAMES:
        keras.utils.set_random_seed(0)
        model = data.build(keras, name)
        model.save(ROOT / "tests" / "golden" / "keras_files" / f"{name}.keras")
        out[name] = _record(model, name)
    (ROOT / "tests" / "golden" / "keras_files" / "text_reference.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))
    print("stage 1: wrote", ", ".join(data.NAMES))


def stage2() -> None:
    out = {}
    for name in data.NAMES:
        model = keras.models.load_model(ROOT / "tests" / "golden" / "xlaflow_files" / f"{name}.keras")
        out[name] = _record(model, name)
    (ROOT / "tests" / "golden" / "xlaflow_files" / "text_keras_verdict.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1))
    print("stage 2: Keras loaded", ", ".join(data.NAMES))


if __name__ == "__main__":
    stage2() if sys.argv[1:] == ["2"] else stage1()
