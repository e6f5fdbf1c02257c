"""Error flags: checks inside compiled programs, raised after the program ran.

An op that TensorFlow checks at run time (a class id or an index out of range, an
integer division by zero) calls :func:`check` with a boolean "bad" array, the
``tf.errors`` class and a message template:

* **eagerly** (concrete values) a failing check raises at once;
* **while a program is traced** by the engine, the check becomes an output of the
  program: a flag (any element bad) and an integer payload (the offending value,
  formatted into the message). After the dispatch the engine reads the flags (one
  small transfer), and raises the first failing check's error. The program also
  keeps every written Variable at its old value when a flag is set, so a failing
  step changes nothing (see :mod:`xlaflow.engine.program`);
* traced by anything else (a user's own ``jax.jit``), a check cannot report and is
  skipped.

This module imports nothing of xlaflow's but ``_core``, so ops can use it.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator, NamedTuple
from contextlib import contextmanager

import jax
import jax.numpy as jnp
import numpy as np


class Check(NamedTuple):
    """What a failing check raises: ``error(template.format(*payload))``."""

    error: type
    template: str
    n_payload: int


class Collector:
    """The checks of one program being traced: flags, payloads and their meaning.

    ``owns(value)`` says whether a traced value belongs to the program's own trace
    (set by the engine); ``at_top()`` makes that trace current. A check computed
    inside a nested transformation whose values cannot leave it (a ``lax.scan``
    body, ``vmap``) cannot report and is skipped, as under a user's ``jax.jit``.
    """

    def __init__(self) -> None:
        self.flags: list = []
        self.payloads: list = []
        self.meta: list[Check] = []
        self.owns: Any = lambda value: True
        self.at_top: Any = contextlib.nullcontext

    def add(self, bad: Any, error: type, template: str, payload: tuple) -> None:
        values = [bad, *payload]
        if not all(self.owns(v) for v in values if isinstance(v, jax.core.Tracer)):
            return
        with self.at_top():
            self.flags.append(jnp.any(bad))
            self.payloads.extend(jnp.asarray(p).astype(jnp.int32).reshape(()) for p in payload)
        self.meta.append(Check(error, template, len(payload)))


class _Local(threading.local):
    def __init__(self) -> None:
        self.stack: list[Collector | None] = []


_local = _Local()


@contextmanager
def collecting(collector: Collector | None) -> Iterator[Collector | None]:
    """Makes ``collector`` receive the checks traced in the block (None: none do)."""
    _local.stack.append(collector)
    try:
        yield collector
    finally:
        _local.stack.pop()


def check(bad: Any, error: type, template: str, *payload: Any) -> None:
    """Fails with ``error(template.format(*payload))`` where ``bad`` has a true element.

    Args:
      bad: a boolean array (or scalar), concrete or traced.
      error: a ``tf.errors`` class.
      template: the message; ``{0}``, ``{1}``... are filled with ``payload``.
      payload: integer scalars (the offending value, a limit) for the message.
    """
    if not isinstance(bad, jax.core.Tracer) and not any(isinstance(p, jax.core.Tracer) for p in payload):
        if np.any(np.asarray(bad)):
            raise error(template.format(*[_host(p) for p in payload]))
        return
    collector = _local.stack[-1] if _local.stack else None
    if collector is not None:
        collector.add(bad, error, template, payload)


def _host(value: Any) -> Any:
    arr = np.asarray(value)
    return arr.item() if arr.ndim == 0 else arr.tolist()


def raise_failed(meta: list[Check], flags: Any, payloads: Any) -> None:
    """Raises the first failing check's error, given the program's flag outputs."""
    flags = np.asarray(flags)
    if not flags.any():
        return
    payloads = np.asarray(payloads).tolist()
    start = 0
    for check_, flag in zip(meta, flags.tolist()):
        if flag:
            raise check_.error(check_.template.format(*payloads[start:start + check_.n_payload]))
        start += check_.n_payload


def first_bad(values: Any, bad: Any) -> Any:
    """The first element of ``values`` where ``bad`` holds (a payload for :func:`check`)."""
    flat_bad = jnp.ravel(bad)
    return jnp.ravel(values)[jnp.argmax(flat_bad)]
