"""``tf.train.Saver`` on the checkpoint machinery of :mod:`xlaflow.saving`.

A Saver holds a fixed set of Variables (by name). ``save`` writes them with
:class:`~xlaflow.saving.Checkpoint` — one HDF5 file ``<save_path>[-<step>].h5``,
checksummed and written atomically (temporary file, fsync, rename), so a crash never
leaves a half-written checkpoint under the real name. With ``global_step`` the saves
go through a :class:`~xlaflow.saving.CheckpointManager`, which keeps the newest
``max_to_keep`` and records them in TF's ``checkpoint`` state file, so
``tf.train.latest_checkpoint(directory)`` finds the newest. ``restore`` is all or
nothing: a missing, damaged or mismatched checkpoint raises ``NotFoundError`` and
leaves every Variable as it was.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

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
        self.max_to_keep = max_to_keep
        self._managers: dict = {}

    def _checkpoint(self, names: list) -> Any:
        from xlaflow.saving import Checkpoint

        order = sorted(self._vars)
        names[:] = order
        return Checkpoint(**{f"v{i}": self._vars[k] for i, k in enumerate(order)}, names={"names": names})

    def save(self, sess: Any, save_path: str, global_step: Any = None, **kwargs: Any) -> str:
        """Writes the variables; returns the checkpoint prefix (``save_path`` or ``save_path-<step>``)."""
        from xlaflow.saving import CheckpointManager

        save_path = os.fspath(save_path)
        os.makedirs(os.path.dirname(os.path.abspath(save_path)), exist_ok=True)
        checkpoint = self._checkpoint([])
        if global_step is None:
            return checkpoint.write(save_path)
        step = int(np.asarray(global_step.numpy() if hasattr(global_step, "numpy") else global_step))
        key = os.path.abspath(save_path)
        manager = self._managers.get(key)
        if manager is None:
            manager = self._managers[key] = CheckpointManager(
                checkpoint, os.path.dirname(key), max_to_keep=self.max_to_keep, checkpoint_name=os.path.basename(key))
        manager._checkpoint = checkpoint  # the Variables' current values
        return manager.save(checkpoint_number=step)

    def restore(self, sess: Any, save_path: str) -> None:
        """Assigns the saved values to the variables (all or nothing).

        Raises:
          NotFoundError: no checkpoint at ``save_path``, or it does not hold exactly
            these variables, or it is damaged.
        """
        from xlaflow._core.errors import NotFoundError
        from xlaflow.saving import LoadError

        names: list = []
        checkpoint = self._checkpoint(names)
        try:
            checkpoint.restore(os.fspath(save_path))
        except LoadError as e:
            raise NotFoundError(f"Saver.restore: no usable checkpoint at {save_path!r}: {e}") from None
