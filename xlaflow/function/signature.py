"""How a call of a compiled function is split into a cache key and array inputs.

Tensors, Variables' values and NumPy/JAX arrays are *dynamic*: they become inputs of
the compiled program and count in the key by shape and dtype only. Everything else
(Python numbers, strings, None, Variables as objects, other objects) is *static*: it
is baked into the trace and counts in the key by value. ``input_signature`` fixes the
dtypes and (partial) shapes the dynamic arguments must have.
"""

from __future__ import annotations

from typing import Any, Sequence

import jax
import numpy as np

from xlaflow._core import dtypes
from xlaflow._core.tensor_spec import TensorSpec
from xlaflow._core.keys import freeze
from xlaflow.ops import convert
from xlaflow.ops.tensor import Tensor, TensorLike
from xlaflow.ops.variable import Variable

ARRAYS = _ARRAYS = (Tensor, np.ndarray, jax.Array)


_FAST_LEAVES = {Tensor, np.ndarray, type(jax.numpy.zeros(()))}


def _is_leaf(x: Any) -> bool:
    return isinstance(x, (Tensor, Variable, np.ndarray, jax.Array, TensorSpec)) or x is None


_POSITIONAL: dict = {}  # number of arguments -> treedef of ((a, b, ...), {})


def flatten(args: tuple, kwargs: dict) -> tuple[list, Any]:
    if not kwargs and all(type(a) in _FAST_LEAVES for a in args):  # the common call: arrays only
        treedef = _POSITIONAL.get(len(args))
        if treedef is None:
            treedef = _POSITIONAL[len(args)] = jax.tree_util.tree_structure(((0,) * len(args), {}))
        return list(args), treedef
    return jax.tree_util.tree_flatten((args, kwargs), is_leaf=_is_leaf)


def split(leaves: list) -> tuple[tuple, list]:
    """(key part, dynamic arrays) for the flattened arguments of one call."""
    key = []
    arrays = []
    for leaf in leaves:
        if isinstance(leaf, np.ndarray):
            arr, dtype = convert.compiled_input(leaf)
            key.append((arr.shape, dtype))
            arrays.append(arr)
            continue
        if isinstance(leaf, Tensor):
            arr = leaf._value
        elif isinstance(leaf, jax.Array):
            arr = leaf
        elif isinstance(leaf, Variable):
            key.append(("var", id(leaf)))
            continue
        else:
            key.append(("static", freeze(leaf)))
            continue
        key.append((arr.shape, arr.dtype))
        arrays.append(arr)
    return tuple(key), arrays


def rebuild(leaves: list, arrays: Sequence[Any]) -> list:
    """The call's leaves with each dynamic one replaced by a Tensor of ``arrays``."""
    it = iter(arrays)
    return [Tensor._wrap(next(it)) if isinstance(leaf, _ARRAYS) else leaf for leaf in leaves]


def check_signature(name: str, signature: Sequence[TensorSpec], params: Sequence[str], args: tuple, kwargs: dict) -> tuple:
    """Binds ``args``/``kwargs`` to ``signature`` and converts them to tensors of the
    specs' dtypes; a ValueError names the argument, the spec and what was received."""
    if kwargs:
        bound = list(args)
        for p in params[len(args):len(signature)]:
            if p in kwargs:
                bound.append(kwargs.pop(p))
        if kwargs:
            raise TypeError(f"{name}: got unexpected keyword arguments {sorted(kwargs)} for its input_signature")
        args = tuple(bound)
    if len(args) != len(signature):
        raise TypeError(
            f"{name}: takes {len(signature)} arguments as declared by its input_signature. Received: {len(args)} arguments"
        )
    out = []
    for i, (value, spec) in enumerate(zip(args, signature)):
        arg = params[i] if i < len(params) else f"args[{i}]"
        out.append(jax.tree_util.tree_map(lambda s, v: _conform(name, arg, s, v), spec, value, is_leaf=lambda x: isinstance(x, TensorSpec)))
    return tuple(out)


def _conform(name: str, arg: str, spec: Any, value: Any) -> Any:
    if not isinstance(spec, TensorSpec):
        return value
    if isinstance(value, TensorLike):
        if value.dtype != spec.dtype:
            raise ValueError(
                f"{name}: argument `{arg}` must match {spec}. Received: a tensor of dtype "
                f"{value.dtype.name} and shape {value.shape}"
            )
        arr = value._read()
    else:
        try:
            arr = convert.to_array(value, spec.dtype, op=name, arg=arg)
        except (TypeError, ValueError) as e:
            raise ValueError(f"{name}: argument `{arg}` must match {spec}. Received: {value!r:.100} ({e})") from None
    if not spec.shape.is_compatible_with(arr.shape):
        raise ValueError(
            f"{name}: argument `{arg}` must match {spec}. Received: shape {tuple(arr.shape)} "
            f"and dtype {dtypes.as_dtype(arr.dtype).name}"
        )
    return Tensor._wrap(arr)


def describe(params: Sequence[str], args: tuple, kwargs: dict) -> dict[str, Any]:
    """Per argument name, what the cache key sees of it (to name what changed)."""
    desc = {}
    for i, value in enumerate(args):
        desc[params[i] if i < len(params) else f"args[{i}]"] = _describe(value)
    for k, value in kwargs.items():
        desc[k] = _describe(value)
    return desc


def _describe(value: Any) -> Any:
    leaves, treedef = jax.tree_util.tree_flatten(value, is_leaf=_is_leaf)
    parts = []
    for leaf in leaves:
        if isinstance(leaf, _ARRAYS):
            arr = leaf._value if isinstance(leaf, Tensor) else leaf
            parts.append(f"{np.dtype(arr.dtype).name}{list(np.shape(arr))}")
        elif isinstance(leaf, Variable):
            parts.append(f"Variable {leaf.name}")
        else:
            parts.append(repr(leaf)[:40])
    return (str(treedef), tuple(parts))
