"""The ``.keras`` archive and ``.weights.h5`` files: saving and (safe) loading of whole models.

A ``.keras`` file is Keras 3's zip of three members:

* ``metadata.json`` — ``{"keras_version", "date_saved"}`` (plus ``xlaflow_version``);
* ``config.json`` — the model's config (:func:`serialize_keras_object`) with its
  ``compile_config`` (optimizer, loss, metrics) and ``build_config``;
* ``model.weights.h5`` — every variable, optimizer state included, in Keras'
  layout (:mod:`.object_walk`, :mod:`.h5_format`).

Files written here load in real Keras 3 and files written by Keras 3 (for the
layers xlaflow has) load here. Writes are atomic (:mod:`.atomic`); loads go through
the archive, HDF5 and config checks of :mod:`.archive`, :mod:`.h5_format` and
:mod:`.serialization` and assign nothing until every value has been read and checked
(a failed load leaves the model as it was). Every failure is a ``LoadError``.
"""

from __future__ import annotations

import io
import json
import os
import time
import warnings
from typing import Any, Mapping

import numpy as np

from xlaflow.saving import archive, object_walk
from xlaflow.saving.atomic import atomic_path
from xlaflow.saving.errors import LoadError
from xlaflow.saving.h5_format import H5Reader, write_h5
from xlaflow.saving.registry import CustomObjectScope
from xlaflow.saving.serialization import SafeModeScope, WeightBudget, deserialize_keras_object, serialize_keras_object

KERAS_FORMAT_VERSION = "3.15.1"  # the Keras 3 release whose file layout this writes
CONFIG_NAME = "config.json"
METADATA_NAME = "metadata.json"
WEIGHTS_NAME = "model.weights.h5"


def _xlaflow_version() -> str:
    try:
        from importlib.metadata import version

        return version("xlaflow")
    except Exception:  # not installed (run from a checkout)
        return "0.1.0"


def _check_overwrite(filepath: str, overwrite: bool, owner: str) -> None:
    if not isinstance(overwrite, bool):
        raise TypeError(f"{owner}: argument `overwrite` must be a bool. Received: overwrite={overwrite!r}")
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{owner}: {filepath!r} exists and `overwrite=False`. Received: filepath={filepath!r}")


def _optimizer(model: Any) -> Any:
    from xlaflow.optimizers.base import Optimizer

    opt = getattr(model, "optimizer", None)
    return opt if isinstance(opt, Optimizer) else None


def compile_config(model: Any) -> dict | None:
    """The model's ``compile_config``: ``model.get_compile_config()`` when the model
    was compiled, else one holding just the optimizer (a custom loop's
    ``model.optimizer``), else None."""
    getter = getattr(model, "get_compile_config", None)
    config = getter() if callable(getter) else None
    if config is not None:
        return config
    opt = _optimizer(model)
    if opt is None:
        return None
    return {"optimizer": serialize_keras_object(opt), "loss": None, "loss_weights": None, "metrics": None,
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1, "jit_compile": True}


def model_config(model: Any) -> dict:
    """The ``config.json`` content of ``model``."""
    config = serialize_keras_object(model)
    cc = compile_config(model)
    if cc is not None:
        cc = dict(cc)
        if "steps_per_execution" in cc and not isinstance(cc["steps_per_execution"], int):
            cc["steps_per_execution"] = 1  # "auto" is xlaflow's; Keras 3 files hold an int
        config["compile_config"] = serialize_keras_object(cc)
    return config


def _h5_groups(model: Any, optimizer: Any) -> list:
    return [(path, name, _named([np.asarray(v.numpy()) for v in variables], variables))
            for path, name, variables in object_walk.saveables(model, optimizer)]


def _named(arrays: list, variables: list) -> Any:
    """The arrays, or ``{name: array}`` when some are stored by name (``idf_weights``)."""
    if not any(hasattr(v, "store_key") for v in variables):
        return arrays
    return {getattr(v, "store_key", str(i)): a for i, (v, a) in enumerate(zip(variables, arrays))}


def weights_bytes(model: Any, include_optimizer: bool = True) -> bytes:
    """The ``.weights.h5`` content of ``model`` (and its optimizer), in memory."""
    buf = io.BytesIO()
    write_h5(buf, _h5_groups(model, _optimizer(model) if include_optimizer else None))
    return buf.getvalue()


def save_model(model: Any, filepath: str | os.PathLike, overwrite: bool = True, zipped: bool | None = None,
               **kwargs: Any) -> None:
    """Writes ``model`` to a ``.keras`` file atomically (Keras' ``keras.saving.save_model``).

    Raises:
      ValueError: ``filepath`` does not end in ``.keras`` (or ``zipped=False``).
      FileExistsError: it exists and ``overwrite`` is False.
    """
    if kwargs:
        raise TypeError(f"save_model: unexpected keyword arguments {sorted(kwargs)}. Received: {kwargs!r}")
    if zipped is False:
        raise ValueError("save_model: xlaflow writes only the zipped `.keras` format. Received: zipped=False")
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".keras"):
        raise ValueError(
            "save: xlaflow saves models in the native Keras format: the file name must end in `.keras` "
            f"(use save_weights() for a `.weights.h5` file). Received: filepath={filepath!r}"
        )
    _check_overwrite(filepath, overwrite, "save")
    archive.write_archive(filepath, archive_members(model))


def archive_members(model: Any) -> list[tuple[str, bytes]]:
    """The ``(name, bytes)`` members of ``model``'s ``.keras`` file, in Keras' order."""
    metadata = {"keras_version": KERAS_FORMAT_VERSION, "date_saved": time.strftime("%Y-%m-%d@%H:%M:%S"),
                "xlaflow_version": _xlaflow_version()}
    from xlaflow.saving import assets

    return [
        (METADATA_NAME, json.dumps(metadata).encode()),
        (CONFIG_NAME, json.dumps(model_config(model)).encode()),
        (WEIGHTS_NAME, weights_bytes(model)),
    ] + assets.asset_members(model)


def save_weights(model: Any, filepath: str | os.PathLike, overwrite: bool = True, max_shard_size: Any = None) -> None:
    """Writes every variable of ``model`` (and its optimizer) to a ``.weights.h5`` file atomically."""
    if max_shard_size is not None:
        raise ValueError(f"save_weights: sharded weights are not supported. Received: max_shard_size={max_shard_size!r}")
    filepath = os.fspath(filepath)
    if not str(filepath).endswith(".weights.h5"):
        raise ValueError(f"save_weights: the filename must end in `.weights.h5`. Received: filepath={filepath!r}")
    _check_overwrite(filepath, overwrite, "save_weights")
    groups = _h5_groups(model, _optimizer(model))
    with atomic_path(filepath) as tmp:
        write_h5(tmp, groups)


# --------------------------------------------------------------------------- loading
def _read_plan(reader: H5Reader, model: Any, optimizer: Any, skip_mismatch: bool = False,
               prefix: str = "", verify_crc: bool = False) -> list:
    """``(variable, array)`` pairs for everything the file holds for ``model``/``optimizer``
    (read and checked; nothing assigned yet)."""
    plan = []
    for path, name, variables in object_walk.saveables(model, None, prefix=prefix):
        expected = [(tuple(v.shape.as_list()), v.dtype.as_numpy_dtype) for v in variables]
        if not variables and not reader.var_names(path):
            continue
        try:
            arrays = reader.read(path, expected, owner=f"layer {name!r}", verify_crc=verify_crc)
        except LoadError as e:
            if not skip_mismatch:
                raise
            warnings.warn(f"Skipping loading weights for layer {name!r}: {e}", stacklevel=3)
            continue
        plan.extend(zip(variables, arrays))
    if optimizer is not None:
        plan.extend(_optimizer_plan(reader, model, optimizer, prefix, verify_crc))
    return plan


def _optimizer_plan(reader: H5Reader, model: Any, optimizer: Any, prefix: str, verify_crc: bool) -> list:
    path = f"{prefix}/optimizer" if prefix else "optimizer"
    names = reader.var_names(path)
    if not names:
        return []
    if not optimizer.built and len(names) > len(optimizer.variables) and model is not None:
        object_walk.build_optimizer(optimizer, model)
    variables = object_walk.optimizer_variables(optimizer, model)
    if len(names) != len(variables):
        warnings.warn(
            f"Skipping variable loading for optimizer {optimizer.name!r}, because it has {len(variables)} variables "
            f"whereas the saved optimizer has {len(names)} variables.", stacklevel=4)
        return []
    expected = [(tuple(v.shape.as_list()), v.dtype.as_numpy_dtype) for v in variables]
    return list(zip(variables, reader.read(path, expected, owner=f"optimizer {optimizer.name!r}", verify_crc=verify_crc)))


def assign_plan(plan: list) -> None:
    for var, value in plan:
        var.assign(value)


def _open_weights(filepath: str):
    """A context manager yielding an :class:`H5Reader` for a ``.keras`` or ``.weights.h5`` file."""
    import contextlib

    @contextlib.contextmanager
    def opened():
        if filepath.endswith(".keras"):
            with archive.SafeZipReader(filepath) as z:
                with z.open(WEIGHTS_NAME) as stream:
                    with H5Reader(stream, what=f"weights of {filepath!r}") as reader:
                        yield reader
        else:
            with H5Reader(filepath, what=f"weights file {filepath!r}") as reader:
                yield reader

    return opened()


def load_weights(model: Any, filepath: str | os.PathLike, skip_mismatch: bool = False) -> None:
    """Loads weights (and optimizer state, if the model has an optimizer) from a
    ``.weights.h5`` or ``.keras`` file; all or nothing.

    Raises:
      LoadError: the file is unsafe, corrupted or does not match the model.
    """
    filepath = os.fspath(filepath)
    if not (filepath.endswith(".weights.h5") or filepath.endswith(".keras")):
        raise ValueError(
            f"load_weights: the file name must end in `.weights.h5` or `.keras`. Received: filepath={filepath!r}")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"load_weights: no file at {filepath!r}")
    _ensure_built(model, "load_weights")
    try:
        with _open_weights(filepath) as reader:
            plan = _read_plan(reader, model, _optimizer(model), skip_mismatch=skip_mismatch)
    except LoadError:
        raise
    except Exception as e:  # anything else a hostile file can provoke
        raise LoadError(f"load_weights: could not load {filepath!r}: {type(e).__name__}: {e}") from e
    assign_plan(plan)


def _ensure_built(model: Any, owner: str) -> None:
    if not getattr(model, "built", False):
        raise ValueError(
            f"{owner}: model {getattr(model, 'name', model)!r} is not built yet, so it has no variables to load into. "
            "Call it on data or call model.build(input_shape) first."
        )


def _apply_compile_config(model: Any, config: Any, custom_objects: Mapping | None, safe_mode: bool) -> None:
    if not isinstance(config, dict):
        raise LoadError(f"compile_config must be a dict. Received: {type(config).__name__}")
    objects = deserialize_keras_object(config, custom_objects, safe_mode)  # built from the allowlist only
    if callable(getattr(model, "compile_from_config", None)):
        # The optimizer, losses and metrics arrive as objects: nothing of the file's
        # config reaches compile() without going through the safe deserializer.
        with CustomObjectScope(custom_objects or {}), SafeModeScope(safe_mode):
            model.compile_from_config(objects)
        return
    from xlaflow.optimizers.base import Optimizer

    if isinstance(objects.get("optimizer"), Optimizer):
        model.optimizer = objects["optimizer"]


def load_model(filepath: str | os.PathLike, custom_objects: Mapping[str, Any] | None = None, compile: bool = True,
               safe_mode: bool = True) -> Any:
    """Loads a model saved with ``model.save()`` (by xlaflow or Keras 3), safely.

    Args:
      filepath: a ``.keras`` file.
      custom_objects: ``{name: class_or_function}`` for user classes in the file.
      compile: restore the compile configuration and the optimizer's state.
      safe_mode: refuse serialized Python code (Lambda layers with lambdas). Pass
        ``False`` only for a file you trust; it applies to this call only.

    Raises:
      LoadError: the file is corrupted, unsafe, or names a class that is neither
        xlaflow's, nor registered, nor in ``custom_objects``.
    """
    filepath = os.fspath(filepath)
    for arg, value in (("compile", compile), ("safe_mode", safe_mode)):
        if not isinstance(value, bool):
            raise TypeError(f"load_model: argument `{arg}` must be a bool. Received: {arg}={value!r}")
    if custom_objects is not None and not isinstance(custom_objects, Mapping):
        raise TypeError(f"load_model: argument `custom_objects` must be a dict or None. Received: {custom_objects!r}")
    if not os.path.exists(filepath):
        raise FileNotFoundError(f"load_model: no file at {filepath!r}")
    if filepath.endswith((".h5", ".hdf5")) and not archive.is_zip(filepath):
        from xlaflow.saving.legacy_h5 import load_legacy_h5

        return load_legacy_h5(filepath, custom_objects, compile, safe_mode)
    if not filepath.endswith(".keras"):
        raise ValueError(f"load_model: the file name must end in `.keras` (or `.h5` for legacy files). Received: {filepath!r}")
    try:
        return _load_keras(filepath, custom_objects, compile, safe_mode)
    except LoadError:
        raise
    except Exception as e:  # anything else a hostile file can provoke becomes a LoadError
        raise LoadError(f"load_model: could not load {filepath!r}: {type(e).__name__}: {e}") from e


def _load_keras(filepath: str, custom_objects: Mapping | None, compile: bool, safe_mode: bool) -> Any:
    from xlaflow.layers.layer import Layer

    with archive.SafeZipReader(filepath) as z:
        config = z.read_json(CONFIG_NAME)
        if METADATA_NAME in z.names:
            z.read_json(METADATA_NAME)
        cc = config.pop("compile_config", None) if isinstance(config, dict) else None
        if WEIGHTS_NAME not in z.names:
            raise LoadError(f"{filepath!r} has no {WEIGHTS_NAME} member.")
        with WeightBudget(z.info(WEIGHTS_NAME).file_size):
            model = deserialize_keras_object(config, custom_objects, safe_mode)
        if not isinstance(model, Layer):
            raise LoadError(f"{filepath!r}: config.json does not describe a model. Received: {type(model).__name__}")
        if compile and cc:
            _apply_compile_config(model, cc, custom_objects, safe_mode)
        if not model.built:
            raise LoadError(f"{filepath!r}: the model could not be built from its config (no input shape recorded).")
        opt = _optimizer(model) if compile else None
        if opt is not None:
            object_walk.build_optimizer(opt, model)
        with z.open(WEIGHTS_NAME) as stream:
            with H5Reader(stream, what=f"weights of {filepath!r}") as reader:
                plan = _read_plan(reader, model, opt)
        from xlaflow.saving import assets

        files = assets.read_asset_members(z, model)
    assign_plan(plan)
    assets.load_asset_files(model, files)  # after the variables, as Keras does (tf_idf reads its weights)
    return model
