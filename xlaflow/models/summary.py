"""``Model.summary()``: the layer table Keras prints (name, type, output shape, params).

A functional model that is not a plain chain adds Keras' "Connected to" column
(``layer[node][tensor]`` of each input), from its ``_summary_connections()``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np


def _size(n_params: int, bytes_per: int = 4) -> str:
    size = n_params * bytes_per
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"  # pragma: no cover


def _params(weights: list) -> int:
    return int(sum(np.prod(w.shape.as_list()) for w in weights))


def rows(model: Any) -> list[tuple[str, str, int]]:
    """(layer "name (Type)", output shape, parameter count) for each layer."""
    shapes = getattr(model, "_output_shapes", {})
    out = []
    for layer in model.layers:
        shape = shapes.get(id(layer))
        out.append((f"{layer.name} ({type(layer).__name__})", "?" if shape is None else str(shape), layer.count_params()))
    return out


def print_summary(model: Any, print_fn: Callable[[str], Any] | None = None, line_length: int | None = None) -> None:
    emit = print_fn or print
    getter = getattr(model, "_summary_connections", None)
    connections = getter() if callable(getter) else None
    if connections is None:
        widths = [33, 26, 15] if not line_length else [int(line_length * f) for f in (0.45, 0.35, 0.2)]
    else:
        widths = [31, 22, 12, 25] if not line_length else [int(line_length * f) for f in (0.32, 0.24, 0.14, 0.3)]
    table = rows(model)
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(cells: tuple) -> str:
        name, shape, params = cells[:3]
        text = f"| {name:<{widths[0]}} | {shape:<{widths[1]}} | {params:>{widths[2]}} |"
        return text + (f" {cells[3]:<{widths[3]}} |" if len(cells) > 3 else "")

    emit(f'Model: "{model.name}"')
    emit(rule)
    emit(line(("Layer (type)", "Output Shape", "Param #") + (() if connections is None else ("Connected to",))))
    emit(rule.replace("-", "="))
    for layer, (name, shape, params) in zip(model.layers, table):
        extra = () if connections is None else (connections.get(id(layer), "-"),)
        emit(line((name, shape, f"{params:,}") + extra))
    emit(rule)
    total = _params(model.weights)
    trainable = _params(model.trainable_weights)
    emit(f" Total params: {total:,} ({_size(total)})")
    emit(f" Trainable params: {trainable:,} ({_size(trainable)})")
    emit(f" Non-trainable params: {total - trainable:,} ({_size(total - trainable)})")
