"""``LoadError``: the one exception a refused or failed load raises.

Every loader in :mod:`xlaflow.saving` turns whatever goes wrong while reading a
file — a malformed zip, an unsafe member name, a class that is not on the
allowlist, a truncated HDF5 file, a shape mismatch — into a ``LoadError`` (chained
to the original exception), so a caller needs exactly one ``except`` clause and a
fuzzer can tell "refused cleanly" from "crashed". It subclasses ``ValueError``
because Keras raises ``ValueError`` for the same conditions, so existing
``except ValueError`` code keeps working.
"""

from __future__ import annotations


class LoadError(ValueError):
    """A file could not be loaded safely (bad format, unsafe content, or mismatch)."""


class UnsafeContentError(LoadError):
    """A file asks for something safe mode forbids (Python code, a non-allowlisted
    class, an HDF5 link or external dataset, an unsafe archive member)."""
