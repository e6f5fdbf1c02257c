"""Process-wide switches: 64-bit types, and what devices JAX sees.

64-bit dtypes are off by default in JAX (and therefore in xlaflow); TF code that needs
float64 calls :func:`enable_x64` once at start-up, before it creates tensors.
"""

from __future__ import annotations

import jax


def enable_x64(enable: bool = True) -> None:
    """Turns JAX's 64-bit mode on (or off), so float64/int64 tensors keep their width.

    Call it before creating any tensor: arrays made earlier keep their 32-bit types.
    """
    if not isinstance(enable, bool):
        raise TypeError(f"enable_x64: argument `enable` must be a bool. Received: {enable!r}")
    jax.config.update("jax_enable_x64", enable)


def x64_enabled() -> bool:
    """Whether 64-bit dtypes are kept (see :func:`enable_x64`)."""
    return bool(jax.config.jax_enable_x64)


def list_physical_devices(device_type: str | None = None) -> list:
    """JAX devices, optionally filtered by type ('CPU', 'GPU', 'TPU'), as TF lists them."""
    if device_type is None:
        return list(jax.devices())
    try:
        return list(jax.devices(device_type.lower()))
    except RuntimeError:  # no backend of that kind on this machine
        return []
