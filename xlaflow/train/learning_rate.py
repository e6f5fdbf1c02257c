"""``tf.train`` step counting and learning-rate decay for graphs: the global step
Variable (``get_or_create_global_step``) and ``exponential_decay``, which returns a
graph node recomputed from the current global step at every run.
"""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow._core import config
from xlaflow.graph import build
from xlaflow.graph import graph as graph_module
from xlaflow.graph.interpreter import is_variable
from xlaflow.ops.variable import Variable

_KEY = "global_step"


def get_global_step(graph: Any = None) -> Any:
    """The graph's global step Variable, or None if it has none."""
    graph = graph if graph is not None else graph_module.get_default_graph()
    found = graph.get_collection(_KEY)
    return found[0] if found else None


def get_or_create_global_step(graph: Any = None) -> Variable:
    """The graph's global step: a non-trainable integer Variable starting at 0
    (int64, or int32 while 64-bit mode is off)."""
    graph = graph if graph is not None else graph_module.get_default_graph()
    step = get_global_step(graph)
    if step is None:
        dtype = np.int64 if config.x64_enabled() else np.int32
        step = Variable(np.zeros((), dtype), trainable=False, name="global_step")
        graph.add_to_collection(_KEY, step)
    return step


def create_global_step(graph: Any = None) -> Variable:
    """Creates the global step (ValueError if the graph has one already)."""
    if get_global_step(graph) is not None:
        raise ValueError("create_global_step: 'global_step' already exists.")
    return get_or_create_global_step(graph)


def exponential_decay(learning_rate: Any, global_step: Any, decay_steps: Any, decay_rate: Any, staircase: bool = False,
                      name: str | None = None) -> Any:
    """``learning_rate * decay_rate ** (global_step / decay_steps)`` as a graph node
    (the exponent floored when ``staircase``), recomputed at every run.

    Raises:
      ValueError: ``global_step`` is None (TF1's rule), or ``decay_steps`` is not positive.
    """
    if global_step is None:
        raise ValueError("exponential_decay: argument `global_step` is required for exponential_decay.")
    if not getattr(global_step, "_xf_symbolic", False) and not is_variable(global_step):
        raise TypeError(f"exponential_decay: argument `global_step` must be a Variable or graph tensor. Received: {global_step!r:.200}")
    if isinstance(decay_steps, (int, float)) and decay_steps <= 0:
        raise ValueError(f"exponential_decay: argument `decay_steps` must be positive. Received: {decay_steps}")

    def decay(lr, step, steps, rate):
        lr = jnp.asarray(lr, jnp.float32) if not hasattr(lr, "dtype") or not jnp.issubdtype(lr.dtype, jnp.floating) else lr
        p = jnp.asarray(step).astype(lr.dtype) / jnp.asarray(steps, lr.dtype)
        if staircase:
            p = jnp.floor(p)
        return lr * jnp.power(jnp.asarray(rate, lr.dtype), p)

    return build.call_node(decay, learning_rate, global_step, decay_steps, decay_rate, name=name or "ExponentialDecay",
                           type_name="ExponentialDecay")
