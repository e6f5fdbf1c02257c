"""Write the xlaflow side of the Keras interop fixtures: ``tests/golden/xlaflow_files/``.

For each model of ``tests/saving/_interop_data.py``, xlaflow builds it, sets the
shared deterministic starting weights, compiles it, runs two ``train_on_batch``
steps and writes ``<name>.keras`` and ``<name>.weights.h5`` (exactly what
``tests/saving/test_keras_interop.py`` writes again, to check that the layout has
not changed). ``xlaflow_reference.npz`` records the batch and xlaflow's predictions.
Real Keras then loads these files and records its verdict
(``tools/golden/make_keras_files.py``, stage 2).

From the repository root::

    .venv/bin/python tools/golden/make_xlaflow_files.py
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_keras_files.py 2
"""

import importlib.util
import pathlib
import sys

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from xlaflow import keras  # noqa: E402

_spec = importlib.util.spec_from_file_location("_interop_data", ROOT / "tests" / "saving" / "_interop_data.py")
data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(data)
OUT = ROOT / "tests" / "golden" / "xlaflow_files"


def write(name: str, directory: pathlib.Path, train: bool = True) -> tuple:
    """Builds, trains two steps and saves model ``name`` into ``directory``; returns (model, x, y).

    With ``train=False`` the optimizer is only built (same file layout, no compile).
    """
    keras.utils.set_random_seed(0)
    model = data.build_xlaflow(keras, name)
    data.set_initial_weights(model, lambda w: tuple(w.shape.as_list()))
    x, y = data.batch(name)
    if not train:
        model.optimizer.build(model.trainable_variables)
    for _ in range(2 if train else 0):
        model.train_on_batch(x, y)
    model.save(directory / f"{name}.keras")
    model.save_weights(directory / f"{name}.weights.h5")
    return model, x, y


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    out = {}
    for name in data.SPECS:
        model, x, y = write(name, OUT)
        out[f"{name}/x"], out[f"{name}/y"] = x, y
        out[f"{name}/pred"] = np.asarray(model(x))
    np.savez(OUT / "xlaflow_reference.npz", **out)
    print("wrote", sorted(p.name for p in OUT.iterdir()))


if __name__ == "__main__":
    main()
