"""``xlaflow.compat``: ``compat.v1`` (TensorFlow 1's namespace) and ``compat.v2``
(the main namespace itself)."""

from typing import Any

from xlaflow.compat import v1


def __getattr__(name: str) -> Any:
    if name == "v2":
        import xlaflow

        return xlaflow
    raise AttributeError(f"module 'xlaflow.compat' has no attribute {name!r}")


__all__ = ["v1"]
