"""Regenerate ``tests/golden/keras_norm_attention.npz``: outputs of real Keras 3
normalization, attention and wrapper layers.

Covers BatchNormalization (inference output, training output and the moving
statistics after one training call), LayerNormalization over several axis
configurations, Normalization (after ``adapt`` on an array and on a list of batches,
with given mean/variance, with ``invert``; for the list of batches the expected
statistics are Keras' ``adapt`` on their concatenation, which its batch-merging
formula reproduces), MultiHeadAttention (self- and cross-attention,
``attention_mask`` including a fully masked query row, ``use_causal_mask``, returned
scores, ``output_shape``, ``attention_axes``, ``use_bias=False``, ``use_gate``, ``sliding_window``) and
TimeDistributed. Each case builds one layer from ``kwargs``, sets fixed weights with
``set_weights`` and calls it on fixed inputs. The metadata also records the
parameter counts ``summary()`` reports for a small Sequential stack (InputLayer,
Normalization, TimeDistributed(Dense), BatchNormalization, LayerNormalization, Dense)
and the weight shapes of a MultiHeadAttention layer.

The file holds ``<case>/<array name>`` entries and ``__meta__``: a JSON string with
the Keras version, the summary counts and, per case, the class name, kwargs
(MultiHeadAttention's call options under ``"__options__"``) and the names of its
arrays (inputs ``x``/``in_<arg>``/``adapt<i>``, weights ``w<i>``, expected outputs).
``tests/layers/_norm_attention_golden.py`` reads it; the test suite never imports
Keras.

Keras runs from its own virtual environment outside the repository. From the
repository root::

    python3 -m venv /tmp/lmenv
    /tmp/lmenv/bin/pip install keras==3.15.1 jax numpy
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_norm_attention_golden.py

then check with ``.venv/bin/python -m pytest -q tests/layers``.
Pass ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

rng = np.random.default_rng(2026)


def f32(*shape):
    return rng.normal(size=shape).astype(np.float32)


def pos(*shape):
    return rng.uniform(0.5, 2.0, size=shape).astype(np.float32)


def batch_norm_cases(keras):
    """BN: inference and training outputs, moving statistics after one training call."""
    out = []
    specs = [
        ("bn_2d", {}, f32(6, 4) * 3 + 1),
        ("bn_4d", {"momentum": 0.9, "epsilon": 0.01}, f32(3, 2, 2, 5)),
        ("bn_axis1", {"axis": 1}, f32(4, 3, 5)),
        ("bn_no_center_scale", {"center": False, "scale": False}, f32(5, 3)),
        ("bn_no_scale", {"scale": False}, f32(5, 3)),
    ]
    for name, kwargs, x in specs:
        layer = keras.layers.BatchNormalization(**kwargs)
        layer.build(x.shape)
        weights = []
        for w in layer.weights:
            weights.append(pos(*w.shape) if "variance" in w.path or "gamma" in w.path else f32(*w.shape))
        layer.set_weights(weights)
        arrays = {"x": x}
        arrays.update({f"w{i}": w for i, w in enumerate(weights)})
        arrays["out_inference"] = np.asarray(layer(x, training=False))
        arrays["out_training"] = np.asarray(layer(x, training=True))
        arrays["moving_mean"] = np.asarray(layer.moving_mean.value)
        arrays["moving_variance"] = np.asarray(layer.moving_variance.value)
        out.append((name, "BatchNormalization", kwargs, arrays))
    return out


def layer_norm_cases(keras):
    out = []
    x = f32(2, 3, 4)
    specs = [
        ("ln_last", {}, x),
        ("ln_axes_12", {"axis": [1, 2]}, x),
        ("ln_axis1", {"axis": 1}, x),
        ("ln_axes_neg", {"axis": [-2, -1], "epsilon": 1e-5}, f32(2, 2, 3, 4)),
        ("ln_no_center", {"center": False}, x * 5 + 2),
        ("ln_no_scale", {"scale": False, "axis": 2}, x),
    ]
    for name, kwargs, inp in specs:
        layer = keras.layers.LayerNormalization(**kwargs)
        layer.build(inp.shape)
        weights = [(pos if "gamma" in w.path else f32)(*w.shape) for w in layer.weights]
        layer.set_weights(weights)
        arrays = {"x": inp, **{f"w{i}": w for i, w in enumerate(weights)}, "out": np.asarray(layer(inp))}
        out.append((name, "LayerNormalization", kwargs, arrays))
    return out


def normalization_cases(keras):
    out = []
    data = f32(20, 3) * 4 + 2
    data3 = f32(10, 3, 4) * 2 - 1
    x = f32(4, 3)
    x3 = f32(2, 3, 4)
    batches = [f32(7, 3) * 3, f32(5, 3) + 1, f32(9, 3) * 0.5 - 2]
    specs = [
        ("norm_adapt_last", {}, [data], x),
        ("norm_adapt_none", {"axis": None}, [data], x),
        ("norm_adapt_axes", {"axis": [1, 2]}, [data3], x3),
        ("norm_adapt_axis1", {"axis": 1}, [data3], x3),
        ("norm_adapt_batches", {}, batches, x),
        ("norm_invert", {"invert": True}, [data], x),
        ("norm_given", {"mean": [1.0, 2.0, 3.0], "variance": [4.0, 0.25, 9.0]}, [], x),
        ("norm_given_scalar", {"mean": 3.0, "variance": 2.0}, [], x),
    ]
    for name, kwargs, adapt_data, inp in specs:
        layer = keras.layers.Normalization(**kwargs)
        arrays = {"x": inp}
        if adapt_data:
            # Keras' iterable branch imports TensorFlow (absent here); the batches'
            # merged statistics equal those of their concatenation.
            layer.adapt(np.concatenate(adapt_data))
            arrays.update({f"adapt{i}": a for i, a in enumerate(adapt_data)})
            arrays["mean"] = np.asarray(layer.adapt_mean.value)
            arrays["variance"] = np.asarray(layer.adapt_variance.value)
        arrays["out"] = np.asarray(layer(inp))
        out.append((name, "Normalization", kwargs, arrays))
    return out


def attention_cases(keras):
    out = []
    q = f32(2, 4, 6)
    v = f32(2, 5, 3)
    k = f32(2, 5, 7)
    mask = rng.uniform(size=(2, 4, 5)) > 0.3
    mask[0, 1] = False  # a fully masked query row
    self_mask = rng.uniform(size=(2, 4, 4)) > 0.3
    self_mask[1, 2] = False
    specs = [
        # name, kwargs, inputs (query, value[, key]), call options
        ("mha_self", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": q}, {}),
        ("mha_self_scores", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": q}, {"return_attention_scores": True}),
        # value_dim != key_dim fails in Keras' fused path (jax.nn.dot_product_attention
        # wants equal head sizes), so this case asks for the scores (the einsum path).
        ("mha_cross_key", {"num_heads": 3, "key_dim": 2, "value_dim": 4}, {"query": q, "value": v, "key": k},
         {"return_attention_scores": True}),
        ("mha_cross_key_same_dims", {"num_heads": 3, "key_dim": 2}, {"query": q, "value": v, "key": k}, {}),
        ("mha_mask", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": v, "attention_mask": mask}, {}),
        ("mha_mask_scores", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": v, "attention_mask": mask},
         {"return_attention_scores": True}),
        ("mha_causal", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": q}, {"use_causal_mask": True}),
        ("mha_causal_scores", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": q},
         {"use_causal_mask": True, "return_attention_scores": True}),
        ("mha_causal_and_mask", {"num_heads": 2, "key_dim": 3}, {"query": q, "value": q, "attention_mask": self_mask},
         {"use_causal_mask": True}),
        ("mha_output_shape", {"num_heads": 2, "key_dim": 3, "output_shape": [2, 5]}, {"query": q, "value": v}, {}),
        ("mha_no_bias", {"num_heads": 1, "key_dim": 5, "use_bias": False}, {"query": q, "value": v}, {}),
        ("mha_dropout_inference", {"num_heads": 2, "key_dim": 3, "dropout": 0.5}, {"query": q, "value": q},
         {"training": False}),
        ("mha_axes_4d", {"num_heads": 2, "key_dim": 2, "attention_axes": [2]}, {"query": f32(2, 3, 4, 5), "value": f32(2, 3, 4, 5)},
         {"return_attention_scores": True}),
        ("mha_gate", {"num_heads": 2, "key_dim": 3, "use_gate": True}, {"query": q, "value": v}, {}),
        ("mha_sliding_window", {"num_heads": 2, "key_dim": 3, "sliding_window": 2}, {"query": q, "value": q},
         {"use_causal_mask": True}),
        ("mha_axes_4d_two", {"num_heads": 2, "key_dim": 2, "attention_axes": [1, 2]},
         {"query": f32(2, 3, 2, 5), "value": f32(2, 3, 2, 4)}, {}),
    ]
    for name, kwargs, inputs, options in specs:
        layer = keras.layers.MultiHeadAttention(**kwargs)
        result = layer(**inputs, **options)
        weights = [f32(*w.shape) * 0.5 for w in layer.weights]
        layer.set_weights(weights)
        result = layer(**inputs, **options)
        arrays = {f"in_{key}": np.asarray(val) for key, val in inputs.items()}
        arrays.update({f"w{i}": w for i, w in enumerate(weights)})
        if options.get("return_attention_scores"):
            arrays["out"], arrays["scores"] = np.asarray(result[0]), np.asarray(result[1])
        else:
            arrays["out"] = np.asarray(result)
        case_options = dict(options)
        out.append((name, "MultiHeadAttention", {**kwargs, "__options__": case_options}, arrays))
    return out


def time_distributed_cases(keras):
    out = []
    x = f32(2, 3, 4)
    layer = keras.layers.TimeDistributed(keras.layers.Dense(5, activation="tanh"))
    layer.build(x.shape)
    weights = [f32(*w.shape) for w in layer.weights]
    layer.set_weights(weights)
    out.append(("td_dense", "TimeDistributed", {"inner": "Dense", "inner_kwargs": {"units": 5, "activation": "tanh"}},
                {"x": x, **{f"w{i}": w for i, w in enumerate(weights)}, "out": np.asarray(layer(x))}))
    x = f32(2, 3, 6, 2)
    layer = keras.layers.TimeDistributed(keras.layers.Conv1D(3, 2))
    layer.build(x.shape)
    weights = [f32(*w.shape) for w in layer.weights]
    layer.set_weights(weights)
    out.append(("td_conv1d", "TimeDistributed", {"inner": "Conv1D", "inner_kwargs": {"filters": 3, "kernel_size": 2}},
                {"x": x, **{f"w{i}": w for i, w in enumerate(weights)}, "out": np.asarray(layer(x))}))
    return out


def summary_counts(keras) -> dict:
    """Parameter counts (per layer, total, trainable) of a small Sequential stack and of
    a MultiHeadAttention layer, as ``model.summary()`` reports them."""
    L = keras.layers
    model = keras.Sequential([
        L.InputLayer(shape=(5, 8)), L.Normalization(), L.TimeDistributed(L.Dense(16)), L.BatchNormalization(),
        L.LayerNormalization(), L.Dense(4),
    ])
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4, output_shape=5)
    mha.build((None, 4, 6), (None, 7, 3), (None, 7, 2))
    return {
        "sequential_layers": [[type(layer).__name__, layer.count_params()] for layer in model.layers],
        "sequential_total": model.count_params(),
        "sequential_trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
        "mha_weight_shapes": [list(w.shape) for w in mha.weights],
        "mha_count": mha.count_params(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/golden/keras_norm_attention.npz")
    args = parser.parse_args()
    import keras

    keras.utils.set_random_seed(0)
    all_cases = (batch_norm_cases(keras) + layer_norm_cases(keras) + normalization_cases(keras)
                 + attention_cases(keras) + time_distributed_cases(keras))
    meta = {"keras": keras.__version__, "cases": {}, "summary": summary_counts(keras)}
    arrays = {}
    for name, cls, kwargs, case_arrays in all_cases:
        meta["cases"][name] = {"class": cls, "kwargs": kwargs, "arrays": sorted(case_arrays)}
        for key, value in case_arrays.items():
            arrays[f"{name}/{key}"] = value
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {len(all_cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
