"""``xlaflow.config``: process-wide switches (64-bit types, devices)."""

from xlaflow._core.config import enable_x64, list_physical_devices, x64_enabled  # noqa: F401

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.config")
