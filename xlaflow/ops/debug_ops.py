"""``xlaflow.print``: prints tensors when the program runs, compiled or not.

Eagerly it prints at once. Inside a compiled function it becomes a host callback in
the program, so it prints on every call with that call's values, not only while the
function is traced (which is what Python's ``print`` does there).
"""

from __future__ import annotations

import sys
from typing import Any

import jax
import numpy as np

from xlaflow._core import state
from xlaflow.ops.tensor import TensorLike, is_traced


def _text(value: Any, summarize: int) -> str:
    if isinstance(value, np.ndarray):
        edge = 3 if summarize is None else (sys.maxsize if summarize < 0 else summarize)
        if value.ndim == 0:
            return str(value.item())
        return np.array2string(value, separator=" ", threshold=edge * 2 if edge != sys.maxsize else sys.maxsize, edgeitems=min(edge, 1000))
    return str(value)


def print(*inputs: Any, output_stream: Any = None, summarize: int | None = 3, sep: str = " ", end: str = "\n", name: str | None = None) -> None:  # noqa: A001
    """Prints ``inputs`` (tensors and Python values) separated by ``sep`` (TF's ``tf.print``).

    Args:
      output_stream: a file-like object; standard error by default, as in TF.
      summarize: how many leading/trailing entries of each dimension to show
        (-1 for all).
    """
    if not isinstance(sep, str) or not isinstance(end, str):
        raise TypeError(f"print: arguments `sep` and `end` must be strings. Received: sep={sep!r}, end={end!r}")
    slots = []
    arrays = []
    for value in inputs:
        if isinstance(value, (TensorLike, jax.Array)):
            arrays.append(value._read() if isinstance(value, TensorLike) else value)
            slots.append(None)
        else:
            slots.append(value)

    def emit(*host: Any) -> None:
        it = iter(host)
        parts = [_text(np.asarray(next(it)), summarize) if s is None else _text(s, summarize) for s in slots]
        stream = output_stream if output_stream is not None else sys.stderr
        stream.write(sep.join(parts) + end)
        if hasattr(stream, "flush"):
            stream.flush()

    scope = state.current()
    if scope is not None and scope.discovering:
        return  # a compiled function's discovery run: the real calls will print
    if any(is_traced(a) for a in arrays):
        jax.debug.callback(emit, *arrays, ordered=True)
    else:
        emit(*arrays)
