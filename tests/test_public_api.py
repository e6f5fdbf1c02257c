"""Every name the README promises exists in the namespace it names."""

from __future__ import annotations

import importlib
import pathlib
import re

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def _promised() -> list[tuple[str, str]]:
    text = README.read_text()
    block = text.split("<!-- public-names:start -->")[1].split("<!-- public-names:end -->")[0]
    names = []
    for line in block.splitlines():
        m = re.match(r"^- `([\w.]+)`: (.+)$", line.strip())
        if m:
            names += [(m.group(1), n.strip().strip("`")) for n in m.group(2).split(",") if n.strip()]
    return names


def test_readme_lists_names():
    names = _promised()
    assert len(names) > 200, "the README's public-names block lost its entries"
    assert {ns for ns, _ in names} >= {"xlaflow", "xlaflow.math", "xlaflow.nn", "xlaflow.linalg", "xlaflow.random", "xlaflow.errors", "xlaflow.dtypes"}


def test_every_promised_name_exists():
    missing = []
    for ns, name in _promised():
        module = importlib.import_module(ns)
        if not hasattr(module, name):
            missing.append(f"{ns}.{name}")
    assert not missing, f"README promises names that do not exist: {missing}"


def test_tf_style_module_paths_import():
    import xlaflow as tf

    assert tf.math.exp is importlib.import_module("xlaflow.math").exp
    assert tf.nn.relu is importlib.import_module("xlaflow.nn").relu
    assert tf.errors.InvalidArgumentError.__name__ == "InvalidArgumentError"
    assert tf.float32 == tf.dtypes.float32 == "float32"
