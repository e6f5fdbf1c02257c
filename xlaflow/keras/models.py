"""``keras.models``: model classes (re-exports of :mod:`xlaflow.models`)."""

from xlaflow.models import Model, Sequential  # noqa: F401
