"""Golden results of ``keras.utils.image_dataset_from_directory`` from real Keras 3 (TF backend).

On the folder of ``tests/utils/_image_folder.py`` it records, per call of ``CASES``, the
class names and file paths (relative), and, when the element order is deterministic
(no per-epoch shuffle), every batch's images and labels; for validation datasets
(never shuffled) too. Stored in ``tests/golden/keras_image_dataset.npz``.

Regenerate (TensorFlow/Keras live outside the repository):

    cd /work/wt/images && /work/tfenv/bin/python tools/golden/make_image_dataset_golden.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib
import tempfile

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "golden" / "keras_image_dataset.npz"


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    spec = importlib.util.spec_from_file_location("_image_folder", ROOT / "tests/utils/_image_folder.py")
    folder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(folder)
    root = folder.write(tempfile.mkdtemp())
    import keras

    arrays, meta = {}, []
    for i, (kwargs, ordered) in enumerate(folder.CASES):
        result = keras.utils.image_dataset_from_directory(root, verbose=False, **kwargs)
        parts = result if isinstance(result, list) else [result]
        info = []
        for j, ds in enumerate(parts):
            info.append({"class_names": ds.class_names, "file_paths": [os.path.relpath(p, root) for p in ds.file_paths]})
            if ordered or j == 1:
                for k, element in enumerate(ds):
                    for m, leaf in enumerate(element if isinstance(element, tuple) else (element,)):
                        arrays[f"{i}/{j}/{k}/{m}"] = leaf.numpy()
        meta.append(info)
    np.savez_compressed(OUT, __meta__=np.array(json.dumps({"keras": keras.__version__, "cases": meta})), **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
