"""A counter of layer-structure changes, for caches derived from the structure.

Bumped whenever any layer gains a sub-layer or a weight, loses one, or has its
``trainable`` flag set. Whatever is computed from a layer's structure (its
``trainable_weights`` list, its traced calls in :mod:`xlaflow.layers.recorded_call`)
stores the count it was computed at and is recomputed when the count moved. One
global counter keeps the bookkeeping trivially correct; structure changes are rare.
"""

from __future__ import annotations

_count = 0


def changed() -> None:
    """Records that some layer's structure (sub-layers, weights, trainable flags) changed."""
    global _count
    _count += 1


def version() -> int:
    """The current count: equal counts mean no layer's structure changed in between."""
    return _count
