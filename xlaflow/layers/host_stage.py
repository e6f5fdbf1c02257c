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


def _is_host(layer: Any) -> bool:
    from xlaflow.layers.host_layer import HostLayer

    return isinstance(layer, HostLayer) and bool(layer.host_only)


def head_of(model: Any) -> dict | list | None:
    """The host head of ``model``: a list of layers applied in order (a Sequential),
    ``{input position: layer}`` (a functional model), or None (no host head)."""
    from xlaflow.layers.input_layer import InputLayer

    inputs = getattr(model, "inputs", None)
    run_order = getattr(model, "_run_order", None)
    if run_order is not None and inputs:
        return _functional_head(model, inputs, run_order)
    if type(model).__name__ == "Sequential" or any(c.__name__ == "Sequential" for c in type(model).__mro__):
        head = []
        for layer in model._layers:
            if isinstance(layer, InputLayer):
                continue
            if not _is_host(layer):
                break
            head.append(layer)
        return head or None
    return None


def _functional_head(model: Any, inputs: list, run_order: list) -> dict | None:
    from xlaflow.layers.symbolic_call import flat_symbolic

    position = {id(t): i for i, t in enumerate(inputs)}
    head: dict = {}
    consumers: dict = {}
    for node in run_order:
        layer = node.attrs.get("keras_layer")
        if layer is None or node.kind == "placeholder":
            continue
        fed = [position[id(t)] for t in flat_symbolic(node.args[:1]) if id(t) in position]
        for i in fed:
            consumers.setdefault(i, []).append(layer)
        if _is_host(layer) and fed:
            if len(flat_symbolic(node.args[:1])) != 1:
                raise NotImplementedError(f"{type(layer).__name__} ({layer.name}) takes several model inputs; xlaflow runs "
                                          "a model's host (string) layers per input. Apply it in the input pipeline "
                                          "(dataset.map) instead.")
            head[fed[0]] = layer
    for i, layer in head.items():
        others = [c for c in consumers.get(i, []) if c is not layer]
        if others:
            raise NotImplementedError(f"model input {i} feeds both {type(layer).__name__} ({layer.name}) and "
                                      f"{[c.name for c in others]}; xlaflow needs a string input to feed only its "
                                      "host layer. Apply the layer in the input pipeline (dataset.map) instead.")
    return head or None


def layers_of(head: Any) -> list:
    if head is None:
        return []
    return list(head.values()) if isinstance(head, dict) else list(head)
