"""The Keras training front end: ``compile``/``fit``/``evaluate``/``predict`` and the
``*_on_batch`` methods, written once over the engine's compiled step programs."""

from xlaflow.training.trainer import Trainer

__all__ = ["Trainer"]
