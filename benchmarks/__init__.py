"""Benchmarks: each module's ``run()`` returns figures measured against a reference in
the same run (a hand-written ``jax.jit`` step is the limit of this stack).

``python -m benchmarks`` runs them all and prints one markdown table of medians.
"""
