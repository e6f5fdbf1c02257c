"""The Keras ``Metric`` base class: state in non-trainable Variables.

A metric accumulates over batches: ``update_state(...)`` adds a batch,
``result()`` reads the current value, ``reset_state()`` (alias ``reset_states``)
starts over, and ``metric(...)`` does an update and returns the result. All state
lives in non-trainable :class:`xlaflow.Variable` s created by :meth:`add_variable`
and changed only through ``assign``/``assign_add``. Because Variables are bound by
the state scope inside compiled code, the same ``update_state`` runs eagerly and
inside ``xlaflow.function`` (where the new totals are written back after each call),
and a training step can carry metric state as part of its pure state.

Updates are computed with JAX on the arrays behind the inputs; metrics are not
differentiated, so they are not recorded on gradient tapes.
"""

from __future__ import annotations

from typing import Any, Callable

import jax.numpy as jnp
import numpy as np

from xlaflow._core import dtypes
from xlaflow.losses.base import _snake_case, as_array
from xlaflow.ops.tensor import Tensor
from xlaflow.ops.variable import Variable


class Metric:
    """Base class of stateful metrics: implement ``update_state`` and ``result``.

    Args:
      dtype: dtype of the state and the result (default float32).
      name: the metric's name (defaults to the snake-case class name).

    Example::

        class Count(Metric):
            def __init__(self, name="count"):
                super().__init__(name=name)
                self.n = self.add_variable((), "zeros", name="n")
            def update_state(self, x):
                self.n.assign_add(float(len(x)))
            def result(self):
                return self.n.value()
    """

    def __init__(self, dtype: Any = None, name: str | None = None):
        self.name = name or _snake_case(type(self).__name__)
        self._dtype = dtypes.as_dtype(dtype or "float32").name
        self._variables: list[Variable] = []
        self._metrics: list[Metric] = []

    # -- state --------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._dtype

    def add_variable(self, shape: Any, initializer: Any = "zeros", dtype: Any = None, aggregation: str = "sum",
                     name: str | None = None) -> Variable:
        """Creates a non-trainable state Variable of ``shape`` owned by this metric.

        ``initializer`` is ``"zeros"``, ``"ones"``, a number, or a callable
        ``init(shape, dtype)``.
        """
        if not hasattr(self, "_variables"):
            raise RuntimeError(f"{type(self).__name__}: call `super().__init__()` in `__init__` before `add_variable`.")
        dtype = dtypes.as_dtype(dtype or self.dtype).name
        shape = tuple(int(d) for d in shape)
        value = _initial_value(initializer, shape, dtype, type(self).__name__)
        var = Variable(value, trainable=False, name=f"{self.name}/{name or 'variable'}", dtype=dtype)
        self._variables.append(var)
        return var

    def add_weight(self, shape: Any = (), initializer: Any = None, dtype: Any = None, name: str | None = None) -> Variable:
        """Alias of :meth:`add_variable` (zeros by default)."""
        return self.add_variable(shape, initializer if initializer is not None else "zeros", dtype=dtype, name=name)

    @property
    def variables(self) -> list[Variable]:
        out = list(self._variables)
        for m in self._metrics:
            out.extend(m.variables)
        return out

    weights = variables

    @property
    def trainable_variables(self) -> list[Variable]:
        return []

    @property
    def non_trainable_variables(self) -> list[Variable]:
        return self.variables

    def reset_state(self) -> None:
        """Sets every state variable back to zeros."""
        for v in self.variables:
            v.assign(jnp.zeros(tuple(v.shape), v.dtype.as_numpy_dtype))

    def reset_states(self) -> None:
        """Alias of :meth:`reset_state` (the tf.keras 2 name)."""
        self.reset_state()

    # -- the protocol -------------------------------------------------------------
    def update_state(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Metric must implement `update_state`.")

    def result(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__}: subclasses of Metric must implement `result`.")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """``update_state(*args, **kwargs)``, then ``result()``."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict) -> "Metric":
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}>"

    __str__ = __repr__


def _initial_value(initializer: Any, shape: tuple, dtype: str, owner: str) -> Any:
    np_dtype = dtypes.as_dtype(dtype).as_numpy_dtype
    if initializer in ("zeros", "Zeros", None):
        return np.zeros(shape, np_dtype)
    if initializer in ("ones", "Ones"):
        return np.ones(shape, np_dtype)
    if isinstance(initializer, (int, float)) and not isinstance(initializer, bool):
        return np.full(shape, initializer, np_dtype)
    if callable(initializer):
        return initializer(shape, dtype)
    raise ValueError(
        f"{owner}.add_variable: argument `initializer` must be 'zeros', 'ones', a number or a callable. "
        f"Received: initializer={initializer!r}"
    )


def read(var: Variable) -> Any:
    """The current value of a state variable as an array (bound value when traced)."""
    return var._read()


def wrap(value: Any) -> Tensor:
    """A result array as an xlaflow Tensor."""
    return Tensor._wrap(jnp.asarray(value))


def divide_no_nan(a: Any, b: Any) -> Any:
    """``a / b``, 0 where ``b == 0``."""
    safe = jnp.where(b == 0, jnp.ones_like(b), b)
    return jnp.where(b == 0, jnp.zeros_like(a / safe), a / safe)


def values_of(x: Any, dtype: Any = None) -> Any:
    """An input (Tensor, Variable, array, host data) as a JAX array."""
    return as_array(x, dtype)


def fn_name(fn: Callable) -> str:
    return getattr(fn, "__name__", type(fn).__name__)
