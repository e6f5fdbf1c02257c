"""``jit``: the one place xlaflow asks JAX to compile.

Every front end reaches XLA through :func:`jit`, directly (pure programs: per-op
kernels, tape programs) or through :class:`~xlaflow.engine.program.Program`
(programs over Variables). Compiles are counted by :mod:`xlaflow.engine.counter`
(from JAX's own events), cached by :mod:`xlaflow.engine.cache`, persisted by
:mod:`xlaflow.engine.persistent`, and placed by :mod:`xlaflow.engine.sharding`.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import jax

from xlaflow.engine import persistent  # noqa: F401 - turns the persistent cache on


def jit(fn: Callable, *, donate_argnums: Sequence[int] = (), static_argnames: Sequence[str] = (),
        in_shardings: Any = None, out_shardings: Any = None) -> Callable:
    """``fn`` compiled by XLA (``jax.jit``), once per input shapes and static arguments.

    Args:
      fn: a pure JAX function.
      donate_argnums: arguments whose buffers the program may reuse for its outputs
        (the caller must not use them afterwards).
      static_argnames: keyword arguments that are Python values, part of the key.
      in_shardings, out_shardings: placements from the active distribution
        (:mod:`xlaflow.engine.sharding`); None leaves them to JAX.
    """
    kwargs: dict = {}
    if donate_argnums:
        kwargs["donate_argnums"] = tuple(donate_argnums)
    if static_argnames:
        kwargs["static_argnames"] = tuple(static_argnames)
    if in_shardings is not None:
        kwargs["in_shardings"] = in_shardings
    if out_shardings is not None:
        kwargs["out_shardings"] = out_shardings
    return jax.jit(fn, **kwargs)
