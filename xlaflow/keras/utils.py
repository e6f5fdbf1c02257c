"""``keras.utils``: ``to_categorical``, ``set_random_seed`` and ``Progbar`` (re-exports)."""

from xlaflow.callbacks import Progbar  # noqa: F401
from xlaflow.utils import get_random_seed, set_random_seed, to_categorical  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.utils")
