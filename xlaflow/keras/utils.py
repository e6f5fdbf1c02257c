"""``keras.utils``: ``to_categorical`` and ``set_random_seed`` (re-exports of :mod:`xlaflow.utils`)."""

from xlaflow.utils import get_random_seed, set_random_seed, to_categorical  # noqa: F401
