"""``TensorBoard``: write training scalars and weight histograms as TensorBoard event files.

No TensorFlow needed: the event files are written by tensorboardX's
``SummaryWriter`` (the ``tensorboard`` package reads them). Layout and tag names
are Keras': ``<log_dir>/train`` gets ``epoch_<name>`` for the loss, each metric and
``learning_rate`` (step = epoch), ``batch_<name>`` every ``update_freq`` batches
(step = the global batch count) and ``<weight path>/histogram`` every
``histogram_freq`` epochs; ``<log_dir>/validation`` gets the ``val_*`` entries as
``epoch_<name>`` and ``evaluation_<name>_vs_iterations`` (step = optimizer
iterations).
"""

from __future__ import annotations

import os
import re
import time
import warnings
from typing import Any

import numpy as np

from xlaflow.callbacks.callback import Callback, to_float


def _weight_tag(weight: Any) -> str:
    name = getattr(weight, "path", None) or getattr(weight, "name", "weight")
    return re.sub(r":\d+$", "", str(name)).replace(":", "_") + "/histogram"


class TensorBoard(Callback):
    """Logs events for TensorBoard (``keras.callbacks.TensorBoard``).

    Args:
      log_dir: the directory of the event files (``train/`` and ``validation/``
        below it).
      histogram_freq: every this many epochs, write a histogram of each layer
        weight (0: never).
      write_graph: accepted for compatibility; the model graph is not written.
      write_images: accepted for compatibility; weight images are not written.
      write_steps_per_second: also log ``steps_per_second`` per epoch (and
        ``batch_steps_per_second`` with batch-level logging).
      update_freq: ``"epoch"``, ``"batch"`` (= 1) or an int: write ``batch_*``
        scalars every this many batches.
      profile_batch: accepted (0, an int or a pair); profiling is not done.
      embeddings_freq: accepted for compatibility; embeddings are not written.
      embeddings_metadata: accepted for compatibility.

    Raises:
      ValueError: a bad ``update_freq``, ``histogram_freq`` or ``profile_batch``.

    Example::

        model.fit(x, y, epochs=5, callbacks=[keras.callbacks.TensorBoard("logs", histogram_freq=1)])
        # then: tensorboard --logdir logs
    """

    _accepts_device_logs = True

    def __init__(self, log_dir: Any = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False, update_freq: str | int = "epoch",
                 profile_batch: Any = 0, embeddings_freq: int = 0, embeddings_metadata: Any = None):
        super().__init__()
        if update_freq not in ("epoch", "batch") and (isinstance(update_freq, bool) or not isinstance(update_freq, int)
                                                      or update_freq < 1):
            raise ValueError(
                "TensorBoard: argument `update_freq` must be 'epoch', 'batch' or a positive integer. "
                f"Received: update_freq={update_freq!r}"
            )
        if isinstance(histogram_freq, bool) or not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(
                "TensorBoard: argument `histogram_freq` must be an integer >= 0. "
                f"Received: histogram_freq={histogram_freq!r}"
            )
        self._config = dict(log_dir=str(log_dir), histogram_freq=histogram_freq, write_graph=write_graph,
                            write_images=write_images, write_steps_per_second=write_steps_per_second,
                            update_freq=update_freq, profile_batch=profile_batch, embeddings_freq=embeddings_freq,
                            embeddings_metadata=embeddings_metadata)
        self.log_dir = str(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        _check_profile_batch(profile_batch)
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers: dict[str, Any] = {}
        self._global_train_batch = 0
        self._last_batch: int | None = None
        self._batch_start_time = 0.0
        self._epoch_start_time = 0.0
        self._epoch_start_iterations = 0

    def _needs_batch_hooks(self, mode: str = "train") -> bool:
        return mode == "train" and self.update_freq != "epoch"

    # --- writers -----------------------------------------------------------------
    def _writer(self, which: str) -> Any:
        if which not in self._writers:
            from tensorboardX import SummaryWriter

            self._writers[which] = SummaryWriter(self._train_dir if which == "train" else self._val_dir)
        return self._writers[which]

    def _close_writers(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    def set_model(self, model: Any) -> None:
        super().set_model(model)
        self._close_writers()

    # --- hooks ---------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._global_train_batch = 0
        self._last_batch = None

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start_time = time.time()
        self._epoch_start_iterations = self._iterations()

    def on_train_batch_begin(self, batch, logs=None):
        if self.write_steps_per_second:
            self._batch_start_time = time.time()

    def on_train_batch_end(self, batch, logs=None):
        added = batch + 1 if self._last_batch is None or batch <= self._last_batch else batch - self._last_batch
        self._last_batch = batch
        previous = self._global_train_batch
        self._global_train_batch += added
        if self.update_freq == "epoch":
            return
        if self._global_train_batch // self.update_freq == previous // self.update_freq:
            return
        step = self._global_train_batch
        writer = self._writer("train")
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._batch_start_time, 1e-12)
            writer.add_scalar("batch_steps_per_second", added / elapsed, step)
        for name, value in (logs or {}).items():
            writer.add_scalar(f"batch_{name}", to_float(value), step)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if not logs or optimizer is None or not hasattr(optimizer, "iterations"):
            return
        writer = self._writer("val")
        for name, value in logs.items():
            writer.add_scalar(f"evaluation_{name}_vs_iterations", to_float(value), self._iterations())
        writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        self._log_epoch_metrics(epoch, logs)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    # --- writing ---------------------------------------------------------------------
    def _iterations(self) -> int:
        optimizer = getattr(self.model, "optimizer", None)
        iterations = getattr(optimizer, "iterations", None)
        return 0 if iterations is None else int(np.asarray(iterations))

    def _collect_learning_rate(self, logs: dict) -> dict:
        from xlaflow.optimizers.base import Optimizer

        optimizer = getattr(self.model, "optimizer", None)
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        if hasattr(optimizer, "optimizers"):
            for opt in optimizer.optimizers:
                logs[f"learning_rate_{opt.name}"] = float(np.asarray(opt.learning_rate))
        elif isinstance(optimizer, Optimizer):
            logs["learning_rate"] = float(np.asarray(optimizer.learning_rate))
        return logs

    def _log_epoch_metrics(self, epoch: int, logs: dict | None) -> None:
        if not logs:
            return
        train_logs = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val_logs = {k: v for k, v in logs.items() if k.startswith("val_")}
        train_logs = self._collect_learning_rate(train_logs)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-12)
            train_logs["steps_per_second"] = (self._iterations() - self._epoch_start_iterations) / elapsed
        for which, entries, strip in (("train", train_logs, 0), ("val", val_logs, 4)):
            if entries:
                writer = self._writer(which)
                for name, value in entries.items():
                    writer.add_scalar(f"epoch_{name[strip:]}", to_float(value), epoch)
                writer.flush()

    def _log_weights(self, epoch: int) -> None:
        writer = self._writer("train")
        for layer in getattr(self.model, "layers", []):
            for weight in getattr(layer, "weights", []):
                writer.add_histogram(_weight_tag(weight), np.asarray(weight, dtype=np.float64), epoch)
        writer.flush()

    def get_config(self) -> dict:
        return dict(self._config)


def _check_profile_batch(profile_batch: Any) -> None:
    message = ("TensorBoard: argument `profile_batch` must be a non-negative integer or a 2-tuple of positive "
               f"integers. Received: profile_batch={profile_batch!r}")
    if isinstance(profile_batch, str):
        try:
            profile_batch = [int(p) for p in profile_batch.split(",")]
        except ValueError:
            raise ValueError(message) from None
        profile_batch = profile_batch[0] if len(profile_batch) == 1 else profile_batch
    if isinstance(profile_batch, int) and not isinstance(profile_batch, bool):
        start = stop = profile_batch
    elif isinstance(profile_batch, (tuple, list)) and len(profile_batch) == 2:
        start, stop = profile_batch
    else:
        raise ValueError(message)
    if start < 0 or stop < start:
        raise ValueError(message)
    if start > 0:
        warnings.warn("TensorBoard: profiling (`profile_batch`) is not supported by xlaflow and is ignored.",
                      stacklevel=3)
