"""Golden results of ``keras.datasets.*.load_data`` on tiny stand-in files, from real Keras 3.

The stand-ins (``tests/keras/datasets/_dataset_files.py``) have Keras' file names and
formats but synthetic contents, so their hashes differ from Keras' published ones;
Keras' hash check is switched off here (its ``validate_file`` returns True) so that it
reads them instead of downloading. For every call of ``CALLS`` the result's arrays are
recorded by shape, dtype and SHA-256 of their bytes (object arrays as lists).

Regenerate (TensorFlow/Keras live outside the repository):

    cd /work/wt/images && /work/tfenv/bin/python tools/golden/make_datasets_golden.py

which writes tests/golden/keras_datasets.json.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import pathlib
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main() -> None:
    spec = importlib.util.spec_from_file_location("_dataset_files", ROOT / "tests/keras/datasets/_dataset_files.py")
    files = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(files)
    home = tempfile.mkdtemp()
    os.environ["KERAS_HOME"] = home
    files.write_all(home)
    import keras
    from keras.src.utils import file_utils

    file_utils.validate_file = lambda *args, **kwargs: True
    out = []
    for module, kwargs in files.CALLS:
        result = importlib.import_module(f"keras.datasets.{module}").load_data(**kwargs)
        out.append({"module": module, "kwargs": kwargs, "result": files.describe(result)})
    out.append({"module": "imdb.get_word_index", "kwargs": {}, "result": keras.datasets.imdb.get_word_index()})
    out.append({"module": "reuters.get_word_index", "kwargs": {}, "result": keras.datasets.reuters.get_word_index()})
    out.append({"module": "reuters.get_label_names", "kwargs": {}, "result": list(keras.datasets.reuters.get_label_names())})
    path = ROOT / "tests/golden/keras_datasets.json"
    path.write_text(json.dumps({"keras": keras.__version__, "cases": out}, indent=0))
    print(f"wrote {path} ({path.stat().st_size} bytes, {len(out)} cases)")


if __name__ == "__main__":
    main()
