"""Saving, safe loading and fault-tolerant checkpoints.

Nothing a user trains is lost, and no file runs code unless the user asks in that call.

Formats (both Keras 3's, readable and writable by real Keras 3):

* ``model.save("m.keras")`` / ``load_model(path, custom_objects=None, compile=True,
  safe_mode=True)`` — a zip of ``metadata.json``, ``config.json`` (model config with
  ``compile_config``) and ``model.weights.h5`` (weights *and* optimizer state, so
  training resumed after a load continues exactly);
* ``model.save_weights("m.weights.h5")`` / ``model.load_weights(path)``;
* ``serialize_keras_object`` / ``deserialize_keras_object`` and
  ``register_keras_serializable`` for configs and user classes.

Safety (every loader): only allowlisted classes are built (xlaflow's own, registered
ones, ``custom_objects``); a config's ``module`` is never imported; ``safe_mode`` is
a per-call argument nothing in a file can change; serialized Python code (Lambda
``lambda`` s) loads only with ``safe_mode=False``; no pickle or marshal in any
default format; archive members with ``..``, absolute paths, backslashes or symlinks,
declared zip bombs, oversized configs, layer configs asking for more weights than
the file can hold (refused before any allocation), HDF5 links and external/virtual
datasets are all rejected. Every failure raises :class:`LoadError` (a ``ValueError``);
a load either completes or leaves nothing assigned.

Crash safety: every file is written to a temporary file in the same directory,
fsync'ed and renamed over the target (:mod:`.atomic`), so a killed process leaves
the previous file intact.

Checkpoints for custom loops and callbacks (``xlaflow.train.Checkpoint`` /
``CheckpointManager``, TF's API)::

    step = xlaflow.Variable(0)
    extra = {"epoch": 0, "batch": 0, "data_seed": 1234}   # any JSON / NumPy state
    ckpt = Checkpoint(model=model, optimizer=optimizer, step=step,
                      rng=xlaflow.ops.rng.key_variable(), extra=extra)
    manager = CheckpointManager(ckpt, "/tmp/run", max_to_keep=3)
    manager.restore_or_initialize()   # newest loadable checkpoint (falls back, warns) or nothing
    ...
    manager.save()                    # atomic; returns "/tmp/run/ckpt-<n>" (file ckpt-<n>.h5)

* ``Checkpoint(**objects)``: models/layers, optimizers (built lazily from the
  tracked model on restore), Variables, and dicts of extra state (restored in
  place). ``save(prefix)`` -> ``prefix-<save_counter>``; ``write(path)``;
  ``restore(path)`` is all-or-nothing (CRC32 per dataset) and raises ``LoadError``.
* ``CheckpointManager(checkpoint, directory, max_to_keep, checkpoint_name="ckpt",
  step_counter=None, checkpoint_interval=None, init_fn=None)``: ``save()``,
  ``checkpoints``, ``latest_checkpoint``, ``restore_or_initialize()``.
* ``latest_checkpoint(directory)``.

A BackupAndRestore callback needs exactly this: a Checkpoint of the model, its
optimizer, the RNG key variable and an ``extra`` dict holding epoch, batch and the
data order's seed, saved by a manager at each epoch/batch boundary and restored with
``restore_or_initialize()`` at ``on_train_begin``.
"""

from xlaflow.saving.checkpoint import Checkpoint, CheckpointLoadStatus  # noqa: F401
from xlaflow.saving.checkpoint_manager import CheckpointManager, latest_checkpoint  # noqa: F401
from xlaflow.saving.errors import LoadError, UnsafeContentError  # noqa: F401
from xlaflow.saving.keras_file import load_model, load_weights, save_model, save_weights  # noqa: F401
from xlaflow.saving.registry import (  # noqa: F401
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from xlaflow.saving.serialization import deserialize_keras_object, serialize_keras_object  # noqa: F401
