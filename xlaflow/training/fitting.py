"""``fit``, ``evaluate`` and ``predict``: epochs of compiled steps, with callbacks.

The loop is written once (:meth:`FitMixin._epoch`) over a *source* of dispatches
(:mod:`xlaflow.training.sources`): each dispatch runs ``k`` compiled steps, then the
batch hooks get the last step's logs. Logs are device scalars until something reads
them: a fit whose callbacks do not look at every batch synchronises once per epoch.
"""

from __future__ import annotations

import numbers
from typing import Any

import jax
import numpy as np

from xlaflow.training import data
from xlaflow.training.sources import ArraySource, IteratorSource


def floats(logs: dict | None) -> dict:
    """``logs`` with device scalars read back as Python floats (one transfer)."""
    if not logs:
        return {}
    host = jax.device_get(list(logs.values()))
    return {k: float(v) if np.ndim(v) == 0 else np.asarray(v) for k, v in zip(logs, host)}


def _steps_of(source: Any) -> int | None:
    """Batches per epoch, when known (for progress bars and dispatch sizes)."""
    return source.known_steps if isinstance(source, IteratorSource) else source.steps


def _check_int(owner: str, arg: str, value: Any, minimum: int) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{owner}: argument `{arg}` must be an integer >= {minimum} or None. Received: {arg}={value!r}")


def _callbacks(model: Any, callbacks: Any, verbose: int, epochs: int, steps: int | None, history: bool) -> Any:
    from xlaflow.callbacks import CallbackList

    if callbacks is not None and not isinstance(callbacks, CallbackList):
        callbacks = list(callbacks) if isinstance(callbacks, (list, tuple)) else [callbacks]
    if isinstance(callbacks, CallbackList):
        return callbacks
    return CallbackList(callbacks, add_history=history, add_progbar=verbose != 0, model=model, verbose=verbose,
                        epochs=epochs, steps=steps)


def _has_convolution(model: Any) -> bool:
    """Whether ``model`` has a convolution layer.

    XLA:CPU computes a convolution's gradients inside a ``lax.scan`` loop much more
    slowly than in a program of one step (measured with JAX 0.10.2: the demo's CNN
    step 310 -> 470 us; a 3x3 conv of 32 filters on 28x28x3 inputs 2.5 -> 17.6 ms), so
    on the CPU backend such models train one step per dispatch unless
    ``steps_per_execution`` says otherwise. Forward-only passes (``evaluate``,
    ``predict``) are as fast or faster in the loop and keep it.
    """
    from xlaflow.layers.conv import BaseConv
    from xlaflow.layers.depthwise import _ChannelwiseConv

    return any(isinstance(layer, (BaseConv, _ChannelwiseConv)) for layer in model._flatten_layers())


def _verbose(verbose: Any) -> int:
    if verbose == "auto":
        return 1
    if isinstance(verbose, bool) or not isinstance(verbose, numbers.Integral) or verbose not in (0, 1, 2):
        raise ValueError(f"argument `verbose` must be 'auto', 0, 1 or 2. Received: verbose={verbose!r}")
    return int(verbose)


class FitMixin:
    """``fit``/``evaluate``/``predict`` of :class:`~xlaflow.training.trainer.Trainer`."""

    AUTO_STEPS_PER_EXECUTION = 32

    def _source(self, owner: str, x: Any, y: Any, sample_weight: Any, batch_size: Any, steps: Any,
                class_weight: Any = None, passes: int = 1) -> Any:
        _check_int(owner, "steps", steps, 1)
        if data.is_iterator_input(x):
            if y is not None:
                raise ValueError(f"{owner}: argument `y` must be None when `x` is a dataset or generator "
                                 f"(it yields the targets). Received: y of type {type(y).__name__}")
            return IteratorSource(x, steps, pad=not self.has_custom_step())
        _check_int(owner, "batch_size", batch_size, 1)
        x, y, sample_weight, n = data.standardize(x, y, sample_weight)
        sample_weight = data.class_weights(y, class_weight, sample_weight)
        return ArraySource(x, y, sample_weight, n, batch_size or 32, steps, resident=passes > 1,
                           pad=not self.has_custom_step())

    def _per_dispatch(self, callbacks: Any, steps: int | None, kind: str = "train") -> int:
        spe = getattr(self, "steps_per_execution", "auto")
        if spe not in ("auto", None):
            return int(spe)
        needs = {"train": "needs_batch_hooks", "test": "needs_test_batch_hooks", "predict": "needs_predict_batch_hooks"}
        if callbacks is not None and getattr(callbacks, needs[kind]):
            return 1
        if kind == "train" and jax.default_backend() == "cpu" and _has_convolution(self):
            return 1  # XLA:CPU runs convolution gradients in a loop several times slower (see _has_convolution)
        return max(1, min(self.AUTO_STEPS_PER_EXECUTION, steps or 1))

    def _epoch(self, kind: str, source: Any, per_dispatch: int, shuffle: bool, callbacks: Any,
               collect: bool = False, seed: Any = None, skip: int = 0) -> Any:
        """One pass over ``source``; the last logs, or (predict) the collected outputs."""
        logs: Any = None
        pieces: list = []
        begin = getattr(callbacks, f"on_{kind}_batch_begin", None)
        end = getattr(callbacks, f"on_{kind}_batch_end", None)
        for first, k, per_step, shared, steps in source.epoch(shuffle, per_dispatch, seed=seed, skip=skip):
            if begin is not None:
                begin(first)
            out = self._run(kind, per_step, shared, steps=steps, collect=collect)
            if collect:
                pieces.append((out, per_step.get("mask"), steps))
                batch_logs = {"outputs": out}
            else:
                logs = batch_logs = self._steps.ordered(out)
            if end is not None:
                end(first + k - 1, batch_logs)
            if kind == "train" and self.stop_training:
                break
        return pieces if collect else logs

    # -- fit ------------------------------------------------------------------------------
    def fit(self, x: Any = None, y: Any = None, batch_size: Any = None, epochs: int = 1, verbose: Any = "auto",
            callbacks: Any = None, validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            class_weight: Any = None, sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: Any = None,
            validation_steps: Any = None, validation_batch_size: Any = None, validation_freq: int = 1) -> Any:
        """Trains for ``epochs`` epochs (Keras 3 ``Model.fit``); returns the ``History``."""
        owner = f"{type(self).__name__}.fit"
        self._assert_compiled("fit")
        verbose = _verbose(verbose)
        _check_int(owner, "epochs", epochs, 0)
        _check_int(owner, "initial_epoch", initial_epoch, 0)
        _check_int(owner, "validation_freq", validation_freq, 1)
        if not 0.0 <= float(validation_split) < 1.0:
            raise ValueError(f"{owner}: argument `validation_split` must be in [0, 1). Received: {validation_split!r}")
        if validation_split and validation_data is None:
            if data.is_iterator_input(x):
                raise ValueError(f"{owner}: argument `validation_split` is only supported for arrays, not "
                                 f"{type(x).__name__}; pass `validation_data` instead")
            x, y, sample_weight, n = data.standardize(x, y, sample_weight)
            (x, y, sample_weight), validation_data = data.split((x, y, sample_weight), n, validation_split)
        source = self._source(owner, x, y, sample_weight, batch_size, steps_per_epoch, class_weight,
                              passes=epochs - initial_epoch)
        val_source = None
        if validation_data is not None:
            vx, vy, vsw = data.unpack_element(tuple(validation_data)) if isinstance(validation_data, (list, tuple)) \
                else (validation_data, None, None)
            val_source = self._source(owner, vx, vy, vsw, validation_batch_size or batch_size, validation_steps,
                                      passes=(epochs - initial_epoch) // validation_freq)
        steps = _steps_of(source)
        callbacks = _callbacks(self, callbacks, verbose, epochs, steps, history=True)
        per_dispatch = self._per_dispatch(callbacks, steps)
        self.stop_training = False
        self._data_seed = int(np.random.randint(2**31 - 1))  # the data order: one seed per fit, per epoch
        if isinstance(source, ArraySource):
            self._prepare(*source.first_rows())  # built before callbacks restore into it
        self._resume_point = None
        callbacks.on_train_begin()
        skip = 0
        if self._resume_point is not None:  # BackupAndRestore found a backup
            initial_epoch, skip, self._data_seed = max(initial_epoch, self._resume_point[0]), *self._resume_point[1:]
            self._resume_point = None
        epoch_logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callbacks.on_epoch_begin(epoch)
            logs = self._epoch("train", source, per_dispatch, shuffle, callbacks, seed=(self._data_seed, epoch),
                               skip=skip)
            skip = 0
            if logs is None:
                break
            epoch_logs = floats(logs)
            if val_source is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_source(val_source, callbacks=callbacks)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callbacks.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        callbacks.on_train_end(epoch_logs)
        return self.history

    # -- evaluate / predict -----------------------------------------------------------------
    def _evaluate_source(self, source: Any, callbacks: Any) -> dict:
        self.reset_metrics()
        if callbacks is not None:
            callbacks.on_test_begin()
        per_dispatch = self._per_dispatch(callbacks, _steps_of(source), "test")
        logs = self._epoch("test", source, per_dispatch, False, callbacks)
        logs = floats(logs)
        if callbacks is not None:
            callbacks.on_test_end(logs)
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: Any = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: Any = None, callbacks: Any = None, return_dict: bool = False,
                 **kwargs: Any) -> Any:
        """The loss and metrics over all of ``x`` (Keras 3 ``Model.evaluate``)."""
        owner = f"{type(self).__name__}.evaluate"
        self._assert_compiled("evaluate")
        verbose = _verbose(verbose)
        source = self._source(owner, x, y, sample_weight, batch_size, steps)
        cbs = _callbacks(self, callbacks, verbose, 1, _steps_of(source), history=False)
        logs = self._evaluate_source(source, cbs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x: Any, batch_size: Any = None, verbose: Any = "auto", steps: Any = None,
                callbacks: Any = None) -> Any:
        """The model's outputs for every sample of ``x``, as NumPy arrays (Keras 3 ``Model.predict``)."""
        owner = f"{type(self).__name__}.predict"
        verbose = _verbose(verbose)
        if data.is_iterator_input(x):
            source = IteratorSource(x, steps, pad=not self.has_custom_step())
        else:
            _check_int(owner, "batch_size", batch_size, 1)
            x, _, _, n = data.standardize(x)
            source = ArraySource(x, None, None, n, batch_size or 32, steps, resident=False,
                                 pad=not self.has_custom_step())
        cbs = _callbacks(self, callbacks, verbose, 1, _steps_of(source), history=False)
        cbs.on_predict_begin()
        per_dispatch = self._per_dispatch(cbs, _steps_of(source), "predict")
        pieces = self._epoch("predict", source, per_dispatch, False, cbs, collect=True)
        outputs = _gather_predictions(pieces)
        cbs.on_predict_end()
        return outputs


def _gather_predictions(pieces: list) -> Any:
    """Concatenates per-dispatch outputs and drops the padded rows."""
    if not pieces:
        raise ValueError("predict: the input produced no batches")
    host = jax.device_get([out for out, _, _ in pieces])

    def join(*leaves: Any) -> Any:
        parts = []
        for leaf, (_, mask, steps) in zip(leaves, pieces):
            leaf = np.asarray(leaf)
            flat = leaf.reshape((-1,) + leaf.shape[(1 if steps is None else 2):])  # (steps, batch, ...) -> rows
            parts.append(flat if mask is None else flat[np.asarray(mask).reshape(-1) > 0])
        return np.concatenate(parts)

    return jax.tree_util.tree_map(join, *host)
