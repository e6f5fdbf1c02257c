"""Layers that merge a list of inputs (Keras' merging layers): the elementwise
``Add``, ``Subtract``, ``Multiply``, ``Average``, ``Maximum`` and ``Minimum``, plus
``Concatenate`` along an axis and the batched ``Dot`` product.

Elementwise merges accept shapes that broadcast (sizes equal or 1); inputs of lower
rank get size-1 axes inserted after the batch axis first, as Keras does.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.layer import Layer
from xlaflow.ops.array_ops import concat, expand_dims
from xlaflow.ops.binary_ops import maximum, minimum
from xlaflow.ops.contract_ops import einsum
from xlaflow.ops.linalg_ops import l2_normalize


def _shapes(layer: Layer, input_shape: Any) -> list[tuple]:
    if not isinstance(input_shape, (list, tuple)) or not input_shape or not isinstance(input_shape[0], (list, tuple)):
        raise ValueError(
            f'{type(layer).__name__} layer "{layer.name}" should be called on a list of inputs. '
            f"Received: input_shape={input_shape}"
        )
    return [tuple(s) for s in input_shape]


def _broadcast(layer: Layer, shape1: tuple, shape2: tuple) -> tuple:
    if len(shape1) < len(shape2):
        shape1, shape2 = shape2, shape1
    shape2 = shape2[:1] + (1,) * (len(shape1) - len(shape2)) + shape2[1:]
    out = []
    for a, b in zip(shape1, shape2):
        if a is None or b is None:
            out.append(None)
        elif a == 1 or b == 1 or a == b:
            out.append(max(a, b))
        else:
            raise ValueError(
                f'{type(layer).__name__} layer "{layer.name}": inputs have incompatible shapes. '
                f"Received shapes {shape1} and {shape2}"
            )
    return tuple(out)


class _Merge(Layer):
    """Base of the elementwise merges: checks the shapes, aligns ranks, folds
    :meth:`_merge` over the inputs."""

    _min_inputs = 1
    _max_inputs: int | None = None

    def build(self, input_shape: Any) -> None:
        shapes = _shapes(self, input_shape)
        n = len(shapes)
        if n < self._min_inputs or (self._max_inputs is not None and n > self._max_inputs):
            want = f"exactly {self._min_inputs}" if self._min_inputs == self._max_inputs else f"at least {self._min_inputs}"
            raise ValueError(
                f'{type(self).__name__} layer "{self.name}" should be called on a list of {want} inputs. '
                f"Received: {n} inputs with input_shape={input_shape}"
            )
        out = shapes[0]
        for shape in shapes[1:]:
            out = _broadcast(self, out, shape)
        self.built = True

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f'{type(self).__name__} layer "{self.name}" should be called on a list of inputs. Received: inputs={inputs!r}')
        self.build([tuple(x.shape.as_list()) for x in inputs])  # checks every call: shapes may change
        rank = max(x.shape.rank for x in inputs)
        aligned = []
        for x in inputs:
            while x.shape.rank < rank:
                x = expand_dims(x, 1)
            aligned.append(x)
        return self._merge(aligned)

    def _merge(self, inputs: list) -> Any:  # each merge layer defines its combination
        raise NotImplementedError(f"{type(self).__name__} must implement `_merge(inputs)`.")


class Add(_Merge):
    """Sums a list of inputs elementwise."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out


class Subtract(_Merge):
    """``inputs[0] - inputs[1]`` for exactly two inputs."""

    _min_inputs = 2
    _max_inputs = 2

    def _merge(self, inputs: list) -> Any:
        return inputs[0] - inputs[1]


class Multiply(_Merge):
    """Multiplies a list of inputs elementwise."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = out * x
        return out


class Average(_Merge):
    """The elementwise mean of a list of inputs."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = out + x
        return out / len(inputs)


class Maximum(_Merge):
    """The elementwise maximum of a list of inputs."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = maximum(out, x)
        return out


class Minimum(_Merge):
    """The elementwise minimum of a list of inputs."""

    def _merge(self, inputs: list) -> Any:
        out = inputs[0]
        for x in inputs[1:]:
            out = minimum(out, x)
        return out


class Concatenate(Layer):
    """Concatenates a list of inputs along ``axis``; all other sizes must match.

    Args:
      axis: the axis to join along (default -1, the last).
    """

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = int(axis)

    def build(self, input_shape: Any) -> None:
        shapes = _shapes(self, input_shape)
        rank = len(shapes[0])
        if any(len(s) != rank for s in shapes) or not -rank <= self.axis < rank:
            raise ValueError(
                f'Concatenate layer "{self.name}" requires inputs of one rank with axis={self.axis} inside it. '
                f"Received: input_shape={input_shape}"
            )
        axis = self.axis % rank
        for s in shapes[1:]:
            for i, (a, b) in enumerate(zip(shapes[0], s)):
                if i != axis and a is not None and b is not None and a != b:
                    raise ValueError(
                        f'Concatenate layer "{self.name}" requires inputs with matching shapes except for the '
                        f"concatenation axis (axis={self.axis}). Received: input_shape={input_shape}"
                    )
        self.built = True

    def call(self, inputs: Any) -> Any:
        self.build([tuple(x.shape.as_list()) for x in inputs])
        return concat(list(inputs), axis=self.axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config["axis"] = self.axis
        return config


_LETTERS = "bcdefghijklmnopqrstuvwxyz"


class Dot(Layer):
    """The dot product of two batched inputs along ``axes`` (Keras' batch_dot).

    The output holds the first input's remaining axes, then the second's (without its
    batch axis); a result with only the batch axis gets a trailing axis of size 1.

    Args:
      axes: an int (the same axis of both inputs) or a pair of ints; never the batch 0.
      normalize: L2-normalize both inputs along ``axes`` first (the cosine proximity).
    """

    def __init__(self, axes: Any, normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot: argument `axes` must be an int or a list/tuple of 2 ints. Received: axes={axes!r}")
            axes = tuple(axes)
        elif not isinstance(axes, int):
            raise TypeError(f"Dot: argument `axes` must be an int or a list/tuple of 2 ints. Received: axes={axes!r}")
        self.axes = axes
        self.normalize = bool(normalize)

    def _axes(self, shape1: tuple, shape2: tuple) -> tuple[int, int]:
        a1, a2 = self.axes if isinstance(self.axes, tuple) else (self.axes, self.axes)
        return a1 % len(shape1), a2 % len(shape2)

    def build(self, input_shape: Any) -> None:
        shapes = _shapes(self, input_shape)
        if len(shapes) != 2:
            raise ValueError(f'Dot layer "{self.name}" should be called on a list of 2 inputs. Received: input_shape={input_shape}')
        s1, s2 = shapes
        a1, a2 = self._axes(s1, s2)
        if a1 == 0 or a2 == 0:
            raise ValueError(f'Dot layer "{self.name}": `axes` must not contract the batch axis 0. Received: axes={self.axes}')
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(
                f'Dot layer "{self.name}": incompatible input shapes: axis values {s1[a1]} (at axis {a1}) != '
                f"{s2[a2]} (at axis {a2}). Full input shapes: {s1}, {s2}"
            )
        self.built = True

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f'Dot layer "{self.name}" should be called on a list of 2 inputs. Received: inputs={inputs!r}')
        self.build([tuple(x.shape.as_list()) for x in inputs])
        x1, x2 = inputs
        a1, a2 = self._axes(tuple(x1.shape.as_list()), tuple(x2.shape.as_list()))
        if self.normalize:
            x1 = l2_normalize(x1, axis=a1)
            x2 = l2_normalize(x2, axis=a2)
        r1, r2 = x1.shape.rank, x2.shape.rank
        free = iter(_LETTERS[1:])
        sub1 = ["a"] + [next(free) for _ in range(r1 - 1)]
        sub2 = ["a"] + [next(free) for _ in range(r2 - 1)]
        sub2[a2] = sub1[a1]
        out = [c for i, c in enumerate(sub1) if i != a1] + [c for i, c in enumerate(sub2) if i not in (0, a2)]
        result = einsum(f"{''.join(sub1)},{''.join(sub2)}->{''.join(out)}", x1, x2)
        return expand_dims(result, 1) if len(out) == 1 else result

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config
