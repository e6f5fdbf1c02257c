"""Host layers in front of a compiled model: which layers, and the pass-through switch.

A model's *host head* is the host layers (:class:`~xlaflow.layers.host_layer.HostLayer`)
that take the model's inputs directly: a ``Sequential`` whose first layers are host
layers, or a functional model whose ``keras.Input`` feeds a host layer. ``fit``,
``evaluate`` and ``predict`` (:mod:`xlaflow.models.string_inputs`) run the head on
each batch on the host, then run the usual compiled step on the head's outputs;
while that step is traced and run the head's layers are inside :func:`passing_through`
and return their input unchanged (it already is their output).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator


class _Local(threading.local):
    def __init__(self) -> None:
        self.ids: frozenset = frozenset()


_local = _Local()


def passes_through(layer: Any) -> bool:
    """Whether ``layer`` is a head layer whose output the current step is given."""
    return bool(_local.ids) and id(layer) in _local.ids


@contextlib.contextmanager
def passing_through(layers: list) -> Iterator[None]:
    """A block in which the given layers return their inputs unchanged (this thread)."""
    saved = _local.ids
    _local.ids = saved | {id(layer) for layer in layers}
    try:
        yield
    finally:
        _local.ids = saved
