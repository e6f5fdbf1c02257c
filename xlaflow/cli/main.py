"""Entry point of the ``xlaflow`` command: parses the subcommand and runs it."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xlaflow", description="TensorFlow/Keras training styles on one compiled JAX/XLA core.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train on scikit-learn's handwritten digits, eagerly and compiled")
    demo.add_argument("--epochs", type=int, default=30, help="passes over the training set (default 30)")
    demo.add_argument("--batch-size", type=int, default=64, help="examples per step (default 64)")
    demo.add_argument("--learning-rate", type=float, default=0.5, help="SGD step size (default 0.5)")
    demo.add_argument("--seed", type=int, default=0, help="seed for the data split and order (default 0)")
    demo.add_argument("--quick", action="store_true", help="3 epochs, for a smoke test")
    args = parser.parse_args(argv)
    if args.command == "demo":
        from xlaflow.cli.demo import run

        return run(epochs=3 if args.quick else args.epochs, batch_size=args.batch_size, learning_rate=args.learning_rate, seed=args.seed)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
