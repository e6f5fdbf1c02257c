"""Applying gradients: ``apply``, ``apply_gradients``, ``minimize`` and the pure update step.

One optimizer step is one pure function of arrays (:meth:`ApplyMixin._pure_step`):
loss-scale, clip, weight decay, the optimizer's optax transform, EMA, ``step + 1``.
How it runs depends on where it is called:

* **eagerly**, it runs as one engine program (:class:`xlaflow.engine.program.Program`)
  per (variable subset, gradient shapes/dtypes, weight-decay mask, hyperparameter
  version): a training loop runs one compiled program per step for all variables,
  whatever their number, and setting a hyperparameter (``opt.clipnorm = 1.0``)
  compiles the next step with the new value;
* right after ``tape.gradient`` in an eager loop, fused with the pending gradient
  program (:mod:`xlaflow.autodiff.pending`): backward and update in one dispatch;
* **while a function is traced** (``xlaflow.function``, the discovery run included)
  or when any gradient is a JAX tracer, it is called directly, so it becomes part of
  the caller's program.

Either way the inputs are read with ``Variable._read()`` and the results written
with ``Variable.assign``, so the state scope of a compiled caller sees every write.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
import optax

from xlaflow._core import state
from xlaflow.autodiff import pending
from xlaflow.engine.program import Program
from xlaflow.ops.convert import to_array
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.ops.variable import Variable
from xlaflow.optimizers import transforms


def _as_lr_array(value: Any) -> Any:
    arr = value._read() if isinstance(value, TensorLike) else value
    return jnp.asarray(arr, jnp.float32) if not isinstance(arr, jax.core.Tracer) else arr.astype(jnp.float32)


def _check_shape(shape: Any, v: Variable, owner: str) -> None:
    if tuple(shape) != (v._dims if v._dims is not None else tuple(v.shape)):
        raise ValueError(
            f"{owner}: argument `grads` must hold, for each variable, a gradient of the variable's shape. "
            f"Received: a gradient of shape {tuple(shape)} for variable {v.name} of shape {tuple(v.shape)}"
        )


class ApplyMixin:
    """The gradient-applying half of :class:`~xlaflow.optimizers.base.Optimizer`."""

    # -- public entry points ----------------------------------------------------------
    def apply_gradients(self, grads_and_vars: Any) -> Variable:
        """Applies ``(gradient, variable)`` pairs (a list or ``zip``); None gradients are skipped.

        Returns:
          the ``iterations`` Variable.

        Raises:
          ValueError: no pairs, a pair that is not ``(gradient, variable)``, all
            gradients None, or a gradient whose shape differs from its variable's.
        """
        owner = f"{type(self).__name__}.apply_gradients"
        pairs = list(grads_and_vars)
        if not pairs:
            raise ValueError(f"{owner}: argument `grads_and_vars` must hold at least one (gradient, variable) pair. Received: []")
        for p in pairs:
            if not isinstance(p, (tuple, list)) or len(p) != 2:
                raise ValueError(f"{owner}: argument `grads_and_vars` must hold (gradient, variable) pairs. Received: an element {p!r}")
        grads, variables = zip(*pairs)
        self._apply(list(grads), list(variables), owner)
        return self._iterations

    def apply(self, grads: Any, trainable_variables: Any = None) -> None:
        """Applies ``grads`` to ``trainable_variables`` (default: the variables it was built with)."""
        owner = f"{type(self).__name__}.apply"
        grads = list(grads)
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    f"{owner}: when passing `grads` without `trainable_variables`, the optimizer must already be "
                    "built on a list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            trainable_variables = self._trainable_variables
        trainable_variables = list(trainable_variables)
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"{owner}: arguments `grads` and `trainable_variables` must have the same length. "
                f"Received: {len(grads)} gradients and {len(trainable_variables)} variables"
            )
        self._apply(grads, trainable_variables, owner)

    def minimize(self, loss: Any, var_list: Any, tape: Any = None) -> Variable:
        """Computes the gradients of ``loss`` with respect to ``var_list`` and applies them.

        Args:
          loss: a zero-argument callable returning the loss, or a loss Tensor
            computed under ``tape``.
          var_list: the variables to train (or a callable returning them).
          tape: the ``GradientTape`` that recorded ``loss`` (required for a Tensor loss).

        Returns:
          the ``iterations`` Variable.
        """
        from xlaflow.autodiff import GradientTape

        owner = f"{type(self).__name__}.minimize"
        if callable(loss) and not isinstance(loss, TensorLike):
            tape = GradientTape()
            with tape:
                if not callable(var_list):
                    for v in var_list:
                        tape.watch(v)
                loss = loss()
        elif tape is None:
            raise ValueError(f"{owner}: argument `tape` is required when a Tensor `loss` is passed. Received: loss={loss!r}, tape=None")
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        grads = tape.gradient(loss, var_list)
        return self.apply_gradients(zip(grads, var_list))

    def finalize_variable_values(self, var_list: Any) -> None:
        """With ``use_ema``, overwrites the variables with their moving averages."""
        if not self.use_ema:
            return
        var_list = list(var_list)
        if len(var_list) != len(self._averages):
            raise ValueError(
                f"{type(self).__name__}.finalize_variable_values: argument `var_list` must hold the "
                f"{len(self._averages)} variables the optimizer was built with. Received: {len(var_list)} variables"
            )
        for var, average in zip(var_list, self._averages):
            var.assign(average._read())

    def set_weights(self, weights: Any) -> None:
        """Sets the optimizer's variables (in the order of ``variables``) from arrays."""
        owner = f"{type(self).__name__}.set_weights"
        if not self.built:
            raise ValueError(f"{owner}: the optimizer is not built yet. Call `optimizer.build(trainable_variables)` first.")
        weights = list(weights)
        variables = self.variables
        if len(weights) != len(variables):
            raise ValueError(f"{owner}: argument `weights` must hold {len(variables)} arrays. Received: {len(weights)}")
        for var, w in zip(variables, weights):
            if tuple(np.shape(w)) != tuple(var.shape):
                raise ValueError(f"{owner}: the weight for {var.name} must have shape {tuple(var.shape)}. Received: shape {tuple(np.shape(w))}")
            var.assign(np.asarray(w, var.dtype.as_numpy_dtype))

    # -- the step ---------------------------------------------------------------------
    def _apply(self, grads: list, variables: list, owner: str) -> None:
        for v in variables:
            if not isinstance(v, Variable):
                raise TypeError(f"{owner}: each variable must be an xlaflow.Variable. Received: {v!r}")
        if not grads:
            return
        if not self.built:
            self.build(variables)
        new = [v for v in variables if id(v) not in self._trainable_variables_indices]
        if new:
            # One optimizer shared by two compiled models (Keras 2's GAN recipe): it keeps
            # slots for the variables each model trains, as Keras 2 did.
            self._add_variables(list({id(v): v for v in new}.values()))
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        missing = [v.name for g, v in zip(grads, variables) if g is None]
        if not kept:
            raise ValueError(f"{owner}: no gradients provided for any variable (every gradient is None).")
        if missing:
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss.", stacklevel=3)
        variables = [v for _, v in kept]
        indices = [self._trainable_variables_indices[id(v)] for v in variables]
        use_wd = tuple(self.weight_decay is not None and self._use_weight_decay(v) for v in variables)

        if not state.tracing():
            run = pending.common_run([g for g, _ in kept])
            if run is not None and self._fused(run, kept, variables, indices, use_wd, owner):
                return
        arrays = [self._grad_array(g, v, owner) for g, v in kept]
        if state.tracing() or any(isinstance(a, jax.core.Tracer) for a in arrays):
            self._update(arrays, variables, indices, use_wd)
            return
        # Eagerly: one compiled program for all variables (the engine captures the
        # optimizer's Variables; the key holds every hyperparameter's version).
        program = self.__dict__.get("_eager_program")
        if program is None:
            program = self.__dict__["_eager_program"] = Program(f"{self.name}.apply_gradients")

        lr_in = self._lr_input() if self._lr_var is None else None  # a callable one is called now, every step
        lr_arrays = [] if lr_in is None else [lr_in]

        def build(tensors: list) -> tuple[list, None]:
            values = [t._value for t in tensors]
            lr = values.pop() if lr_in is not None else None
            self._update(values, variables, indices, use_wd, lr)
            return [], None

        program.run((tuple(indices), use_wd, self._hyper_version, lr_in is None), [*arrays, *lr_arrays], build)

    def _fused(self, run: Any, kept: list, variables: list, indices: list, use_wd: tuple, owner: str) -> bool:
        """Backward and update in one compiled program (see xlaflow.autodiff.pending);
        the optimizer's slots are replaced by the result, so their buffers are reused.
        False when the gradient program cannot be fused (the caller applies it)."""
        for g, v in kept:
            _check_shape(g._aval().shape, v, owner)
        params = [v._read() for v in variables]
        slots = self._state_for(indices, donate=True)
        step = self._iterations._read()
        averages = [self._averages[i]._read() for i in indices] if self.use_ema else []
        accumulators = [self._accumulators[i]._read() for i in indices] if self.gradient_accumulation_steps else []
        pure_step = functools.partial(self._pure_step, use_wd)
        result = run.fuse([g for g, _ in kept], self._jit_cache, (tuple(indices), use_wd, self._hyper_version), pure_step,
                          (params, slots, self._lr_input(), step, averages, accumulators), donate=(1,))
        if result is None:
            return False
        self._write(result, variables, indices)
        return True

    def _update(self, grads: list, variables: list, indices: list, use_wd: tuple, lr_in: Any = None) -> None:
        """Reads the state, runs the pure step on gradient arrays ``grads`` and writes it
        back, through the Variable API (so a program being traced captures it all).
        ``lr_in``: the learning rate as an input (default: read now)."""
        params = [v._read() for v in variables]
        slots = self._state_for(indices)
        step = self._iterations._read()
        averages = [self._averages[i]._read() for i in indices] if self.use_ema else []
        accumulators = [self._accumulators[i]._read() for i in indices] if self.gradient_accumulation_steps else []
        lr = self._lr_input() if lr_in is None else lr_in
        result = self._pure_step(use_wd, grads, params, slots, lr, step, averages, accumulators)
        self._write(result, variables, indices)

    def _write(self, result: tuple, variables: list, indices: list) -> None:
        new_params, new_state, new_step, new_averages, new_accumulators = result
        for v, value in zip(variables, new_params):
            v.assign(value)
        self._write_state(indices, new_state)
        for i, value in zip(indices, new_averages):
            self._averages[i].assign(value)
        for i, value in zip(indices, new_accumulators):
            self._accumulators[i].assign(value)
        for v in variables:
            if v.constraint is not None:
                v.assign(v.constraint(v))
        self._iterations.assign(new_step)

    def _grad_array(self, g: Any, v: Variable, owner: str) -> Any:
        if isinstance(g, TensorLike):
            arr = g._read()
        elif isinstance(g, (jax.Array, jax.core.Tracer)):
            arr = g
        else:
            arr = to_array(g, v.dtype, op=owner, arg="grads")
        _check_shape(arr.shape, v, owner)
        return arr

    def _lr_input(self) -> Any:
        from xlaflow.optimizers.schedules import LearningRateSchedule

        if isinstance(self._learning_rate, LearningRateSchedule):
            return None
        if self._lr_var is not None:
            return self._lr_var._read()
        return _as_lr_array(self._learning_rate())

    def _pure_step(self, use_wd: tuple, grads: list, params: list, slots: dict, lr_in: Any, step: Any,
                   averages: list, accumulators: list) -> tuple:
        """``(grads, params, slots, lr, step, averages, accumulators) -> (params, slots, step + 1, averages, accumulators)``.

        ``step`` is the raw call count; with gradient accumulation the update runs on
        the averaged gradients and is kept only on every last call of a group (as
        Keras' JAX backend does), and the algorithm sees ``step // n`` as its step.
        """
        if lr_in is None:
            lr = _as_lr_array(self._learning_rate(Tensor._wrap(step)))
        else:
            lr = jnp.asarray(lr_in, jnp.float32)
        if self.loss_scale_factor is not None:
            grads = [g / self.loss_scale_factor for g in grads]
        grads = [g.astype(p.dtype) for g, p in zip(grads, params)]
        n = self.gradient_accumulation_steps
        opt_step = step
        if n:
            is_update = (step + 1) % n == 0
            summed = [g + a for g, a in zip(grads, accumulators)]
            accumulators = [jnp.where(is_update, jnp.zeros_like(s), s) for s in summed]
            grads = [jnp.where(is_update, s / n, g) for s, g in zip(summed, grads)]
            opt_step = step // n
        old_params = params
        clip = transforms.gradient_clipping(self.clipnorm, self.clipvalue, self.global_clipnorm)
        grads, _ = clip.update(grads, clip.init(params), params)
        grads = list(grads)
        if self.weight_decay is not None:
            params = [p - p * jnp.asarray(self.weight_decay, p.dtype) * lr.astype(p.dtype) if wd else p for p, wd in zip(params, use_wd)]
        tx = self._transform()
        state_value = self._state_cls(**slots)
        updates, new_state = tx.update(grads, state_value, params, learning_rate=lr, step=opt_step)
        params = list(optax.apply_updates(params, list(updates)))
        if n:
            params = [jnp.where(is_update, new, old) for new, old in zip(params, old_params)]
            new_state = jax.tree_util.tree_map(lambda new, old: jnp.where(is_update, new, old), new_state, state_value)
        if self.use_ema:
            averages = [self._ema(a, p, opt_step) for a, p in zip(averages, params)]
            if self.ema_overwrite_frequency:
                overwrite = (opt_step + 1) % self.ema_overwrite_frequency == 0
                params = [jnp.where(overwrite, a, p) for a, p in zip(averages, params)]
        return params, new_state, step + 1, averages, accumulators

    def _ema(self, average: Any, value: Any, step: Any) -> Any:
        momentum = (step != 0).astype(value.dtype) * jnp.asarray(self.ema_momentum, value.dtype)
        return momentum * average + (1 - momentum) * value
