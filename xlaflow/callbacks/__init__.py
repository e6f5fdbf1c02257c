"""Keras callbacks (``keras.callbacks``), re-exported by ``xlaflow.keras.callbacks``.

One concept per module: the ``Callback`` base, the ``CallbackList`` the trainer
calls, ``History``, ``ProgbarLogger`` (on the Keras-style ``Progbar``),
``EarlyStopping``, ``ModelCheckpoint``, ``LearningRateScheduler``,
``ReduceLROnPlateau``, ``CSVLogger``, ``TensorBoard`` (event files via tensorboardX),
``LambdaCallback``, ``TerminateOnNaN``, ``BackupAndRestore`` (resuming needs
``fit``'s cooperation: it reads ``model._resume_point`` after ``on_train_begin``).

Contract with the trainer (``fit``/``evaluate``/``predict``):

* The trainer builds ``CallbackList(callbacks, add_history=True,
  add_progbar=verbose != 0, model=model, verbose=verbose, epochs=epochs,
  steps=steps_per_epoch_or_None)`` for ``fit`` (``add_history=False`` for
  ``evaluate``/``predict``). The list adds the History/ProgbarLogger unless the
  user passed one, sets ``model.history``, and calls ``set_model``/``set_params``
  on every callback. ``params = {"verbose": int, "epochs": int, "steps": int|None}``.
* Hook order is Keras': ``on_train_begin``; per epoch ``on_epoch_begin(epoch)``,
  ``on_train_batch_begin(batch)``/``on_train_batch_end(batch, logs)`` per dispatch
  (leave the epoch when ``model.stop_training`` became True), validation through
  ``on_test_begin``/``on_test_batch_*``/``on_test_end(val_logs)``,
  ``on_epoch_end(epoch, logs)`` with ``"loss"``, metric names and ``"val_*"``
  entries; ``on_train_end(last_epoch_logs)``.
* A dispatch may run several steps: ``batch`` is then the index of the *last*
  step it ran (as Keras does with ``steps_per_execution``). Batch logs may hold
  device scalars not yet synchronised; built-in callbacks call ``float()`` only
  when they need a value; user callbacks get Python floats. Epoch logs are
  converted to Python floats once, and the same dict is passed along the list.
* ``CallbackList.needs_batch_hooks`` (and ``needs_test_batch_hooks``,
  ``needs_predict_batch_hooks``): True when some callback must see every dispatch —
  a user callback overriding a batch hook, a live progress bar on a terminal
  (``verbose=1`` and stdout a tty), ``ModelCheckpoint(save_freq=<int>)``,
  ``TensorBoard(update_freq != "epoch")``, ``TerminateOnNaN``. When False, the
  trainer may run many steps per dispatch but should still call the batch hooks
  after each dispatch (they are cheap) so counts stay right.
* What callbacks use on the model: ``stop_training`` (bool attribute),
  ``optimizer.learning_rate`` (get: a Variable, ``float()`` works; set: a float,
  effective at the next step without recompiling), ``optimizer.iterations``,
  ``get_weights()``/``set_weights()`` (current weights mid-fit),
  ``save_weights(filepath, overwrite=True)``, ``save(filepath, overwrite=True)``,
  ``history``, ``metrics`` (for ``mode="auto"``) and ``layers`` (TensorBoard
  histograms).
"""

from xlaflow.callbacks.backup_and_restore import BackupAndRestore
from xlaflow.callbacks.callback import Callback
from xlaflow.callbacks.callback_list import CallbackList
from xlaflow.callbacks.csv_logger import CSVLogger
from xlaflow.callbacks.early_stopping import EarlyStopping
from xlaflow.callbacks.history import History
from xlaflow.callbacks.lambda_callback import LambdaCallback
from xlaflow.callbacks.learning_rate_scheduler import LearningRateScheduler
from xlaflow.callbacks.model_checkpoint import ModelCheckpoint
from xlaflow.callbacks.monitor import MonitorCallback
from xlaflow.callbacks.progbar import Progbar
from xlaflow.callbacks.progbar_logger import ProgbarLogger
from xlaflow.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from xlaflow.callbacks.tensorboard import TensorBoard
from xlaflow.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History", "LambdaCallback",
           "LearningRateScheduler", "ModelCheckpoint", "MonitorCallback", "Progbar", "ProgbarLogger",
           "ReduceLROnPlateau", "TensorBoard", "TerminateOnNaN"]
