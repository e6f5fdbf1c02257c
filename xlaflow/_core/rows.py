"""Which rows of the current batch are real: the padding mask the training core sets.

The training core pads a ragged batch up to a bucket size so that no batch shape
recompiles. While it runs the step it activates the batch's row mask here (a float
array of shape ``(batch,)``, 1 for real rows and 0 for padding); layers whose
training-time computation mixes rows (``BatchNormalization``'s batch statistics)
read it with :func:`current` and ignore padded rows. Outside the core (or when no
row is padded) :func:`current` returns None.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any, Iterator


class _Local(threading.local):
    def __init__(self) -> None:
        self.stack: list = []


_local = _Local()


def current() -> Any:
    """The active row mask (``(batch,)`` floats), or None."""
    stack = _local.stack
    return stack[-1] if stack else None


@contextmanager
def row_mask(mask: Any) -> Iterator[None]:
    """Makes ``mask`` (or None: every row is real) the active row mask inside the block."""
    _local.stack.append(mask)
    try:
        yield
    finally:
        _local.stack.pop()
