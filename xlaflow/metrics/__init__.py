"""Keras metrics (``keras.metrics``): the stateful Metric base class, the built-in
metrics and metric functions, and their registry. Public names are re-exported by
``xlaflow.keras.metrics``."""
