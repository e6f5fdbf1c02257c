"""``keras.preprocessing``: Keras 2's preprocessing helpers, one submodule each
(``sequence``; ``image`` and ``text`` where present). A submodule is imported on first
attribute access (``keras.preprocessing.sequence.pad_sequences``); any other name is
the usual "xlaflow does not implement" error."""

import importlib as _importlib

from xlaflow._core.missing import missing as _missing

_missing_name = _missing("keras.preprocessing")


def __getattr__(name: str):
    if not name.startswith("_") and _importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return _importlib.import_module(f"{__name__}.{name}")
    return _missing_name(name)
