"""``Checkpoint``: atomic, checksummed training state for custom loops and callbacks.

``Checkpoint(**objects)`` (TF's ``tf.train.Checkpoint``) saves and restores, in one
HDF5 file written atomically:

* models/layers (every variable, at Keras' paths under the object's key),
* optimizers (``optimizer.variables``: iterations, learning rate, slots),
* single ``Variable`` s (a step counter, the RNG key variable),
* plain ``dict`` s of extra state (epoch, batch, data-iterator position, seeds ...):
  JSON values and NumPy arrays; restored *in place* into the same dict object.

Every dataset carries a CRC32; restore reads and checks everything before assigning
anything, so a corrupted file raises ``LoadError`` and leaves the objects untouched.
Keeping several checkpoints and falling back is :mod:`.checkpoint_manager`'s job.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

import numpy as np

from xlaflow.saving import object_walk
from xlaflow.saving.atomic import atomic_path
from xlaflow.saving.errors import LoadError
from xlaflow.saving.h5_format import H5Reader, write_h5

FORMAT = "xlaflow.checkpoint"
SUFFIX = ".h5"
MAX_EXTRA_JSON = 16 << 20
KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def data_path(save_path: str) -> str:
    return save_path if save_path.endswith(SUFFIX) else save_path + SUFFIX


def _encode_extra(value: Any, arrays: list, path: str) -> Any:
    from xlaflow.ops.tensor import TensorLike

    if isinstance(value, (str, bool, int, float, type(None))):
        return value
    if isinstance(value, (list, tuple)):
        return [_encode_extra(v, arrays, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str) or k == "__xf_array__":
                raise TypeError(f"Checkpoint: extra-state dict keys must be str. Received: {k!r} at {path}")
            out[k] = _encode_extra(v, arrays, f"{path}.{k}")
        return out
    if isinstance(value, TensorLike):
        value = value.numpy()
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "biufc":
        arrays.append(np.asarray(value))
        return {"__xf_array__": len(arrays) - 1}
    raise TypeError(
        f"Checkpoint: extra state at {path} must be JSON values, NumPy arrays or tensors. Received: {type(value).__name__}"
    )


def _decode_extra(value: Any, arrays: list, depth: int = 0) -> Any:
    if depth > 100:
        raise LoadError("Checkpoint: extra state nests too deeply.")
    if isinstance(value, list):
        return [_decode_extra(v, arrays, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"__xf_array__"}:
            i = value["__xf_array__"]
            if not isinstance(i, int) or not 0 <= i < len(arrays):
                raise LoadError("Checkpoint: extra state refers to a missing array.")
            return arrays[i]
        return {k: _decode_extra(v, arrays, depth + 1) for k, v in value.items()}
    return value


def write_collected(save_path: str, collected: tuple[list, dict]) -> None:
    """Writes :meth:`Checkpoint.collect` output to ``save_path``'s file, atomically
    (host values only: this step touches no device state)."""
    groups, attrs = collected
    with atomic_path(data_path(save_path)) as tmp:
        write_h5(tmp, groups, checksums=True, root_attrs=attrs)


class CheckpointLoadStatus:
    """What :meth:`Checkpoint.restore` returns (TF's status object; everything is
    restored eagerly, so the assertions only check that nothing was left out)."""

    def __init__(self, missing: list[str]):
        self.missing = missing

    def assert_consumed(self) -> "CheckpointLoadStatus":
        if self.missing:
            raise AssertionError(f"Checkpoint: objects not found in the checkpoint: {self.missing}")
        return self

    assert_existing_objects_matched = assert_consumed

    def expect_partial(self) -> "CheckpointLoadStatus":
        return self


class Checkpoint:
    """Groups objects whose state is saved and restored together (TF's ``tf.train.Checkpoint``).

    Args:
      **objects: models/layers, optimizers, Variables and ``dict`` s of extra state,
        by key (``model=``, ``optimizer=``, ``step=``, ``extra=`` ...).

    Example::

        ckpt = xlaflow.train.Checkpoint(model=model, optimizer=opt, step=step, extra={"epoch": 0})
        path = ckpt.save("/tmp/run/ckpt")       # "/tmp/run/ckpt-1" (file ckpt-1.h5)
        ckpt.restore(path)
    """

    def __init__(self, root: Any = None, **objects: Any):
        from xlaflow.ops.variable import Variable

        if root is not None:
            objects = {"root": root, **objects}
        for key, obj in objects.items():
            if not KEY.match(key) or key == "save_counter":
                raise ValueError(f"Checkpoint: invalid object key {key!r} (letters, digits, '_', '.', '-').")
            self._check_kind(key, obj)
        self._objects = dict(objects)
        self.save_counter = Variable(np.zeros((), np.int32), trainable=False, name="save_counter")

    @staticmethod
    def _check_kind(key: str, obj: Any) -> None:
        from xlaflow.layers.layer import Layer
        from xlaflow.ops.variable import Variable
        from xlaflow.optimizers.base import Optimizer

        if not isinstance(obj, (Layer, Optimizer, Variable, dict)):
            raise TypeError(
                f"Checkpoint: argument `{key}` must be a model/layer, an optimizer, a Variable or a dict of extra state. "
                f"Received: {type(obj).__name__}"
            )

    def __getattr__(self, name: str) -> Any:
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)

    # -- layout ---------------------------------------------------------------------------
    def _first_model(self) -> Any:
        """The first tracked model/layer (by key): optimizer slots are ordered for it."""
        from xlaflow.layers.layer import Layer

        return next((self._objects[k] for k in sorted(self._objects) if isinstance(self._objects[k], Layer)), None)

    def _entries(self) -> list[tuple[str, str | None, list, str]]:
        """``(path, name, variables, kind)`` for every tracked variable group."""
        from xlaflow.layers.layer import Layer
        from xlaflow.ops.variable import Variable
        from xlaflow.optimizers.base import Optimizer

        out = [("save_counter", None, [self.save_counter], "variable")]
        for key in sorted(self._objects):
            obj = self._objects[key]
            if isinstance(obj, Layer):
                out += [(p, n, v, "layer") for p, n, v in object_walk.saveables(obj, None, prefix=key)]
            elif isinstance(obj, Optimizer):
                out.append((key, obj.name, object_walk.optimizer_variables(obj, self._first_model()), "optimizer"))
            elif isinstance(obj, Variable):
                out.append((key, None, [obj], "variable"))
        return out

    # -- saving ---------------------------------------------------------------------------
    def write(self, file_prefix: str | os.PathLike) -> str:
        """Writes the checkpoint to ``file_prefix`` (no counter), atomically; returns the path."""
        save_path = os.fspath(file_prefix)
        write_collected(save_path, self.collect())
        return save_path

    def collect(self) -> tuple[list, dict]:
        """Everything :meth:`write` stores, as host values: ``(groups, root_attrs)``."""
        groups = [(p, n, [np.asarray(v.numpy()) for v in vs]) for p, n, vs, _ in self._entries()]
        extras = {}
        for key in sorted(self._objects):
            if isinstance(self._objects[key], dict):
                arrays: list = []
                extras[key] = _encode_extra(self._objects[key], arrays, key)
                groups.append((f"extra/{key}", None, arrays))
        return groups, {"format": FORMAT, "version": 1, "extra": json.dumps(extras)}

    def save(self, file_prefix: str | os.PathLike) -> str:
        """Increments ``save_counter`` and writes ``<file_prefix>-<save_counter>``; returns that path."""
        self.save_counter.assign_add(1)
        return self.write(f"{os.fspath(file_prefix)}-{int(self.save_counter.numpy())}")

    # -- restoring ------------------------------------------------------------------------
    def read(self, save_path: str | os.PathLike) -> CheckpointLoadStatus:
        return self.restore(save_path)

    def restore(self, save_path: str | os.PathLike | None) -> CheckpointLoadStatus | None:
        """Restores every tracked object from ``save_path`` (all or nothing).

        ``None`` does nothing (TF's behaviour for a missing latest checkpoint).

        Raises:
          LoadError: the file is missing, corrupted (checksum), unsafe, or does not
            match the tracked objects.
        """
        if save_path is None:
            return None
        path = data_path(os.fspath(save_path))
        if not os.path.exists(path):
            raise LoadError(f"Checkpoint.restore: no checkpoint at {os.fspath(save_path)!r} (file {path!r}).")
        try:
            plan, extras = self._read(path)
        except LoadError:
            raise
        except Exception as e:  # anything a damaged file can provoke
            raise LoadError(f"Checkpoint.restore: could not read {path!r}: {type(e).__name__}: {e}") from e
        for var, value in plan:
            var.assign(value)
        for key, value in extras.items():
            target = self._objects[key]
            target.clear()
            target.update(value)
        return CheckpointLoadStatus([])

    def _read(self, path: str) -> tuple[list, dict]:
        from xlaflow.layers.layer import Layer
        from xlaflow.optimizers.base import Optimizer

        with H5Reader(path, what=f"checkpoint {path!r}") as reader:
            attrs = reader.file.attrs
            if attrs.get("format", None) != FORMAT:
                raise LoadError(f"{path!r} is not an xlaflow checkpoint.")
            model = self._first_model()
            for key, obj in self._objects.items():
                if isinstance(obj, Layer) and not obj.built:
                    raise LoadError(f"Checkpoint.restore: {key!r} ({obj.name!r}) is not built yet, so it has no "
                                    "variables to restore into. Build it (call it on data or build(input_shape)) first.")
            for key, obj in self._objects.items():
                if isinstance(obj, Optimizer) and not obj.built:
                    stored = reader.var_names(key)
                    if len(stored) > len(obj.variables):
                        if model is None:
                            raise LoadError(
                                f"Checkpoint.restore: optimizer {key!r} is not built; call optimizer.build(var_list) "
                                "before restoring, or track the model in the same Checkpoint.")
                        object_walk.build_optimizer(obj, model)
            plan = []
            for p, n, variables, kind in self._entries():
                expected = [(tuple(v.shape.as_list()), v.dtype.as_numpy_dtype) for v in variables]
                if not variables and not reader.var_names(p):
                    continue
                arrays = reader.read(p, expected, owner=f"{kind} {p!r}", verify_crc=True)
                plan.extend(zip(variables, arrays))
            extras = {}
            raw = attrs.get("extra", "{}")
            raw = raw.decode() if isinstance(raw, bytes) else raw
            if not isinstance(raw, str) or len(raw) > MAX_EXTRA_JSON:
                raise LoadError(f"{path!r}: the extra state is malformed.")
            stored = json.loads(raw)
            if not isinstance(stored, dict):
                raise LoadError(f"{path!r}: the extra state is malformed.")
            for key, obj in self._objects.items():
                if isinstance(obj, dict):
                    if key not in stored:
                        raise LoadError(f"Checkpoint.restore: {path!r} has no extra state {key!r}.")
                    names = reader.var_names(f"extra/{key}")
                    arrays = [reader.read_any(f"extra/{key}", n, max_bytes=os.path.getsize(path)) for n in names]
                    extras[key] = _decode_extra(stored[key], arrays)
        return plan, extras
