"""``keras.callbacks``: the Keras 3 callbacks (re-exports of :mod:`xlaflow.callbacks`)."""

from xlaflow.callbacks import (  # noqa: F401
    BackupAndRestore,
    CallbackList,
    Callback,
    CSVLogger,
    EarlyStopping,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ProgbarLogger,
    ReduceLROnPlateau,
    TensorBoard,
    TerminateOnNaN,
)

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ReduceLROnPlateau", "TensorBoard",
           "TerminateOnNaN"]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("keras.callbacks")
