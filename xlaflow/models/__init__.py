"""Keras models on xlaflow: ``Model`` (subclassing) and ``Sequential``."""

from xlaflow.models.model import Model  # noqa: F401
from xlaflow.models.sequential import Sequential  # noqa: F401
