"""Legacy Keras 2 whole-model ``.h5`` files, loaded through the same safe path.

A Keras 2 ``model.save("m.h5")`` file keeps the model config as JSON in the root
attribute ``model_config`` and the weights under ``model_weights/<layer name>/``
(attribute ``weight_names`` lists the datasets in order). Keras once loaded these
ignoring ``safe_mode`` (CVE-2025-9905); here the config goes through exactly the
same checks as a ``.keras`` file — bounded read, no serialized code in safe mode,
allowlisted classes only — and the file through the HDF5 checks of
:mod:`.h5_format`. Only the architecture and weights are restored (a legacy
file's optimizer state is not; a warning says so when the file has one).
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Mapping

import h5py
import numpy as np

from xlaflow.saving.archive import MAX_JSON_BYTES
from xlaflow.saving.errors import LoadError, UnsafeContentError
from xlaflow.saving.h5_format import H5Reader, _cast
from xlaflow.saving.serialization import WeightBudget, check_no_code, deserialize_keras_object


def _read_json_attr(f: h5py.File, name: str) -> Any:
    if name not in f.attrs:
        return None
    size = f.attrs.get_id(name).get_storage_size()
    if size > MAX_JSON_BYTES:
        raise UnsafeContentError(f"The legacy file's {name!r} attribute is {size} bytes; the limit is {MAX_JSON_BYTES}.")
    raw = f.attrs[name]
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    if not isinstance(raw, str):
        raise LoadError(f"The legacy file's {name!r} attribute must be a JSON string.")
    return json.loads(raw)


def _names(attr: Any) -> list[str]:
    return [n.decode("utf-8") if isinstance(n, bytes) else str(n) for n in np.atleast_1d(attr)] if attr is not None else []


def load_legacy_h5(filepath: str, custom_objects: Mapping[str, Any] | None, compile: bool, safe_mode: bool) -> Any:
    """Loads a Keras 2 ``.h5`` model file safely (architecture and weights)."""
    try:
        with H5Reader(filepath, what=f"legacy model file {filepath!r}") as reader:
            f = reader.file
            config = _read_json_attr(f, "model_config")
            if not isinstance(config, dict):
                raise LoadError(f"{filepath!r} has no model config (is it a weights-only file? use load_weights).")
            if safe_mode:
                check_no_code(config)
            with WeightBudget(os.path.getsize(filepath)):
                model = deserialize_keras_object(config, custom_objects, safe_mode, prefer="layers")
            if not getattr(model, "built", False):
                raise LoadError(f"{filepath!r}: the model could not be built from its config.")
            plan = []
            group = f["model_weights"] if "model_weights" in f else f
            for layer in model.layers:
                variables = [v for v in layer._weights if v.trainable] + [v for v in layer._weights if not v.trainable]
                if layer.name not in group:
                    if variables:
                        raise LoadError(f"{filepath!r} has no weights for layer {layer.name!r}.")
                    continue
                g = group[layer.name]
                names = _names(g.attrs.get("weight_names", None))
                if len(names) != len(variables):
                    raise LoadError(f"{filepath!r} holds {len(names)} weights for layer {layer.name!r}, which has {len(variables)}.")
                for var, name in zip(variables, names):
                    dset = g[name]
                    if not isinstance(dset, h5py.Dataset) or tuple(dset.shape) != tuple(var.shape.as_list()):
                        raise LoadError(f"{filepath!r}: weight {name!r} of layer {layer.name!r} does not match its shape.")
                    plan.append((var, _cast(np.asarray(dset[()]), var.dtype.as_numpy_dtype, f"weight {name!r}")))
            has_training = "training_config" in f.attrs
    except LoadError:
        raise
    except Exception as e:  # anything a hostile file can provoke
        raise LoadError(f"load_model: could not load the legacy file {filepath!r}: {type(e).__name__}: {e}") from e
    for var, value in plan:
        var.assign(value)
    if compile and has_training:
        warnings.warn(f"load_model: {filepath!r} is a legacy Keras 2 file; its optimizer state is not restored. "
                      "Call compile() before training.", stacklevel=3)
    return model
