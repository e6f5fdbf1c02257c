"""Regenerate ``tests/golden/keras_callbacks.json``: what real Keras 3 callbacks do.

Each scenario of ``tests/callbacks/_callback_sim.py`` (EarlyStopping patience,
baseline, restore_best_weights and start_from_epoch; ReduceLROnPlateau cooldown and
min_delta; LearningRateScheduler with both schedule signatures; ModelCheckpoint file
names, best-only logic, batch-frequency saves and thresholds; CSVLogger content with
and without validation keys and in append mode; TerminateOnNaN; ProgbarLogger
output for verbose=1/2 with known and unknown step counts; History) is run through
``keras.callbacks.CallbackList`` by the simulated fit loop of that file, with a
fake model around a real ``keras.optimizers.SGD(0.1)``. The file records per
scenario the epochs run, the learning rate during each epoch, the History, the
model's saves and weight restores, the files written and the printed output
(normalized: last redraw of each line, no colours, times replaced by ``T``). The
tests replay the same scenarios through ``xlaflow.keras.callbacks``; they never
import Keras.

From the repository root::

    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_callbacks_golden.py

(/tmp/lmenv: a virtual environment with keras==3.15.1 and jax==0.10.2.)
"""

import importlib.util
import json
import pathlib
import sys
import tempfile
import warnings

import keras

ROOT = pathlib.Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("_callback_sim", ROOT / "tests/callbacks/_callback_sim.py")
sim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sim)


def main() -> None:
    out = {"__meta__": {"keras": keras.__version__}}
    for name in sim.scenarios(keras.callbacks):
        with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out[name] = sim.run_scenario(keras.callbacks, name, lambda: keras.optimizers.SGD(0.1), tmp)
    path = ROOT / "tests/golden/keras_callbacks.json"
    path.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n")
    print(f"wrote {path} ({path.stat().st_size} bytes)", file=sys.stderr)


if __name__ == "__main__":
    main()
