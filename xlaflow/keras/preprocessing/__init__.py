"""``keras.preprocessing``: Keras' legacy preprocessing namespace.

Its submodules (``image``, ``sequence``, ``text``) are files of this package, imported
on first access (``keras.preprocessing.image``), so each can be added without
editing this file. Names Keras also exports here directly are listed in ``_NAMES``.
Anything else raises "xlaflow does not implement keras.preprocessing.<name> yet".
"""

import importlib as _importlib
import importlib.util as _util

from xlaflow._core.missing import missing as _missing

_NAMES = {"image_dataset_from_directory": "xlaflow.utils.image_dataset"}
_missing_name = _missing("keras.preprocessing")


def __getattr__(name: str):
    if name in _NAMES:
        return getattr(_importlib.import_module(_NAMES[name]), name)
    if not name.startswith("_") and _util.find_spec(f"{__name__}.{name}") is not None:
        return _importlib.import_module(f"{__name__}.{name}")
    return _missing_name(name)
