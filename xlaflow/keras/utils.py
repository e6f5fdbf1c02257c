"""``keras.utils`` (re-exports): ``to_categorical``, ``set_random_seed``, ``Progbar``,
``PyDataset``, ``pack_x_y_sample_weight``/``unpack_x_y_sample_weight``, ``get_file``,
the image helpers (``image_dataset_from_directory``, ``load_img`` ...) and
``text_dataset_from_directory``."""

from xlaflow.callbacks import Progbar  # noqa: F401
from xlaflow.utils import get_random_seed, set_random_seed, to_categorical  # noqa: F401
from xlaflow.utils.get_file import get_file  # noqa: F401
from xlaflow.utils.image_dataset import image_dataset_from_directory  # noqa: F401
from xlaflow.utils.image_utils import array_to_img, img_to_array, load_img, save_img  # noqa: F401
from xlaflow.utils.packing import pack_x_y_sample_weight, unpack_x_y_sample_weight  # noqa: F401
from xlaflow.utils.py_dataset import PyDataset, Sequence  # noqa: F401
from xlaflow.utils.text_dataset import text_dataset_from_directory  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.utils")
