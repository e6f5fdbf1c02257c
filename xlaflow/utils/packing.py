"""``keras.utils.pack_x_y_sample_weight`` / ``unpack_x_y_sample_weight``.

A custom ``train_step(data)`` receives what the dataset yields: ``x``, ``(x,)``,
``(x, y)`` or ``(x, y, sample_weight)``. These two functions convert between that
element and the three parts, with Keras 3's rules.
"""

from __future__ import annotations

from typing import Any


def unpack_x_y_sample_weight(data: Any) -> tuple:
    """``(x, y, sample_weight)`` of a batch (``y`` and ``sample_weight`` may be None).

    Raises:
      ValueError: a tuple or list of more than three parts.
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data[0], data[1], data[2]
    raise ValueError("unpack_x_y_sample_weight: argument `data` must be x, (x,), (x, y) or (x, y, sample_weight). "
                     f"Received: a sequence of {len(data)} parts")


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """The batch element for these parts: ``x`` (or ``(x,)`` when ``x`` is itself a
    tuple or list), ``(x, y)`` or ``(x, y, sample_weight)``."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)
