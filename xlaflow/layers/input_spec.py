"""``InputSpec``: what a layer accepts (rank, and sizes of given axes), checked on call.

Errors follow Keras' wording and name the layer, the expectation and the received
shape, so a wrong input fails at the layer rather than deep in a matmul.
"""

from __future__ import annotations

from typing import Any


class InputSpec:
    """The rank and axis sizes a layer's input must have (Keras' ``InputSpec``)."""

    def __init__(self, dtype: Any = None, shape: Any = None, ndim: int | None = None, max_ndim: int | None = None,
                 min_ndim: int | None = None, axes: dict | None = None, allow_last_axis_squeeze: bool = False, name: str | None = None):
        self.dtype = dtype
        self.shape = None if shape is None else tuple(shape)
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = dict(axes or {})
        self.name = name

    def __repr__(self) -> str:
        return f"InputSpec(ndim={self.ndim}, min_ndim={self.min_ndim}, max_ndim={self.max_ndim}, axes={self.axes})"


def check_input(layer: Any, spec: InputSpec, x: Any) -> None:
    """Raises ValueError if ``x`` does not satisfy ``spec``."""
    shape = tuple(x.shape.as_list())
    head = f'Input 0 of layer "{layer.name}" is incompatible with the layer:'
    rank = len(shape)
    if spec.ndim is not None and rank != spec.ndim:
        raise ValueError(f"{head} expected ndim={spec.ndim}, found ndim={rank}. Full shape received: {shape}")
    if spec.min_ndim is not None and rank < spec.min_ndim:
        raise ValueError(f"{head} expected min_ndim={spec.min_ndim}, found ndim={rank}. Full shape received: {shape}")
    if spec.max_ndim is not None and rank > spec.max_ndim:
        raise ValueError(f"{head} expected max_ndim={spec.max_ndim}, found ndim={rank}. Full shape received: {shape}")
    for axis, size in spec.axes.items():
        got = shape[axis] if -rank <= axis < rank else None
        if size is not None and got is not None and got != size:
            raise ValueError(
                f"{head} expected axis {axis} of input shape to have value {size}, but received input with shape {shape}"
            )
    if spec.shape is not None:
        for want, got in zip(spec.shape, shape):
            if want is not None and got is not None and want != got:
                raise ValueError(f"{head} expected shape={spec.shape}, found shape={shape}")
