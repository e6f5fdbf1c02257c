"""Where each object's variables live in a weights file (Keras 3's paths).

Keras 3 addresses state by position in the object tree, not by variable names:

* the model itself is the root (its own variables in ``vars``);
* a ``Sequential`` or functional model's ``model.layers`` are the container
  ``layers`` (a Sequential lists no InputLayer, a functional model does); inside a container
  an element is named after its class in snake_case, numbered when repeated
  (``layers/dense``, ``layers/dense_1``, ``layers/dropout``) — layer *names* are not
  used, since they differ between two instances of the same model;
* other layers held in attributes sit under the attribute's name (public
  attributes first, then private ones, each sorted), lists/tuples/dicts of layers
  as containers;
* the optimizer is ``optimizer``, its variables in ``optimizer.variables`` order
  — with the per-variable slots arranged as Keras arranges them: as if the
  optimizer had been built with the model's trainable variables in *Keras 3's*
  order (each layer's own variables, then its sub-layers', depth first;
  :func:`keras_trainable_variables`). An optimizer built with another order (by a
  training loop) is permuted on save and load (:func:`optimizer_variables`), so
  slot ``k`` in a file always belongs to Keras' ``k``-th trainable variable.

:func:`saveables` lists ``(path, name, variables)`` for every object, in that
order; the writers and readers of :mod:`.keras_file` and :mod:`.checkpoint` share it.
"""

from __future__ import annotations

from typing import Any

from xlaflow.layers.layer import Layer, snake_case

# Attributes of the Layer base class: never children (``_layers`` is walked last, for
# sub-layers that no attribute names).
_BASE_ATTRS = {"_layers", "_weights", "_regularized", "_losses", "name", "_dtype", "_trainable", "built", "input_spec",
               "_input_shape_arg", "_call_has_training", "optimizer", "_output_shapes", "_last_shape", "_input_shape"}


def _name_key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def own_variables(layer: Layer) -> list:
    """A layer's own variables as Keras saves them: trainable first, then the rest."""
    own = list(layer._weights)
    return [v for v in own if v.trainable] + [v for v in own if not v.trainable]


def _unique(name: str, used: dict[str, int]) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def _join(path: str, name: str) -> str:
    return f"{path}/{name}" if path else name


def _is_input_layer(obj: Any) -> bool:
    return type(obj).__name__ == "InputLayer"


def _is_container_model(layer: Layer) -> bool:
    """A Sequential or functional model (or a subclass of one): Keras saves its
    ``layers`` as a container before anything else."""
    return any(c.__name__ in ("Sequential", "Functional") and c.__module__.startswith("xlaflow.models")
               for c in type(layer).__mro__)


def store_entries(layer: Layer) -> list:
    """A layer's saved arrays that are not Variables (a tf_idf lookup layer's ``idf_weights``,
    written under their own names as Keras' ``save_own_variables`` does)."""
    entries = getattr(layer, "_xf_store_entries", None)
    return entries() if callable(entries) else []


def _walk_layer(layer: Layer, path: str, visited: set, out: list, layers: list | None = None) -> None:
    if id(layer) in visited:
        return
    visited.add(id(layer))
    out.append((path, layer.name, own_variables(layer) + store_entries(layer)))
    if layers is not None:
        layers.append((path, layer))
    if _is_container_model(layer):  # Keras walks `model.layers` first (a Functional's InputLayers included)
        _walk_container(list(layer.layers), _join(path, "layers"), visited, out, layers=layers)
    attrs = sorted((k for k in vars(layer) if k not in _BASE_ATTRS and not k.startswith("__")), key=_name_key)
    for attr in attrs:
        value = vars(layer)[attr]
        if isinstance(value, Layer):
            _walk_layer(value, _join(path, attr), visited, out, layers)
        elif isinstance(value, (list, tuple, dict)):
            _walk_container(value, _join(path, attr), visited, out, layers=layers)
    leftovers = [l for l in layer._layers if id(l) not in visited and not _is_input_layer(l)]
    if leftovers:
        _walk_container(leftovers, _join(path, "_layers"), visited, out, layers=layers)


def _walk_container(container: Any, path: str, visited: set, out: list, depth: int = 0, layers: list | None = None) -> None:
    items = list(container.values()) if isinstance(container, dict) else list(container)
    used: dict[str, int] = {}
    for item in items:
        if isinstance(item, Layer):
            if id(item) not in visited:
                _walk_layer(item, _join(path, _unique(snake_case(type(item).__name__), used)), visited, out, layers)
        elif isinstance(item, (list, tuple, dict)) and depth < 8:
            _walk_container(item, _join(path, _unique("container", used)), visited, out, depth + 1, layers)


def keras_variable_order(model: Layer) -> list:
    """Every variable of ``model`` in Keras 3's order: a layer's own variables
    (trainable first), then each sub-layer's, depth first."""
    out: list = []
    seen_vars: set = set()
    seen_layers: set = set()

    def visit(layer: Layer) -> None:
        if id(layer) in seen_layers:
            return
        seen_layers.add(id(layer))
        for v in own_variables(layer):
            if id(v) not in seen_vars:
                seen_vars.add(id(v))
                out.append(v)
        for child in layer._layers:
            visit(child)

    visit(model)
    return out


def keras_trainable_variables(model: Layer) -> list:
    """``model.trainable_variables`` in Keras 3's order (what Keras builds its optimizer with)."""
    trainable = {id(v) for v in model.trainable_variables}
    return [v for v in keras_variable_order(model) if id(v) in trainable]


def optimizer_variables(optimizer: Any, model: Layer | None = None) -> list:
    """``optimizer.variables``, its per-variable slots arranged for Keras' trainable order of ``model``.

    Keras stores slot variables by position, in the order of the variable list the
    optimizer was built with — Keras' ``model.trainable_variables``. If this
    optimizer was built with the same variables in another order, the slots are
    permuted so that the result matches Keras' positions.
    """
    variables = list(optimizer.variables)
    built_with = list(getattr(optimizer, "_trainable_variables", []) or [])
    index = getattr(optimizer, "_trainable_variables_indices", None)
    if model is None or not getattr(optimizer, "built", False) or not built_with or index is None:
        return variables
    target = keras_trainable_variables(model)
    if [id(v) for v in target] == [id(v) for v in built_with]:
        return variables
    if len(target) != len(built_with) or any(id(v) not in index for v in target):
        return variables  # built for other variables: positions cannot be mapped
    perm = [index[id(v)] for v in target]  # Keras position k -> the optimizer's own index
    per_var: dict[int, tuple] = {}
    by_key: dict[tuple, Any] = {}
    for (field, i), var in getattr(optimizer, "_slot_vars", {}).items():
        if i is not None:
            per_var[id(var)], by_key[("slot", field, i)] = ("slot", field, i), var
    for kind, listed in (("average", getattr(optimizer, "_averages", [])),
                         ("accumulator", getattr(optimizer, "_accumulators", []))):
        for i, var in enumerate(listed):
            per_var[id(var)], by_key[(kind, None, i)] = (kind, None, i), var
    out = []
    for var in variables:
        key = per_var.get(id(var))
        out.append(var if key is None else by_key[(key[0], key[1], perm[key[2]])])
    return out


def build_optimizer(optimizer: Any, model: Layer) -> None:
    """Builds ``optimizer`` for ``model``'s trainable variables in Keras' order (as Keras does)."""
    if not optimizer.built:
        optimizer.build(keras_trainable_variables(model))


def layer_paths(model: Layer, prefix: str = "") -> list[tuple[str, Layer]]:
    """``(path, layer)`` for ``model`` and every layer inside, the paths of :func:`saveables`
    (where Keras puts a layer's ``assets/<path>/`` files)."""
    layers: list = []
    _walk_layer(model, prefix, set(), [], layers)
    return layers


def saveables(model: Layer, optimizer: Any = None, prefix: str = "") -> list[tuple[str, str, list]]:
    """``(path, name, variables)`` for ``model`` and (if given) ``optimizer``, in Keras' order."""
    out: list = []
    _walk_layer(model, prefix, set(), out)
    if optimizer is not None:
        out.append((_join(prefix, "optimizer"), optimizer.name, optimizer_variables(optimizer, model)))
    return out
