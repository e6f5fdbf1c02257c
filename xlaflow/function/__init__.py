"""The ``@function`` front end: Python traced once per signature, compiled by XLA."""

from xlaflow.function.function import Function, XlaflowRetracingWarning, function  # noqa: F401
from xlaflow.function.control_flow import cond, map_fn, scan, while_loop  # noqa: F401
