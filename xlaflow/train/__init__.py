"""``tf.train`` (TF1): the v1 optimizers, the global step, learning-rate decay and a
minimal ``Saver``, all building nodes of :mod:`xlaflow.graph`."""

from xlaflow.train.learning_rate import create_global_step, exponential_decay, get_global_step, get_or_create_global_step
from xlaflow.train.optimizer import Optimizer
from xlaflow.train.optimizers import (
    AdagradOptimizer,
    AdamOptimizer,
    GradientDescentOptimizer,
    MomentumOptimizer,
    RMSPropOptimizer,
)
from xlaflow.train.saver import Saver
from xlaflow.saving import Checkpoint, CheckpointManager, latest_checkpoint  # noqa: F401  (TF2 tf.train)

__all__ = [
    "AdagradOptimizer", "AdamOptimizer", "GradientDescentOptimizer", "MomentumOptimizer", "Optimizer",
    "RMSPropOptimizer", "Saver", "create_global_step", "exponential_decay", "get_global_step",
    "get_or_create_global_step",
]
__all__ += ["Checkpoint", "CheckpointManager", "latest_checkpoint"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.train")
