"""The ``@function`` front end: Python traced once per signature, compiled by XLA."""

from xlaflow.function.function import Function, XlaflowRetracingWarning, function  # noqa: F401
