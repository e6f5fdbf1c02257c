"""``xlaflow.data`` (``tf.data``): input pipelines for fit and custom training loops.

Elements stay host NumPy arrays through the pipeline (batching and shuffling of
in-memory data are slices and fancy indexes) and become xlaflow Tensors only when
iterated; ``prefetch`` overlaps production and device transfer with the consumer.
See ``dataset.py`` for the design.
"""

from xlaflow.data import experimental
from xlaflow.data.dataset import Dataset
from xlaflow.data.iterator import Iterator
from xlaflow.data.options import AUTOTUNE, INFINITE_CARDINALITY, UNKNOWN_CARDINALITY, Options
from xlaflow.data.text import TextLineDataset

__all__ = ["AUTOTUNE", "Dataset", "INFINITE_CARDINALITY", "Iterator", "Options", "TextLineDataset", "UNKNOWN_CARDINALITY", "experimental"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.data")
