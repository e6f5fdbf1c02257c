"""``python -m benchmarks [NAME ...]``: run the benchmarks and print a markdown table."""

from __future__ import annotations

import importlib
import sys

MODULES = ["tape_and_function", "seed003_loop"]


def main(argv: list[str]) -> int:
    names = argv or MODULES
    rows = []
    for name in names:
        rows += importlib.import_module(f"benchmarks.{name}").run()
    print("| figure | value | reference | ratio | target |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['figure']} | {r['value']} | {r['reference']} | {r['ratio']} | {r['target']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
