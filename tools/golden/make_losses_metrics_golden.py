"""Regenerate ``tests/golden/keras_losses_metrics.npz``: loss and metric values computed
by real Keras 3.

The cases are data: each names a class or function of ``keras.losses`` /
``keras.metrics``, its constructor (or call) keyword arguments, and the named input
arrays of each call. This script builds the inputs from fixed seeds, runs every case
on Keras and stores the inputs (``in/<name>``, shared by the cases) and each case's result
(``<case>/out``), plus ``__meta__``: a JSON string with the Keras version and the case
table. ``tests/losses/test_losses_match_keras.py`` and
``tests/metrics/test_metrics_match_keras.py`` replay the same table on
``xlaflow.keras`` (they need neither Keras nor TensorFlow).

Kinds of case:

* ``loss``: ``keras.losses.<Class>(**kwargs)(y_true, y_pred[, sample_weight])``;
* ``loss_fn``: ``keras.losses.<function>(y_true, y_pred, **kwargs)`` (per-sample values);
* ``metric_fn``: ``keras.metrics.<function>(y_true, y_pred, **kwargs)``;
* ``metric``: ``m = keras.metrics.<Class>(**kwargs)``, then ``m.update_state(...)`` for
  each call, then ``m.result()``.

Keras runs from its own virtual environment outside the repository, on the JAX backend
(the formulas do not depend on the backend). From the repository root::

    python3 -m venv /tmp/lmenv
    /tmp/lmenv/bin/pip install keras==3.15.1 jax==0.10.2 numpy
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_losses_metrics_golden.py

then check with ``.venv/bin/python -m pytest -q -W error tests/losses tests/metrics``.
Pass ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "tests" / "golden" / "keras_losses_metrics.npz"
SIZE_LIMIT = 300_000


def make_inputs() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1234)
    f = lambda a: np.asarray(a, np.float32)  # noqa: E731

    def softmax(x):
        e = np.exp(x - x.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    x = {}
    x["yt"] = f(rng.normal(size=(4, 3)))
    x["yp"] = f(rng.normal(size=(4, 3)))
    x["ypos_t"] = f(rng.uniform(0.0, 3.0, size=(4, 3)))
    x["ypos_p"] = f(rng.uniform(0.05, 3.0, size=(4, 3)))
    x["yt_big"] = f(rng.normal(scale=3.0, size=(4, 3)))  # beyond Huber's delta
    x["yb"] = f(rng.integers(0, 2, size=(4, 3)))
    x["pb"] = f(rng.uniform(0.02, 0.98, size=(4, 3)))
    x["pb_edge"] = f([[0.0, 1.0, 0.5], [1e-9, 1 - 1e-9, 0.3], [0.25, 0.75, 0.9], [0.6, 0.1, 0.0]])
    x["lb"] = f(rng.normal(scale=2.0, size=(4, 3)))
    x["yb_col"] = f(rng.integers(0, 2, size=(4, 1)))
    x["pb_col"] = f(rng.uniform(0.02, 0.98, size=(4, 1)))
    x["yb_vec"] = f(rng.integers(0, 2, size=(4,)))
    x["ys"] = np.asarray([0, 3, 1, 4], np.int32)
    x["ys_col"] = np.asarray([[2], [0], [4], [1]], np.int32)
    x["ys_ign"] = np.asarray([0, 3, -1, 4], np.int32)
    x["yc"] = f(np.eye(5)[x["ys"]])
    x["lc"] = f(rng.normal(scale=2.0, size=(4, 5)))
    x["pc"] = f(softmax(x["lc"]))
    x["pc_raw"] = f(rng.uniform(0.1, 2.0, size=(4, 5)))  # not normalised
    x["ys3"] = np.asarray(rng.integers(0, 5, size=(2, 3)), np.int32)
    x["lc3"] = f(rng.normal(size=(2, 3, 5)))
    x["yh_pm"] = f(np.where(rng.integers(0, 2, size=(4, 3)) == 1, 1.0, -1.0))
    x["sw"] = f([0.5, 2.0, 0.0, 1.5])
    x["sw_col"] = f([[1.0], [0.25], [2.0], [0.5]])
    x["sw_el"] = f(rng.uniform(0.0, 2.0, size=(4, 3)))
    x["sw_seq"] = f(rng.uniform(0.0, 2.0, size=(2, 3)))
    # metric batches
    for i in range(3):
        x[f"mb_t{i}"] = f(rng.integers(0, 2, size=(6, 1)))
        x[f"mb_p{i}"] = f(np.round(rng.uniform(0.0, 1.0, size=(6, 1)), 3))
        x[f"mc_s{i}"] = np.asarray(rng.integers(0, 4, size=(6,)), np.int32)
        x[f"mc_t{i}"] = f(np.eye(4)[x[f"mc_s{i}"]])
        x[f"mc_p{i}"] = f(softmax(rng.normal(scale=1.5, size=(6, 4))))
        x[f"ml_t{i}"] = f(rng.integers(0, 2, size=(6, 3)))
        x[f"ml_p{i}"] = f(rng.uniform(0.0, 1.0, size=(6, 3)))
        x[f"mr_t{i}"] = f(rng.normal(size=(6, 2)))
        x[f"mr_p{i}"] = f(rng.normal(size=(6, 2)))
        x[f"mv{i}"] = f(rng.normal(size=(6,)))
        x[f"mv2_{i}"] = f(rng.normal(size=(6, 2)))
        x[f"msw{i}"] = f(rng.uniform(0.0, 2.0, size=(6,)))
    x["ml_p1"][0, 0] = 0.0  # exact bucket edges
    x["ml_p1"][1, 1] = 1.0
    x["ml_p1"][2, 2] = 0.5
    x["mb_p0"][0, 0] = 0.5
    x["yb_round"] = np.round(x["pb"]).astype(np.float32)
    x["sw_ign2"] = f([1.0, 3.0])
    return x


REDUCTIONS = [("sobs", {}, "sw"), ("sobs_now", {}, None), ("sum", {"reduction": "sum"}, "sw"),
              ("none", {"reduction": "none"}, "sw"), ("mean", {"reduction": "mean"}, "sw_col"),
              ("mwsw", {"reduction": "mean_with_sample_weight"}, "sw")]


def cases() -> list[dict]:
    out: list[dict] = []

    def add(kind, name, target, kwargs, calls):
        assert name not in {c["name"] for c in out}, name
        out.append({"name": name, "kind": kind, "target": target, "kwargs": kwargs, "calls": calls})

    def loss(name, target, kwargs, yt, yp, sw=None):
        add("loss", name, target, kwargs, [{"args": [yt, yp], "sw": sw}])

    base = {
        "MeanSquaredError": ("yt", "yp"), "MeanAbsoluteError": ("yt", "yp"),
        "MeanAbsolutePercentageError": ("yt", "yp"), "MeanSquaredLogarithmicError": ("ypos_t", "ypos_p"),
        "Huber": ("yt_big", "yp"), "LogCosh": ("yt_big", "yp"), "CosineSimilarity": ("yt", "yp"),
        "BinaryCrossentropy": ("yb", "pb"), "CategoricalCrossentropy": ("yc", "pc"),
        "SparseCategoricalCrossentropy": ("ys", "pc"), "BinaryFocalCrossentropy": ("yb", "pb"),
        "CategoricalFocalCrossentropy": ("yc", "pc"), "KLDivergence": ("yc", "pc"), "Poisson": ("ypos_t", "ypos_p"),
        "Hinge": ("yb", "yp"), "SquaredHinge": ("yb", "yp"), "CategoricalHinge": ("yc", "lc"),
    }
    for cls, (yt, yp) in base.items():
        for tag, kw, sw in REDUCTIONS:
            loss(f"{cls}_{tag}", cls, kw, yt, yp, sw)
    # options
    loss("MeanSquaredError_sw_elementwise", "MeanSquaredError", {}, "yt", "yp", "sw_el")
    loss("MeanSquaredError_sw_col", "MeanSquaredError", {}, "yt", "yp", "sw_col")
    loss("MeanSquaredError_rank1_vs_col", "MeanSquaredError", {}, "yb_vec", "pb_col", "sw")
    loss("Huber_delta_0_5", "Huber", {"delta": 0.5}, "yt_big", "yp", "sw")
    loss("Huber_delta_3", "Huber", {"delta": 3.0}, "yt_big", "yp")
    loss("CosineSimilarity_axis0", "CosineSimilarity", {"axis": 0}, "yt", "yp")
    for extra, kw in [("logits", {"from_logits": True}), ("ls", {"label_smoothing": 0.2}),
                      ("logits_ls", {"from_logits": True, "label_smoothing": 0.1}), ("axis0", {"axis": 0})]:
        loss(f"BinaryCrossentropy_{extra}", "BinaryCrossentropy", kw, "yb", "lb" if "logits" in extra else "pb", "sw")
    loss("BinaryCrossentropy_edges", "BinaryCrossentropy", {}, "yb", "pb_edge")
    loss("BinaryCrossentropy_col_vs_vec", "BinaryCrossentropy", {}, "yb_vec", "pb_col", "sw")
    for extra, kw in [("logits", {"from_logits": True}), ("ls", {"label_smoothing": 0.1}),
                      ("logits_ls", {"from_logits": True, "label_smoothing": 0.3}), ("axis0", {"axis": 0})]:
        loss(f"CategoricalCrossentropy_{extra}", "CategoricalCrossentropy", kw, "yc", "lc" if "logits" in extra else "pc", "sw")
    loss("CategoricalCrossentropy_unnormalised", "CategoricalCrossentropy", {}, "yc", "pc_raw")
    loss("SparseCategoricalCrossentropy_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "ys", "lc", "sw")
    loss("SparseCategoricalCrossentropy_col", "SparseCategoricalCrossentropy", {"from_logits": True}, "ys_col", "lc")
    loss("SparseCategoricalCrossentropy_ignore", "SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": -1}, "ys_ign", "lc")
    loss("SparseCategoricalCrossentropy_ignore_sw", "SparseCategoricalCrossentropy", {"ignore_class": -1}, "ys_ign", "pc", "sw")
    loss("SparseCategoricalCrossentropy_ignore_sum", "SparseCategoricalCrossentropy",
         {"ignore_class": 3, "reduction": "sum", "from_logits": True}, "ys", "lc", "sw")
    loss("SparseCategoricalCrossentropy_ignore0", "SparseCategoricalCrossentropy", {"ignore_class": 0, "from_logits": True}, "ys", "lc")
    loss("SparseCategoricalCrossentropy_seq", "SparseCategoricalCrossentropy", {"from_logits": True}, "ys3", "lc3", "sw_seq")
    loss("SparseCategoricalCrossentropy_seq_rowsw", "SparseCategoricalCrossentropy", {"from_logits": True}, "ys3", "lc3", "sw_ign2")
    for extra, kw in [("balanced", {"apply_class_balancing": True}), ("alpha_gamma", {"apply_class_balancing": True, "alpha": 0.6, "gamma": 1.5}),
                      ("logits", {"from_logits": True}), ("ls", {"label_smoothing": 0.2, "gamma": 3.0}), ("gamma0", {"gamma": 0.0})]:
        loss(f"BinaryFocalCrossentropy_{extra}", "BinaryFocalCrossentropy", kw, "yb", "lb" if "logits" in extra else "pb", "sw")
    loss("CategoricalFocalCrossentropy_logits", "CategoricalFocalCrossentropy", {"from_logits": True, "alpha": 0.5, "gamma": 1.0}, "yc", "lc", "sw")
    loss("Hinge_pm1", "Hinge", {}, "yh_pm", "yp", "sw")
    loss("SquaredHinge_pm1", "SquaredHinge", {}, "yh_pm", "yp", "sw")
    # functions (per-sample values)
    for fn, (yt, yp), kw in [
        ("mean_squared_error", ("yt", "yp"), {}), ("mean_absolute_error", ("yt", "yp"), {}),
        ("mean_absolute_percentage_error", ("yt", "yp"), {}), ("mean_squared_logarithmic_error", ("ypos_t", "ypos_p"), {}),
        ("huber", ("yt_big", "yp"), {"delta": 2.0}), ("log_cosh", ("yt_big", "yp"), {}),
        ("cosine_similarity", ("yt", "yp"), {"axis": -1}), ("binary_crossentropy", ("yb", "lb"), {"from_logits": True}),
        ("categorical_crossentropy", ("yc", "pc"), {"label_smoothing": 0.1}),
        ("sparse_categorical_crossentropy", ("ys", "lc"), {"from_logits": True}),
        ("sparse_categorical_crossentropy", ("ys_ign", "lc"), {"from_logits": True, "ignore_class": -1}),
        ("binary_focal_crossentropy", ("yb", "pb"), {"apply_class_balancing": True}),
        ("kl_divergence", ("yc", "pc"), {}), ("poisson", ("ypos_t", "ypos_p"), {}), ("hinge", ("yb", "yp"), {}),
        ("squared_hinge", ("yh_pm", "yp"), {}), ("categorical_hinge", ("yc", "lc"), {}),
    ]:
        add("loss_fn", f"fn_{fn}_{len([c for c in out if c['target'] == fn])}", fn, kw, [{"args": [yt, yp], "sw": None}])
    # metric functions
    for fn, (yt, yp), kw in [
        ("binary_accuracy", ("yb", "pb"), {}), ("binary_accuracy", ("yb", "pb"), {"threshold": 0.7}),
        ("binary_accuracy", ("yb_vec", "pb_col"), {}),
        ("categorical_accuracy", ("yc", "pc"), {}), ("sparse_categorical_accuracy", ("ys", "pc"), {}),
        ("sparse_categorical_accuracy", ("ys_col", "pc"), {}),
        ("top_k_categorical_accuracy", ("yc", "pc"), {"k": 2}), ("sparse_top_k_categorical_accuracy", ("ys", "pc"), {"k": 2}),
        ("sparse_top_k_categorical_accuracy", ("ys3", "lc3"), {"k": 3}),
    ]:
        add("metric_fn", f"mfn_{fn}_{len([c for c in out if c['target'] == fn])}", fn, kw, [{"args": [yt, yp], "sw": None}])

    def metric(name, target, kwargs, t, p, sws=("msw0", None, "msw2")):
        calls = [{"args": [f"{t}{i}", f"{p}{i}"] if p else [f"{t}{i}"], "sw": sw} for i, sw in enumerate(sws)]
        add("metric", f"metric_{name}", target, kwargs, calls)

    metric("Mean", "Mean", {}, "mv", None)
    metric("Mean_2d", "Mean", {}, "mv2_", None)
    metric("Sum", "Sum", {}, "mv", None)
    metric("Sum_2d", "Sum", {}, "mv2_", None)
    metric("Accuracy", "Accuracy", {}, "mc_s", "mc_s")
    metric("BinaryAccuracy", "BinaryAccuracy", {}, "mb_t", "mb_p")
    metric("BinaryAccuracy_t03", "BinaryAccuracy", {"threshold": 0.3}, "ml_t", "ml_p")
    metric("CategoricalAccuracy", "CategoricalAccuracy", {}, "mc_t", "mc_p")
    metric("SparseCategoricalAccuracy", "SparseCategoricalAccuracy", {}, "mc_s", "mc_p")
    metric("TopKCategoricalAccuracy", "TopKCategoricalAccuracy", {"k": 2}, "mc_t", "mc_p")
    metric("SparseTopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", {"k": 2}, "mc_s", "mc_p")
    for extra, kw in [("", {}), ("PR", {"curve": "PR"}), ("ROC_minoring", {"summation_method": "minoring"}),
                      ("ROC_majoring", {"summation_method": "majoring"}), ("PR_majoring", {"curve": "PR", "summation_method": "majoring"}),
                      ("n7", {"num_thresholds": 7}), ("thresholds", {"thresholds": [0.1, 0.35, 0.5, 0.8]}),
                      ("even_thresholds", {"thresholds": [0.25, 0.5, 0.75]}), ("PRGAIN", {"curve": "PRGAIN"})]:
        metric(f"AUC_{extra or 'default'}", "AUC", kw, "mb_t", "mb_p")
    metric("AUC_multilabel", "AUC", {"multi_label": True}, "ml_t", "ml_p")
    metric("AUC_multilabel_lw", "AUC", {"multi_label": True, "num_labels": 3, "label_weights": [0.2, 1.0, 0.5]}, "ml_t", "ml_p")
    metric("AUC_multilabel_thresholds", "AUC", {"multi_label": True, "thresholds": [0.1, 0.35, 0.5, 0.8]}, "ml_t", "ml_p")
    metric("AUC_multilabel_PR", "AUC", {"multi_label": True, "curve": "PR", "num_thresholds": 9}, "ml_t", "ml_p")
    metric("AUC_thresholds_label_weights", "AUC", {"thresholds": [0.3, 0.6], "label_weights": [0.2, 1.0, 0.5]}, "ml_t", "ml_p")
    metric("AUC_label_weights", "AUC", {"label_weights": [0.2, 1.0, 0.5]}, "ml_t", "ml_p")
    metric("AUC_flat_2d", "AUC", {"curve": "PR"}, "ml_t", "ml_p")
    metric("AUC_logits", "AUC", {"from_logits": True}, "mr_t", "mr_p", (None, "msw1", None))
    for cls in ("Precision", "Recall"):
        metric(cls, cls, {}, "mb_t", "mb_p")
        metric(f"{cls}_thresholds", cls, {"thresholds": [0.2, 0.5, 0.9]}, "ml_t", "ml_p")
        metric(f"{cls}_even", cls, {"thresholds": [0.0, 0.5, 1.0]}, "ml_t", "ml_p")
        metric(f"{cls}_top_k", cls, {"top_k": 2}, "mc_t", "mc_p")
        metric(f"{cls}_class_id", cls, {"class_id": 1}, "mc_t", "mc_p")
        metric(f"{cls}_top_k_class_id", cls, {"top_k": 1, "class_id": 2, "thresholds": 0.3}, "mc_t", "mc_p")
    for cls in ("TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"):
        metric(cls, cls, {}, "ml_t", "ml_p")
        metric(f"{cls}_thresholds", cls, {"thresholds": [0.15, 0.5, 0.85]}, "mb_t", "mb_p")
    for cls in ("MeanSquaredError", "RootMeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
                "CosineSimilarity", "LogCoshError"):
        metric(cls, cls, {}, "mr_t", "mr_p")
    metric("MeanSquaredLogarithmicError", "MeanSquaredLogarithmicError", {}, "ml_t", "ml_p")
    metric("BinaryCrossentropy", "BinaryCrossentropy", {}, "ml_t", "ml_p")
    metric("BinaryCrossentropy_ls", "BinaryCrossentropy", {"label_smoothing": 0.1}, "ml_t", "ml_p")
    metric("CategoricalCrossentropy", "CategoricalCrossentropy", {}, "mc_t", "mc_p")
    metric("SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy", {}, "mc_s", "mc_p")
    metric("SparseCategoricalCrossentropy_ignore", "SparseCategoricalCrossentropy", {"ignore_class": 2}, "mc_s", "mc_p")
    metric("SparseCategoricalCrossentropy_ignore_now", "SparseCategoricalCrossentropy", {"ignore_class": 2}, "mc_s", "mc_p",
           (None, None, None))
    metric("Mean_unweighted", "Mean", {}, "mv2_", None, (None, None, None))
    metric("KLDivergence", "KLDivergence", {}, "mc_t", "mc_p")
    metric("Poisson", "Poisson", {}, "ml_t", "ml_p")
    metric("Hinge", "Hinge", {}, "ml_t", "ml_p")
    metric("SquaredHinge", "SquaredHinge", {}, "ml_t", "ml_p")
    metric("CategoricalHinge", "CategoricalHinge", {}, "mc_t", "mc_p")
    return out


def run_case(keras, case: dict, inputs: dict):
    """Runs one case on Keras and returns its result."""
    get = inputs.__getitem__
    if case["kind"] == "loss":
        call = case["calls"][0]
        obj = getattr(keras.losses, case["target"])(**case["kwargs"])
        return obj(*map(get, call["args"]), sample_weight=None if call["sw"] is None else get(call["sw"]))
    if case["kind"] in ("loss_fn", "metric_fn"):
        mod = keras.losses if case["kind"] == "loss_fn" else keras.metrics
        return getattr(mod, case["target"])(*map(get, case["calls"][0]["args"]), **case["kwargs"])
    obj = getattr(keras.metrics, case["target"])(**case["kwargs"])
    for call in case["calls"]:
        obj.update_state(*map(get, call["args"]), sample_weight=None if call["sw"] is None else get(call["sw"]))
    return obj.result()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    os.environ.setdefault("KERAS_BACKEND", "jax")
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    import keras

    inputs = make_inputs()
    table = cases()
    arrays: dict[str, np.ndarray] = {}
    for case in table:
        used = {a for call in case["calls"] for a in [*call["args"], call["sw"]] if a is not None}
        for key in sorted(used):
            arrays[f"in/{key}"] = inputs[key]
        try:
            res = run_case(keras, case, inputs)
        except (ValueError, TypeError) as e:  # Keras refuses: xlaflow must refuse too
            case["error"] = type(e).__name__
            print(f"{case['name']}: Keras raises {type(e).__name__}: {str(e)[:150]}")
            continue
        arrays[f"{case['name']}/out"] = np.asarray(keras.ops.convert_to_numpy(res))
    meta = {"keras": keras.__version__, "numpy": np.__version__, "cases": table}
    arrays["__meta__"] = np.asarray(json.dumps(meta))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size} bytes, {len(table)} cases, keras {keras.__version__})")
    if size > SIZE_LIMIT:
        raise SystemExit(f"golden file is {size} bytes, over the {SIZE_LIMIT} limit")


if __name__ == "__main__":
    main()
