"""``xlaflow bench``: run ``benchmarks/`` and print one table of figures.

Each benchmark module in ``benchmarks/`` returns rows ``{figure, value, reference,
ratio, target}``; this command prints them as one markdown table (or JSON with
``--json``). ``--anchors`` also runs the same workloads on TensorFlow, Keras and
PyTorch where they are importable by ``--anchor-python`` (default: this
interpreter), each in its own process, so users can compare on their own machine.
The benchmarks live in the source checkout (the directory beside the package).
"""

from __future__ import annotations

import importlib
import json
import os
import pathlib
import subprocess
import sys
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _rows(names: list[str]) -> list[dict]:
    if not (ROOT / "benchmarks" / "__init__.py").exists():
        raise SystemExit(f"xlaflow bench: benchmarks/ not found beside the package ({ROOT}); run it from a source "
                         "checkout installed with `pip install -e .`")
    sys.path.insert(0, str(ROOT))
    from benchmarks import MODULES

    rows: list[dict] = []
    for name in names or MODULES:
        if name not in MODULES:
            raise SystemExit(f"xlaflow bench: no benchmark named {name!r}; choose from {MODULES}")
        rows += importlib.import_module(f"benchmarks.{name}").run()
    return rows


def _anchor_rows(python: str, ours: list[dict]) -> list[dict]:
    """Rows for the anchor libraries, each compared with xlaflow's row of the same workload."""
    script = ROOT / "benchmarks" / "anchors.py"
    proc = subprocess.run([python, str(script)], capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": ""})
    if proc.returncode != 0:
        print(f"xlaflow bench: anchors failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
        return []
    mine = {r["workload"]: r["us_per_step"] for r in ours if "workload" in r}
    rows = []
    for a in json.loads(proc.stdout.strip().splitlines()[-1]):
        ref = mine.get(a["workload"])
        rows.append({"figure": f"{a['library']}: {a['workload']} step (seed-000 MLP, batch 32)",
                     "value": f"{a['us_per_step']:.0f} us",
                     "reference": f"{ref:.0f} us (xlaflow)" if ref else "-",
                     "ratio": f"{a['us_per_step'] / ref:.2f}x" if ref else "-", "target": "(anchor)"})
    return rows


def table(rows: list[dict]) -> str:
    """The rows as a markdown table."""
    lines = ["| figure | value | reference | ratio | target |", "|---|---|---|---|---|"]
    lines += [f"| {r['figure']} | {r['value']} | {r['reference']} | {r['ratio']} | {r['target']} |" for r in rows]
    return "\n".join(lines)


def run(names: list[str], as_json: bool = False, anchors: bool = False, anchor_python: str | None = None,
        quick: bool = False) -> int:
    if quick:
        os.environ["QUICK"] = "1"
    rows = _rows(names)
    if anchors:
        rows += _anchor_rows(anchor_python or sys.executable, rows)
    print(json.dumps(rows, indent=1) if as_json else table(rows))
    return 0


def main_args(parser: Any) -> None:
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    parser.add_argument("--anchors", action="store_true", help="also time TensorFlow/Keras/PyTorch where installed")
    parser.add_argument("--anchor-python", help="the interpreter that has TensorFlow/Keras/PyTorch (default: this one)")
    parser.add_argument("--quick", action="store_true", help="short loops, for a smoke run")
