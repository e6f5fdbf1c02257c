"""Helpers behind ``keras.utils`` and the Keras object registries.

``numerical`` (``to_categorical``), ``seed`` (``set_random_seed``) and
``object_registry`` (name and config-dict lookup shared by activations,
initializers, regularizers and constraints). The public ``keras.utils`` namespace
re-exports from here.
"""

from xlaflow.utils.numerical import to_categorical  # noqa: F401
from xlaflow.utils.seed import get_random_seed, set_random_seed  # noqa: F401
