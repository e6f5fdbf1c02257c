"""``tf.data.experimental``: the names TF code still imports from there."""

from __future__ import annotations

from typing import Any

from xlaflow.data.options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY


def cardinality(dataset: Any) -> Any:
    """``tf.data.experimental.cardinality(dataset)``: ``dataset.cardinality()``."""
    return dataset.cardinality()


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "cardinality"]
