"""The compiled core: the one way from Python into XLA.

Every front end — the Keras ``Model`` steps, ``@function``, TF1 ``Session.run``,
the ``GradientTape`` programs, eager ``apply_gradients``, built-in layer calls and
per-op kernels — lowers its style into JAX and hands it here. The API, by module:

* :mod:`~xlaflow.engine.compiler` — ``jit(fn, donate_argnums=, static_argnames=)``:
  the only call of ``jax.jit`` in xlaflow. Pure programs (an op's kernel, a tape's
  vector-Jacobian product) compile through it directly.
* :mod:`~xlaflow.engine.program` — ``Program(name).run(key, arrays, build, steps=,
  scanned=, collect=)``: Python over Variables. ``build`` is traced once per key
  (:mod:`~xlaflow.engine.capture` makes the Variables it meets inputs as it goes,
  and creates lazily built ones on the first trace), compiled once per *structure*
  (two models of one architecture share programs), run with the written buffers
  donated and written back, ``steps`` at a time under ``lax.scan`` when asked.
  ``StatefulProgram`` adapts a step over pytrees (the Keras steps) to it.
  Called inside another trace a front end runs inline (``inside_trace()``); under
  a recording tape a program runs as one recorded op.
* :mod:`~xlaflow.engine.checks` — ``check(bad, error, template, *payload)``: TF's
  run-time checks (label and index ranges, integer division by zero). Eagerly they
  raise at once; in a program they become flags, and the engine raises TF's error
  after the dispatch without committing the step's state.
* :mod:`~xlaflow.engine.errors` — XLA's run-time errors as ``tf.errors`` types.
* :mod:`~xlaflow.engine.cache` — the bounded cache of compiled programs and the
  retrace warning (``XlaflowRetracingWarning``) every front end shares: after five
  traces of one program (or one family: a Session's fetches, a tape's ops) for
  changing arguments it names the argument that changed.
* :mod:`~xlaflow.engine.counter` — ``compile_count()``: real XLA compiles, counted
  from ``jax.monitoring`` events.
* :mod:`~xlaflow.engine.persistent` — the persistent compilation cache, on by
  default in a per-user directory (``XLAFLOW_COMPILATION_CACHE=0`` turns it off;
  ``JAX_COMPILATION_CACHE_DIR`` wins when set).
* :mod:`~xlaflow.engine.buckets` — padding of ragged batches to power-of-two
  buckets with a row mask, so changing batch sizes compile a handful of programs.
* :mod:`~xlaflow.engine.sharding` — the hook by which a distribution places every
  program's inputs and outputs.

``jax.jit`` appears nowhere else in xlaflow (``tests/engine/test_one_engine.py``
checks it).
"""

from xlaflow.engine.counter import compile_count  # noqa: F401
