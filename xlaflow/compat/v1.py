"""``xlaflow.compat.v1``: TensorFlow 1's namespace (``import xlaflow.compat.v1 as tf``).

The TF1-only names (placeholders, sessions, collections, ``variable_scope``, the v1
``train`` module, TF1 initializer factories, ``random_normal`` ...) are defined here;
every other name falls through to the main ``xlaflow`` namespace (the same ops,
``Variable``, ``nn``, ``math`` ...). ``disable_eager_execution()`` and its friends
are accepted and do nothing: graph code and eager code live side by side in
xlaflow, with no global switch (see :mod:`xlaflow.graph` for the rule).
"""

from __future__ import annotations

from typing import Any

from xlaflow import train
from xlaflow.graph import (
    Graph,
    InteractiveSession,
    Session,
    add_to_collection,
    assign,
    assign_add,
    assign_sub,
    control_dependencies,
    get_collection,
    get_default_graph,
    get_default_session,
    global_variables,
    global_variables_initializer,
    gradients,
    group,
    initialize_all_variables,
    local_variables,
    local_variables_initializer,
    name_scope,
    no_op,
    placeholder,
    placeholder_with_default,
    reset_default_graph,
    trainable_variables,
    variables_initializer,
)
from xlaflow.io import gfile_v1 as gfile  # noqa: F401 - tf.compat.v1.gfile (TF1's CamelCase names)
from xlaflow.graph.variable_scope import AUTO_REUSE, VariableScope, get_variable, get_variable_scope, variable_scope
from xlaflow.ops.random_ops import normal as random_normal
from xlaflow.ops.random_ops import truncated_normal
from xlaflow.ops.random_ops import uniform as random_uniform
from xlaflow.ops.unary_ops import log


class GraphKeys:
    """Names of the standard graph collections (TF1's ``tf.GraphKeys``)."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = "variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    LOCAL_VARIABLES = "local_variables"
    GLOBAL_STEP = "global_step"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    SUMMARIES = "summaries"


def disable_eager_execution() -> None:
    """Accepted and ignored: xlaflow runs TF1 graphs next to eager code, no switch."""


def enable_eager_execution(config: Any = None, device_policy: Any = None, execution_mode: Any = None) -> None:
    """Accepted and ignored (eager execution is always available)."""


def disable_v2_behavior() -> None:
    """Accepted and ignored (see :func:`disable_eager_execution`)."""


def enable_v2_behavior() -> None:
    """Accepted and ignored."""


# -- TF1 initializer factories (TF1 defaults, Keras initializers underneath) ----------------
def zeros_initializer(dtype: Any = None) -> Any:
    from xlaflow.initializers import Zeros

    return Zeros()


def ones_initializer(dtype: Any = None) -> Any:
    from xlaflow.initializers import Ones

    return Ones()


def constant_initializer(value: Any = 0, dtype: Any = None, verify_shape: bool = False) -> Any:
    from xlaflow.initializers import Constant

    return Constant(value)


def random_normal_initializer(mean: float = 0.0, stddev: float = 1.0, seed: Any = None, dtype: Any = None) -> Any:
    from xlaflow.initializers import RandomNormal

    return RandomNormal(mean=mean, stddev=stddev, seed=seed)


def truncated_normal_initializer(mean: float = 0.0, stddev: float = 1.0, seed: Any = None, dtype: Any = None) -> Any:
    from xlaflow.initializers import TruncatedNormal

    return TruncatedNormal(mean=mean, stddev=stddev, seed=seed)


def random_uniform_initializer(minval: float = 0.0, maxval: Any = None, seed: Any = None, dtype: Any = None) -> Any:
    from xlaflow.initializers import RandomUniform

    return RandomUniform(minval=minval, maxval=1.0 if maxval is None else maxval, seed=seed)


def glorot_uniform_initializer(seed: Any = None, dtype: Any = None) -> Any:
    from xlaflow.initializers import GlorotUniform

    return GlorotUniform(seed=seed)


def glorot_normal_initializer(seed: Any = None, dtype: Any = None) -> Any:
    from xlaflow.initializers import GlorotNormal

    return GlorotNormal(seed=seed)


def __getattr__(name: str) -> Any:
    import xlaflow

    try:
        return getattr(xlaflow, name)
    except AttributeError:
        from xlaflow._core.missing import NotImplementedByXlaflow

        raise NotImplementedByXlaflow(f"xlaflow does not implement tf.compat.v1.{name} yet") from None


__all__ = [
    "AUTO_REUSE",
    "Graph",
    "GraphKeys",
    "InteractiveSession",
    "Session",
    "VariableScope",
    "add_to_collection",
    "assign",
    "assign_add",
    "assign_sub",
    "constant_initializer",
    "control_dependencies",
    "disable_eager_execution",
    "disable_v2_behavior",
    "enable_eager_execution",
    "enable_v2_behavior",
    "get_collection",
    "get_default_graph",
    "get_default_session",
    "get_variable",
    "get_variable_scope",
    "global_variables",
    "global_variables_initializer",
    "glorot_normal_initializer",
    "glorot_uniform_initializer",
    "gradients",
    "group",
    "initialize_all_variables",
    "local_variables",
    "local_variables_initializer",
    "log",
    "name_scope",
    "no_op",
    "ones_initializer",
    "placeholder",
    "placeholder_with_default",
    "random_normal",
    "random_normal_initializer",
    "random_uniform",
    "random_uniform_initializer",
    "reset_default_graph",
    "train",
    "trainable_variables",
    "truncated_normal",
    "truncated_normal_initializer",
    "variable_scope",
    "variables_initializer",
    "zeros_initializer",
]
