"""``xlaflow run SCRIPT.py [ARGS...]``: run an unmodified TensorFlow/Keras script on xlaflow.

The script runs as ``__main__`` with ``sys.argv = [SCRIPT, *ARGS]`` while the import
hook of :mod:`xlaflow.cli.import_hook` serves ``tensorflow``, ``keras`` and
``tf_keras`` from xlaflow. As in a notebook where ``import tensorflow as tf`` already
ran, the names ``tf`` and ``keras`` are predefined, so snippets that use them
without importing them (several of the seed examples do) still run.
Its exit status is the command's.
"""

from __future__ import annotations

import os
import runpy
import sys

from xlaflow.cli.import_hook import XlaflowImports


def run(script: str, args: list[str]) -> int:
    """Runs ``script`` with ``args``; returns its exit status."""
    if not os.path.isfile(script):
        print(f"xlaflow run: no such script: {script}", file=sys.stderr)
        return 2
    saved_argv, saved_path = sys.argv, list(sys.path)
    sys.argv = [script, *args]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        with XlaflowImports():
            import tensorflow as tf  # served by the hook: xlaflow

            runpy.run_path(script, init_globals={"tf": tf, "keras": tf.keras}, run_name="__main__")
    except SystemExit as e:
        code = e.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        sys.argv, sys.path[:] = saved_argv, saved_path
    return 0
