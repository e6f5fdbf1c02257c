"""``python -m benchmarks [NAME ...]``: the same as ``xlaflow bench``."""

from __future__ import annotations

import sys

from xlaflow.cli.bench import run

if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
