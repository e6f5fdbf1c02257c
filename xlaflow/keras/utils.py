"""``keras.utils``: ``to_categorical``, ``set_random_seed``, ``Progbar`` and
``text_dataset_from_directory`` (re-exports)."""

from xlaflow.callbacks import Progbar  # noqa: F401
from xlaflow.utils import get_random_seed, set_random_seed, to_categorical  # noqa: F401
from xlaflow.utils.text_dataset import text_dataset_from_directory  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.utils")
