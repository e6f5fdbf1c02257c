"""The demo's outputs: the comparison table and the learning-curve plot."""

from __future__ import annotations

import numpy as np


def table(results: list) -> str:
    """Style, accuracies, time per step, compiles and agreement with the first style's weights."""
    ref = results[0].weights
    lines = [f"{'style':<30} {'val acc':>8} {'test acc':>9} {'us/step':>8} {'compiles':>9}  {'max |w - w_' + results[0].style + '|':>18}",
             "-" * 92]
    for r in results:
        diff = max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(r.weights, ref))
        lines.append(f"{r.style:<30} {r.val_acc[-1]:>8.4f} {r.test_acc:>9.4f} {r.us_per_step:>8.0f} {r.compiles:>9}  "
                     f"{diff:>18.2e}")
    agree = all(max(float(np.max(np.abs(np.asarray(a) - np.asarray(b)))) for a, b in zip(r.weights, ref)) < 1e-4
                for r in results)
    lines.append("")
    lines.append("Final weights agree across styles (within 1e-4)." if agree else
                 "Final weights differ across styles by more than 1e-4.")
    return "\n".join(lines)


def plot(results: list, path: str) -> str:
    """Validation accuracy per epoch for every style, as a PNG at ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    styles = [("o", "-", 9), ("s", "--", 7), ("^", "-.", 6), ("x", ":", 8), ("+", "-", 10)]
    for i, r in enumerate(results):  # the curves coincide when the styles agree: distinct markers keep each visible
        marker, line, size = styles[i % len(styles)]
        ax.plot(range(1, len(r.val_acc) + 1), r.val_acc, marker=marker, linestyle=line, markersize=size,
                fillstyle="none", label=r.style)
    ax.set_xlabel("epoch")
    ax.set_ylabel("validation accuracy")
    ax.set_title("xlaflow demo: one CNN, five training styles")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path
