"""``keras.models``: model classes and ``load_model``/``save_model`` (re-exports of
:mod:`xlaflow.models` and :mod:`xlaflow.saving`)."""

from xlaflow.models import Model, Sequential  # noqa: F401
from xlaflow.saving import load_model, save_model  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.models")
