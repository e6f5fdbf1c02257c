"""Every Python code block in the README and docs/ runs as written.

The blocks of one file run in order in one namespace (a later block may use names
an earlier one defined), with stdout captured.
"""

from __future__ import annotations

import contextlib
import io
import pathlib
import re

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def blocks(path: pathlib.Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), re.S)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_code_blocks_run(path):
    code = blocks(path)
    assert code, f"{path.name} has no Python code block"
    np.random.seed(0)
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(code):
            exec(compile(block, f"{path.name} block {i + 1}", "exec"), namespace)
    assert out.getvalue().strip(), f"{path.name}: the examples printed nothing"
