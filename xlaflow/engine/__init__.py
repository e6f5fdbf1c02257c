"""The compiled core: cache keys for traced programs and the compile cache.

Front ends (the tape, ``@function``; later ``Model`` and ``Session``) lower their
style into a pure JAX function and hand it here to be compiled once per key.
"""
