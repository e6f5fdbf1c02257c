"""Contractions over several tensors: ``einsum``, ``tensordot`` and ``add_n``.

The equation, axes and shapes are checked here, before JAX sees them, so a mistake
is reported with the op, the argument and the shapes involved. ``einsum`` is variadic
in TF (``einsum("ij,jk->ik", a, b)``); its public wrapper gathers the operands into
the list argument of one dispatched op.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jax.numpy as jnp
import numpy as np

from xlaflow._core import errors
from xlaflow.ops.dispatch import op
from xlaflow.ops.unary_ops import check_dtype

_TERM = re.compile(r"^[A-Za-z]*(\.\.\.)?[A-Za-z]*$")


def _parse_einsum(equation: str, shapes: list[tuple[int, ...]]) -> None:
    """Checks ``equation`` against the operand shapes; raises a clear error if wrong."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise errors.InvalidArgumentError(
            f"einsum: argument `equation` names {len(terms)} operand(s) but {len(shapes)} were given. "
            f"Received: equation={equation!r}"
        )
    for term in terms + ([rhs] if arrow else []):
        if not _TERM.match(term):
            raise errors.InvalidArgumentError(
                f"einsum: argument `equation` must use letters and at most one '...' per term. Received: {equation!r}"
            )
    sizes: dict[str, tuple[int, int]] = {}
    for i, (term, shape) in enumerate(zip(terms, shapes)):
        labels = term.replace("...", "")
        ellipsis = "..." in term
        if len(labels) > len(shape) or (not ellipsis and len(labels) != len(shape)):
            raise errors.InvalidArgumentError(
                f"einsum: term {term!r} of argument `equation` must label every axis of input {i}. "
                f"Received: input {i} of shape {list(shape)}"
            )
        head = term.split("...")[0] if ellipsis else labels
        dims = list(shape[: len(head)]) + list(shape[len(shape) - (len(labels) - len(head)):])
        for label, dim in zip(labels, dims):
            if label in sizes and sizes[label][0] != dim:
                j = sizes[label][1]
                raise errors.InvalidArgumentError(
                    f"einsum: label {label!r} must have one size in every input. Received: {sizes[label][0]} "
                    f"in input {j} (shape {list(shapes[j])}) and {dim} in input {i} (shape {list(shape)})"
                )
            sizes.setdefault(label, (dim, i))
    if arrow:
        out = rhs.replace("...", "")
        for label in out:
            if label not in sizes:
                raise errors.InvalidArgumentError(f"einsum: output label {label!r} appears in no input. Received: {equation!r}")
        if len(set(out)) != len(out):
            raise errors.InvalidArgumentError(f"einsum: the output must not repeat a label. Received: {equation!r}")


@op("Einsum", tensors=("inputs",), lists=("inputs",), same_dtype=("inputs",))
def _einsum(inputs, equation, optimize="greedy"):
    """The dispatched op behind :func:`einsum` (operands in one list)."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum: argument `equation` must be a string. Received: {equation!r}")
    if not inputs:
        raise ValueError("einsum: at least one input tensor is required. Received: none")
    for i, x in enumerate(inputs):
        check_dtype("einsum", f"inputs[{i}]", x, "fciu")
    _parse_einsum(equation, [tuple(x.shape) for x in inputs])
    strategy = optimize if optimize in ("greedy", "optimal") else "greedy"
    return jnp.einsum(equation, *inputs, optimize=strategy)


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Any:
    """Tensor contraction described by an Einstein-summation ``equation``.

    ``einsum("ij,jk->ik", a, b)`` is a matrix product; ``"bij,bjk->bik"`` a batched
    one; ``"...ij->...ji"`` transposes the last two axes. Without ``->`` the output
    holds the labels used once, in alphabetical order. All inputs share one dtype.

    Args:
      equation: the subscripts, e.g. ``"ij,jk->ik"``.
      *inputs: the operands, one per comma-separated term.
      **kwargs: ``name`` (ignored) and ``optimize`` ('greedy' or 'optimal').

    Raises:
      InvalidArgumentError: the equation does not match the number or shapes of inputs.
      TypeError: unknown keyword arguments, or bool inputs.
    """
    unknown = sorted(set(kwargs) - {"name", "optimize"})
    if unknown:
        raise TypeError(f"einsum: unexpected keyword argument(s) {unknown}. Received: {sorted(kwargs)}")
    return _einsum(list(inputs), equation, **kwargs)


def _tensordot_axes(a, b, axes: Any) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)) and not isinstance(axes, bool):
        n = int(axes)
        if n < 0 or n > a.ndim or n > b.ndim:
            raise errors.InvalidArgumentError(
                f"tensordot: argument `axes` must be an int in [0, min(rank(a), rank(b))] = [0, {min(a.ndim, b.ndim)}]. "
                f"Received: axes={axes}"
            )
        return list(range(a.ndim - n, a.ndim)), list(range(n))
    if isinstance(axes, (list, tuple)) and len(axes) == 2:
        pairs = []
        for which, x, ax in (("a", a, axes[0]), ("b", b, axes[1])):
            ax = list(ax) if isinstance(ax, (list, tuple)) else [ax]
            out = []
            for v in ax:
                if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not -x.ndim <= v < x.ndim:
                    raise errors.InvalidArgumentError(
                        f"tensordot: argument `axes` must hold axes of `{which}` (rank {x.ndim}). Received: axes={axes}"
                    )
                out.append(int(v) % x.ndim)
            pairs.append(out)
        if len(pairs[0]) != len(pairs[1]):
            raise errors.InvalidArgumentError(f"tensordot: argument `axes` must list as many axes of `a` as of `b`. Received: axes={axes}")
        return pairs[0], pairs[1]
    raise errors.InvalidArgumentError(f"tensordot: argument `axes` must be an int or a pair of axis lists. Received: axes={axes!r}")


@op("Tensordot", tensors=("a", "b"), same_dtype=("a", "b"))
def tensordot(a, b, axes):
    """Sums the products of ``a`` and ``b`` over the given axes.

    ``axes=N`` contracts the last N axes of ``a`` with the first N of ``b``;
    ``axes=[[1], [0]]`` (or ``[1, 0]``) names them. The result holds the free axes
    of ``a`` followed by those of ``b``.

    Raises:
      InvalidArgumentError: bad ``axes``, or the contracted dimensions differ.
    """
    a = jnp.asarray(a)
    b = jnp.asarray(b)
    check_dtype("tensordot", "a", a, "fciu")
    a_axes, b_axes = _tensordot_axes(a, b, axes)
    for i, j in zip(a_axes, b_axes):
        if a.shape[i] != b.shape[j]:
            raise errors.InvalidArgumentError(
                f"tensordot: contracted dimensions must match. Received: a.shape[{i}]={a.shape[i]} "
                f"vs b.shape[{j}]={b.shape[j]} (a.shape={list(a.shape)}, b.shape={list(b.shape)}, axes={axes})"
            )
    return jnp.tensordot(a, b, axes=(a_axes, b_axes))


@op("AddN", tensors=("inputs",), lists=("inputs",), same_dtype=("inputs",))
def add_n(inputs):
    """Elementwise sum of a list of tensors of one shape and dtype.

    Raises:
      ValueError: ``inputs`` is empty or holds None.
      InvalidArgumentError: the shapes differ (no broadcasting, as in TF).
      TypeError: bool tensors.
    """
    if not inputs or any(x is None for x in inputs):
        raise ValueError(
            "add_n: argument `inputs` must be a non-empty list of tensors with the same dtype and shape. "
            f"Received: {'an empty list' if not inputs else 'a list holding None'}"
        )
    arrays = [jnp.asarray(x) for x in inputs]
    ref = arrays[0].shape
    for i, x in enumerate(arrays):
        check_dtype("add_n", f"inputs[{i}]", x, "fciu")
        if x.shape != ref:
            raise errors.InvalidArgumentError(
                f"add_n: every tensor in `inputs` must have shape {list(ref)} (that of inputs[0]). "
                f"Received: inputs[{i}].shape={list(x.shape)}"
            )
    if len(arrays) == 1:
        return arrays[0]
    return functools.reduce(jnp.add, arrays)
