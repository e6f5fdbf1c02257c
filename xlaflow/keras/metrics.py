"""``keras.metrics``: metric classes, metric functions, ``get``/``serialize``/``deserialize``.

Re-exports only; the metrics live in :mod:`xlaflow.metrics`.
"""

from xlaflow.losses.hinge import categorical_hinge, hinge, squared_hinge  # noqa: F401
from xlaflow.losses.probabilistic import (  # noqa: F401
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from xlaflow.losses.regression import (  # noqa: F401
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from xlaflow.metrics.accuracy import (  # noqa: F401
    Accuracy,
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    TopKCategoricalAccuracy,
    binary_accuracy,
    categorical_accuracy,
    sparse_categorical_accuracy,
    sparse_top_k_categorical_accuracy,
    top_k_categorical_accuracy,
)
from xlaflow.metrics.auc import AUC  # noqa: F401
from xlaflow.metrics.base import Metric  # noqa: F401
from xlaflow.metrics.confusion import FalseNegatives, FalsePositives, Precision, Recall, TrueNegatives, TruePositives  # noqa: F401
from xlaflow.metrics.probabilistic import (  # noqa: F401
    BinaryCrossentropy,
    CategoricalCrossentropy,
    CategoricalHinge,
    Hinge,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    SquaredHinge,
)
from xlaflow.metrics.reduction import Mean, MeanMetricWrapper, Sum  # noqa: F401
from xlaflow.metrics.registry import deserialize, get, resolve_accuracy, serialize  # noqa: F401
from xlaflow.metrics.regression import (  # noqa: F401
    CosineSimilarity,
    LogCoshError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
)

mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
logcosh = log_cosh

__all__ = [
    'AUC', 'Accuracy', 'BinaryAccuracy', 'BinaryCrossentropy', 'CategoricalAccuracy',
    'CategoricalCrossentropy', 'CategoricalHinge', 'CosineSimilarity', 'FalseNegatives',
    'FalsePositives', 'Hinge', 'KLD', 'KLDivergence', 'LogCoshError', 'MAE', 'MAPE', 'MSE', 'MSLE',
    'Mean', 'MeanAbsoluteError', 'MeanAbsolutePercentageError', 'MeanMetricWrapper',
    'MeanSquaredError', 'MeanSquaredLogarithmicError', 'Metric', 'Poisson', 'Precision', 'Recall',
    'RootMeanSquaredError', 'SparseCategoricalAccuracy', 'SparseCategoricalCrossentropy',
    'SparseTopKCategoricalAccuracy', 'SquaredHinge', 'Sum', 'TopKCategoricalAccuracy',
    'TrueNegatives', 'TruePositives', 'binary_accuracy', 'binary_crossentropy',
    'binary_focal_crossentropy', 'categorical_accuracy', 'categorical_crossentropy',
    'categorical_focal_crossentropy', 'categorical_hinge', 'deserialize', 'get', 'hinge', 'huber',
    'kl_divergence', 'kld', 'log_cosh', 'logcosh', 'mae', 'mape', 'mean_absolute_error',
    'mean_absolute_percentage_error', 'mean_squared_error', 'mean_squared_logarithmic_error', 'mse',
    'msle', 'poisson', 'resolve_accuracy', 'serialize', 'sparse_categorical_accuracy',
    'sparse_categorical_crossentropy', 'sparse_top_k_categorical_accuracy', 'squared_hinge',
    'top_k_categorical_accuracy',
]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.metrics")
