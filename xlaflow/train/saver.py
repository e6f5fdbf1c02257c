"""A minimal ``tf.train.Saver``: save and restore Variable values by name.

The checkpoint is one ``<save_path>.npz`` file (names -> arrays), written atomically:
a temporary file in the same directory, flushed and fsynced, then ``os.replace``d, so
a crash never leaves a half-written checkpoint under the real name.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

import numpy as np

from xlaflow._core import state
from xlaflow.graph import graph as graph_module
from xlaflow.graph.interpreter import is_variable


def _name(var: Any) -> str:
    return var.name.split(":")[0]


class Saver:
    """Saves/restores ``var_list`` (a list of Variables or a dict name -> Variable;
    default: the default graph's global variables at construction)."""

    def __init__(self, var_list: Any = None, reshape: bool = False, sharded: bool = False, max_to_keep: int = 5,
                 **kwargs: Any):
        if var_list is None:
            var_list = graph_module.get_default_graph().variables()
        if isinstance(var_list, dict):
            items = dict(var_list)
        else:
            items = {}
            for v in var_list:
                if not is_variable(v):
                    raise TypeError(f"Saver: argument `var_list` must hold Variables. Received: {v!r:.200}")
                items[_name(v)] = v
        if not items:
            raise ValueError("Saver: there are no variables to save.")
        self._vars = items

    def save(self, sess: Any, save_path: str, global_step: Any = None, **kwargs: Any) -> str:
        """Writes the variables; returns the checkpoint prefix (``save_path-step``)."""
        if global_step is not None:
            step = int(np.asarray(global_step.numpy() if hasattr(global_step, "numpy") else global_step))
            save_path = f"{save_path}-{step}"
        path = os.fspath(save_path) + ".npz"
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        values = {k: np.asarray(state.read(v)) for k, v in self._vars.items()}
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez(f, **values)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return save_path

    def restore(self, sess: Any, save_path: str) -> None:
        """Assigns the saved values to the variables (every one must be present).

        Raises:
          NotFoundError: no checkpoint at ``save_path``, or a variable is missing from it.
        """
        from xlaflow._core.errors import NotFoundError

        path = os.fspath(save_path) + ".npz"
        if not os.path.exists(path):
            raise NotFoundError(f"Saver.restore: no checkpoint found at {save_path!r} (looked for {path!r}).")
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in self._vars if k not in data.files]
            if missing:
                raise NotFoundError(f"Saver.restore: the checkpoint {save_path!r} has no value for {missing}.")
            for k, v in self._vars.items():
                v.assign(data[k])
