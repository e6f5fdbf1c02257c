"""The import hook behind ``xlaflow run``: xlaflow serves ``tensorflow`` and ``keras``.

While active, ``import tensorflow as tf`` gives ``xlaflow``, ``tensorflow.keras`` /
``keras`` / ``tf_keras`` give ``xlaflow.keras``, ``tensorflow.compat.v1`` gives
``xlaflow.compat.v1`` and so on for every submodule path xlaflow has
(``from tensorflow.keras.layers import Dense`` imports ``xlaflow.keras.layers``).
A module path xlaflow lacks fails with
:class:`~xlaflow._core.missing.NotImplementedByXlaflow` naming it. The hook is a
context manager so that it is active only for one run and leaves ``sys.modules``
as it found it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from typing import Any

from xlaflow._core.missing import NotImplementedByXlaflow

PREFIXES = {
    "tensorflow.keras": "xlaflow.keras",
    "tensorflow.compat.v1": "xlaflow.compat.v1",
    "tensorflow.compat.v2": "xlaflow",
    "tensorflow": "xlaflow",
    "tf_keras": "xlaflow.keras",
    "keras": "xlaflow.keras",
}


def target_of(name: str) -> str | None:
    """The xlaflow module that serves the import ``name`` (None: not ours)."""
    for prefix in sorted(PREFIXES, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return PREFIXES[prefix] + name[len(prefix):]
    return None


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str):
        self.target = target

    def create_module(self, spec: Any) -> Any:
        return importlib.import_module(self.target)

    def exec_module(self, module: Any) -> None:
        pass


class XlaflowImports(importlib.abc.MetaPathFinder):
    """A meta-path finder that maps TensorFlow/Keras module names to xlaflow's."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        alias = target_of(fullname)
        if alias is None:
            return None
        try:
            importlib.import_module(alias)
        except ModuleNotFoundError as e:
            if e.name is not None and alias.startswith(e.name):
                raise NotImplementedByXlaflow(f"xlaflow does not implement the module {fullname} yet") from None
            raise
        return importlib.machinery.ModuleSpec(fullname, _Alias(alias))

    def __enter__(self) -> "XlaflowImports":
        served = [k for k in sys.modules if target_of(k) is not None]
        self._saved = {k: sys.modules.pop(k) for k in served}
        sys.meta_path.insert(0, self)
        return self

    def __exit__(self, *exc: Any) -> None:
        sys.meta_path.remove(self)
        for k in [k for k in sys.modules if target_of(k) is not None]:
            del sys.modules[k]
        sys.modules.update(self._saved)
