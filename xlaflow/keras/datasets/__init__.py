"""``keras.datasets``: the small datasets Keras downloads, with Keras' files and arrays.

Each module's ``load_data`` fetches Keras' own file (same name, URL and hash) through
:func:`keras.utils.get_file`, so a file Keras already cached in ``~/.keras/datasets``
(or ``$KERAS_HOME/datasets``) is reused, and returns the NumPy arrays Keras returns
(same layout, dtype, order and shuffling). Pickled members are read with a restricted
unpickler that admits NumPy arrays only (:mod:`._files`).
"""

from xlaflow.keras.datasets import (  # noqa: F401
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.datasets")
