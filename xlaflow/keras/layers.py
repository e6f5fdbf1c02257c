"""``keras.layers``: the layers xlaflow has so far (re-exports of :mod:`xlaflow.layers`)."""

from xlaflow.layers import Dense, InputSpec, Layer  # noqa: F401
