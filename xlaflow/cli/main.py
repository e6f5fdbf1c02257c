"""Entry point of the ``xlaflow`` command: ``demo``, ``run SCRIPT`` and ``bench``."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xlaflow", description="TensorFlow/Keras training styles on one compiled JAX/XLA core.")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="train one CNN on handwritten digits in every training style and compare")
    from xlaflow.cli.demo import add_arguments

    add_arguments(demo)
    run = sub.add_parser("run", help="run an unmodified TensorFlow/Keras script with xlaflow serving its imports")
    run.add_argument("script", help="the Python script to run")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the script")
    bench = sub.add_parser("bench", help="run benchmarks/ and print the figures as one table")
    from xlaflow.cli.bench import main_args

    main_args(bench)
    args = parser.parse_args(argv)
    if args.command == "run":
        from xlaflow.cli.run import run as run_script

        return run_script(args.script, args.args)
    if args.command == "bench":
        from xlaflow.cli.bench import run as run_bench

        return run_bench(args.names, as_json=args.json, anchors=args.anchors, anchor_python=args.anchor_python,
                         quick=args.quick)
    if args.command == "demo":
        from xlaflow.cli.demo import run as run_demo

        run_demo(epochs=args.epochs, batch_size=args.batch_size, output_dir=args.output_dir, styles_arg=args.styles,
                 seed=args.seed, quick=args.quick)
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
