"""Automatic differentiation front end: ``GradientTape`` over recorded programs."""

from xlaflow.autodiff.tape import GradientTape  # noqa: F401
