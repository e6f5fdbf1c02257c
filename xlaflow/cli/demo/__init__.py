"""``xlaflow demo``: one small CNN trained four ways on real handwritten digits.

The run shows the library's promise in one table: ``fit``, a ``train_on_batch``
loop, a ``GradientTape`` loop (eager and ``@tf.function``) and a TF1 ``Session``
graph train the same model from the same start on the same batches, and end with
the same weights, at similar speed. It writes a learning-curve plot (PNG) and
TensorBoard logs under the output directory and prints their paths.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import jax
import numpy as np

from xlaflow.cli.demo import data as digits
from xlaflow.cli.demo import styles
from xlaflow.cli.demo.report import plot, table

STYLES = ("fit", "train_on_batch", "tape", "function", "session")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=20, help="epochs (EarlyStopping may end fit sooner; default 20)")
    parser.add_argument("--batch-size", type=int, default=32, help="examples per step (default 32)")
    parser.add_argument("--output-dir", default="runs", help="where plots and TensorBoard logs go (default ./runs)")
    parser.add_argument("--styles", default=",".join(STYLES),
                        help=f"comma-separated subset of {','.join(STYLES)} (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the data split and initial weights (default 0)")
    parser.add_argument("--quick", action="store_true", help="3 epochs, for a smoke test")


def run(epochs: int = 20, batch_size: int = 32, output_dir: str = "runs", styles_arg: str = ",".join(STYLES),
        seed: int = 0, quick: bool = False) -> list:
    """Trains every requested style; prints the table; returns the results."""
    chosen = [s.strip() for s in styles_arg.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(STYLES))
    if unknown or not chosen:
        raise SystemExit(f"xlaflow demo: --styles must name some of {', '.join(STYLES)}. Received: {styles_arg!r}")
    if epochs < 1 or batch_size < 1:
        raise SystemExit(f"xlaflow demo: --epochs and --batch-size must be >= 1. Received: {epochs}, {batch_size}")
    epochs = 3 if quick else epochs
    from xlaflow import keras

    keras.utils.set_random_seed(seed)
    data = digits.load(seed)
    run_dir = os.path.join(output_dir, time.strftime("%Y%m%d-%H%M%S"))
    os.makedirs(run_dir, exist_ok=True)
    print(f"xlaflow demo: a small CNN on handwritten digits ({len(data.x_train)} train / {len(data.x_val)} validation / "
          f"{len(data.x_test)} test), batch {batch_size}, JAX backend: {jax.default_backend()}\n")
    init = styles.build_model().get_weights()
    results = []
    if "fit" in chosen:
        print("== model.fit (validation split, progress bar, EarlyStopping, TensorBoard)")
        result, epochs = styles.fit_style(data, init, epochs, batch_size, os.path.join(run_dir, "tensorboard"))
        results.append(result)
        print()
    loops = {"train_on_batch": lambda: styles.train_on_batch_style(data, init, epochs, batch_size),
             "tape": lambda: styles.tape_style(data, init, epochs, batch_size, compiled=False),
             "function": lambda: styles.tape_style(data, init, epochs, batch_size, compiled=True),
             "session": lambda: styles.session_style(data, init, epochs, batch_size)}
    for name in chosen:
        if name in loops:
            print(f"== {name} loop, {epochs} epochs")
            results.append(loops[name]())
    print()
    print(table(results))
    png = plot(results, os.path.join(run_dir, "learning_curves.png"))
    print(f"\nlearning curves: {png}")
    if "fit" in chosen:
        print(f"TensorBoard logs: {os.path.join(run_dir, 'tensorboard')}  (tensorboard --logdir {run_dir})")
    return results
