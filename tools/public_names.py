"""Regenerates the README's public-names block from the package's namespaces.

Run after adding public names: ``PYTHONPATH=. .venv/bin/python tools/public_names.py``.
It rewrites the lines between ``<!-- public-names:start -->`` and
``<!-- public-names:end -->`` with one line per namespace: every public attribute
that is not a module (``tests/test_public_api.py`` checks each name exists).
"""

from __future__ import annotations

import importlib
import pathlib
import types

NAMESPACES = [
    "xlaflow", "xlaflow.math", "xlaflow.nn", "xlaflow.linalg", "xlaflow.random", "xlaflow.errors", "xlaflow.dtypes",
    "xlaflow.config", "xlaflow.data", "xlaflow.train", "xlaflow.compat.v1", "xlaflow.keras", "xlaflow.keras.layers",
    "xlaflow.keras.models", "xlaflow.keras.optimizers", "xlaflow.keras.optimizers.schedules", "xlaflow.keras.losses",
    "xlaflow.keras.metrics", "xlaflow.keras.callbacks", "xlaflow.keras.activations", "xlaflow.keras.initializers",
    "xlaflow.keras.regularizers", "xlaflow.keras.constraints", "xlaflow.keras.utils", "xlaflow.keras.saving",
    "xlaflow.image", "xlaflow.io", "xlaflow.io.gfile", "xlaflow.keras.datasets.mnist", "xlaflow.keras.datasets.fashion_mnist",
    "xlaflow.keras.datasets.cifar10", "xlaflow.keras.datasets.cifar100", "xlaflow.keras.datasets.imdb",
    "xlaflow.keras.datasets.reuters", "xlaflow.keras.datasets.boston_housing", "xlaflow.keras.datasets.california_housing",
    "xlaflow.keras.preprocessing.image",
    "xlaflow.strings", "xlaflow.ragged", "xlaflow.keras.preprocessing.text",
]
SKIP = {"annotations", "Any", "Callable", "Iterable", "Iterator", "Sequence", "TYPE_CHECKING"}
README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def names(ns: str) -> list[str]:
    module = importlib.import_module(ns)
    public = getattr(module, "__all__", None) or [n for n in vars(module) if not n.startswith("_")]
    return sorted(n for n in public if n not in SKIP and not isinstance(getattr(module, n, None), types.ModuleType))


def block() -> str:
    lines = []
    for ns in NAMESPACES:
        try:
            found = names(ns)
        except ModuleNotFoundError:
            continue
        if found:
            lines.append(f"- `{ns}`: " + ", ".join(found))
    return "\n".join(lines)


def main() -> None:
    text = README.read_text()
    head, rest = text.split("<!-- public-names:start -->")
    _, tail = rest.split("<!-- public-names:end -->")
    README.write_text(f"{head}<!-- public-names:start -->\n{block()}\n<!-- public-names:end -->{tail}")


if __name__ == "__main__":
    main()
