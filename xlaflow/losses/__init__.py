"""Keras losses (``keras.losses``): the Loss base class, the built-in losses as classes
and functions, and their registry. Public names are re-exported by
``xlaflow.keras.losses``."""
