"""``keras.losses``: loss classes, loss functions and ``get``/``serialize``/``deserialize``.

Re-exports only; the losses live in :mod:`xlaflow.losses`.
"""

from xlaflow.losses.base import Loss, LossFunctionWrapper, Reduction, reduce_weighted_values  # noqa: F401
from xlaflow.losses.hinge import CategoricalHinge, Hinge, SquaredHinge, categorical_hinge, hinge, squared_hinge  # noqa: F401
from xlaflow.losses.probabilistic import (  # noqa: F401
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    KLDivergence,
    Poisson,
    SparseCategoricalCrossentropy,
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from xlaflow.losses.registry import deserialize, get, serialize  # noqa: F401
from xlaflow.losses.regression import (  # noqa: F401
    CosineSimilarity,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    cosine_similarity,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)

# Keras' short aliases (functions).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
bce = BCE = binary_crossentropy
logcosh = log_cosh

__all__ = [
    'BCE', 'BinaryCrossentropy', 'BinaryFocalCrossentropy', 'CategoricalCrossentropy',
    'CategoricalFocalCrossentropy', 'CategoricalHinge', 'CosineSimilarity', 'Hinge', 'Huber', 'KLD',
    'KLDivergence', 'LogCosh', 'Loss', 'LossFunctionWrapper', 'MAE', 'MAPE', 'MSE', 'MSLE',
    'MeanAbsoluteError', 'MeanAbsolutePercentageError', 'MeanSquaredError',
    'MeanSquaredLogarithmicError', 'Poisson', 'Reduction', 'SparseCategoricalCrossentropy',
    'SquaredHinge', 'bce', 'binary_crossentropy', 'binary_focal_crossentropy',
    'categorical_crossentropy', 'categorical_focal_crossentropy', 'categorical_hinge',
    'cosine_similarity', 'deserialize', 'get', 'hinge', 'huber', 'kl_divergence', 'kld',
    'kullback_leibler_divergence', 'log_cosh', 'logcosh', 'mae', 'mape', 'mean_absolute_error',
    'mean_absolute_percentage_error', 'mean_squared_error', 'mean_squared_logarithmic_error', 'mse',
    'msle', 'poisson', 'reduce_weighted_values', 'serialize', 'sparse_categorical_crossentropy',
    'squared_hinge',
]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.losses")
