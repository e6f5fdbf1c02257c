"""Layer assets in ``.keras`` files: ``assets/<layer path>/<file>`` (Keras 3's layout).

Some layers keep state outside their variables -- a lookup layer's vocabulary. Keras
calls ``layer.save_assets(dir)`` when saving and ``layer.load_assets(dir)`` when
loading (after the variables), with one directory per layer at the layer's path in
the object tree (the path its weights have in ``model.weights.h5``:
:func:`xlaflow.saving.object_walk.layer_paths`). Loading reads the members through
the archive checks (:class:`~xlaflow.saving.archive.SafeZipReader`) with a size limit
per file, into a temporary directory the layer reads.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from xlaflow.saving import object_walk
from xlaflow.saving.errors import LoadError

ASSETS = "assets"
MAX_ASSET_BYTES = 512 * 2**20


def _prefix(path: str) -> str:
    return f"{ASSETS}/{path}/" if path else f"{ASSETS}/"


def asset_members(model: Any) -> list[tuple[str, bytes]]:
    """The ``(member name, bytes)`` of every asset file the model's layers write."""
    members: list = []
    for path, layer in object_walk.layer_paths(model):
        save = getattr(layer, "save_assets", None)
        if not callable(save):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            save(tmp)
            for root, _, files in os.walk(tmp):
                for name in sorted(files):
                    full = os.path.join(root, name)
                    rel = os.path.relpath(full, tmp).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        members.append((_prefix(path) + rel, f.read()))
    return members


def read_asset_members(z: Any, model: Any) -> list[tuple[Any, dict]]:
    """``(layer, {relative name: bytes})`` for each layer that loads assets, read from
    the open archive ``z`` (nothing is given to the layers yet)."""
    out = []
    for path, layer in object_walk.layer_paths(model):
        if not callable(getattr(layer, "load_assets", None)):
            continue
        prefix = _prefix(path)
        files = {name[len(prefix):]: z.read(name, MAX_ASSET_BYTES) for name in z.names if name.startswith(prefix)}
        out.append((layer, files))
    return out


def load_asset_files(model: Any, files: list[tuple[Any, dict]]) -> None:
    """Gives each layer its asset files (in a temporary directory) via ``load_assets``."""
    for layer, members in files:
        with tempfile.TemporaryDirectory() as tmp:
            for rel, data in members.items():
                target = os.path.join(tmp, *rel.split("/"))
                if not os.path.abspath(target).startswith(os.path.abspath(tmp) + os.sep):
                    raise LoadError(f"asset member {rel!r} escapes its directory")
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)
            try:
                layer.load_assets(tmp)
            except FileNotFoundError as e:
                raise LoadError(f"layer {layer.name!r} needs asset files the archive does not hold "
                                f"(under {ASSETS}/...): {e}") from e
