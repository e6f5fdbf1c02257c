"""Keras layers on xlaflow (one layer per file; the base class in ``layer.py``)."""

from xlaflow.layers.dense import Dense  # noqa: F401
from xlaflow.layers.input_spec import InputSpec  # noqa: F401
from xlaflow.layers.layer import Layer  # noqa: F401
