"""The op set: ``Tensor``, ``Variable``, conversion, dispatch and every op.

Each op is written once, as a pure JAX function registered with
:func:`xlaflow.ops.dispatch.op`; the public namespaces (``xlaflow``, ``xlaflow.math``,
``xlaflow.nn`` ...) only re-export them. Importing this package installs the Python
operators on ``Tensor`` and ``Variable``.
"""

from xlaflow.ops import operators as _operators
from xlaflow.ops import string_ops as _string_ops
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable

_operators.install(Tensor, Variable)
_string_ops.install()  # string tensors: generic ops computed on the host
