"""Keras 3 optimizers on optax (re-exports; see the modules for each concept).

``base`` holds the :class:`Optimizer` shell (state Variables, config), ``apply`` the
one compiled update step, ``transforms`` the shared optax pieces (clipping), each
algorithm its own module, ``schedules`` the learning-rate schedules and
``registry`` ``get``/``serialize``/``deserialize``. The public Keras paths are
``xlaflow.keras.optimizers`` and ``xlaflow.keras.optimizers.schedules``.
"""

from xlaflow.optimizers import schedules
from xlaflow.optimizers.adadelta import Adadelta
from xlaflow.optimizers.adagrad import Adagrad
from xlaflow.optimizers.adam import Adam, AdamW
from xlaflow.optimizers.adamax import Adamax
from xlaflow.optimizers.base import Optimizer
from xlaflow.optimizers.lion import Lion
from xlaflow.optimizers.nadam import Nadam
from xlaflow.optimizers.registry import deserialize, get, serialize
from xlaflow.optimizers.rmsprop import RMSprop
from xlaflow.optimizers.sgd import SGD

__all__ = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Lion", "Nadam", "Optimizer", "RMSprop", "SGD",
           "deserialize", "get", "schedules", "serialize"]
