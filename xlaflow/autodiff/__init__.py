"""Automatic differentiation front end: ``GradientTape`` over recorded programs."""

from xlaflow.autodiff.tape import GradientTape  # noqa: F401
from xlaflow.autodiff import chain  # noqa: F401,E402 - installs the hooks that defer eager ops on pending gradients
