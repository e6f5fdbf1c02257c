"""Regenerate ``tests/golden/keras_recurrent.npz``: outputs of real Keras 3 recurrent layers.

Covers SimpleRNN, LSTM, GRU (``reset_after`` True and False) with every combination of
``return_sequences`` / ``return_state`` / ``go_backwards``; masks (a ``Masking`` or
``Embedding(mask_zero=True)`` layer in front, or ``mask=`` passed to the call);
``initial_state``; ``unroll``; other activations and ``use_bias=False``; ``RNN`` with a
built-in cell and with a small custom cell (``MinimalRNNCell``, defined here and in the
test with the same math); ``Bidirectional`` in each merge mode, with states and a mask;
and stateful layers over two consecutive calls and after ``reset_states()``. It also
records Keras' parameter counts of a few models.

Each case is a chain of layers (``layers``: class name and kwargs; a ``Bidirectional``
or ``RNN`` names its inner layer/cell the same way). Weights are fixed: normal draws
(scale 0.5) set with ``set_weights``. The file holds ``<case>/x``, ``<case>/w<i>``,
``<case>/out<i>`` (every output of every call, flattened), optional
``<case>/mask`` and ``<case>/state<i>``, and ``__meta__``: a JSON string with the
Keras version and the case specs. ``tests/layers/test_recurrent_golden.py`` replays
them through xlaflow without Keras.

Keras runs from its own virtual environment outside the repository. From the
repository root::

    python3 -m venv /tmp/lmenv
    /tmp/lmenv/bin/pip install keras==3.15.1 jax numpy
    KERAS_BACKEND=jax /tmp/lmenv/bin/python tools/golden/make_recurrent_golden.py

then check with ``.venv/bin/python -m pytest -q tests/layers/test_recurrent_golden.py``.
Pass ``--out PATH`` to write elsewhere.
"""

from __future__ import annotations

import argparse
import itertools
import json

import numpy as np

B, T, F, U = 2, 5, 3, 4


def make_cell_class(keras):
    class MinimalRNNCell(keras.layers.Layer):
        """``h = tanh(x @ kernel + h_prev @ recurrent_kernel)``."""

        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def call(self, inputs, states):
            prev = states[0]
            h = keras.ops.tanh(keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(prev, self.recurrent_kernel))
            return h, [h]

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return MinimalRNNCell


def build_layer(keras, spec, custom):
    cls_name, kwargs = spec
    kwargs = dict(kwargs)
    if "layer" in kwargs:
        kwargs["layer"] = build_layer(keras, kwargs["layer"], custom)
    if "backward_layer" in kwargs:
        kwargs["backward_layer"] = build_layer(keras, kwargs["backward_layer"], custom)
    if "cell" in kwargs:
        kwargs["cell"] = build_layer(keras, kwargs["cell"], custom)
    cls = custom[cls_name] if cls_name in custom else getattr(keras.layers, cls_name)
    return cls(**kwargs)


def inputs_for(rng, first_layer):
    x = rng.normal(size=(B, T, F)).astype(np.float32)
    if first_layer == "Embedding":
        return np.array([[3, 1, 4, 0, 0], [0, 2, 5, 1, 2]], np.int32)
    if first_layer == "Masking":
        x[0, 3:] = 0.0  # trailing padding
        x[1, 0] = 0.0  # leading padding
        x[1, 2] = 0.0  # a gap in the middle
    return x


def specs():
    """(name, layers, options) for every case."""
    out = []
    cells = {"SimpleRNN": {}, "LSTM": {}, "GRU": {}, "GRU_ra_false": {"reset_after": False}}
    for (label, extra), rs, st, gb in itertools.product(cells.items(), (False, True), (False, True), (False, True)):
        cls = label.split("_")[0]
        kw = {"units": U, "return_sequences": rs, "return_state": st, "go_backwards": gb, **extra}
        out.append((f"{label}_rs{int(rs)}_st{int(st)}_gb{int(gb)}", [(cls, kw)], {}))
    for label, extra in cells.items():
        cls = label.split("_")[0]
        for rs, gb in ((True, False), (False, False), (True, True)):
            kw = {"units": U, "return_sequences": rs, "go_backwards": gb, **extra}
            out.append((f"{label}_masked_rs{int(rs)}_gb{int(gb)}", [("Masking", {"mask_value": 0.0}), (cls, kw)], {}))
        out.append((f"{label}_explicit_mask", [(cls, {"units": U, "return_sequences": True, "return_state": True, **extra})],
                    {"mask": True}))
        out.append((f"{label}_initial_state", [(cls, {"units": U, "return_sequences": True, "return_state": True, **extra})],
                    {"initial_state": True}))
        out.append((f"{label}_stateful", [(cls, {"units": U, "return_sequences": True, "stateful": True, **extra})],
                    {"stateful": True}))
        out.append((f"{label}_unroll_masked", [("Masking", {}), (cls, {"units": U, "return_sequences": True, "unroll": True, **extra})],
                    {}))
    out += [
        ("LSTM_relu_hard_sigmoid", [("LSTM", {"units": U, "activation": "relu", "recurrent_activation": "hard_sigmoid",
                                              "return_sequences": True})], {}),
        ("LSTM_no_bias_no_forget", [("LSTM", {"units": U, "use_bias": False, "unit_forget_bias": False})], {}),
        ("GRU_no_bias", [("GRU", {"units": U, "use_bias": False, "return_sequences": True})], {}),
        ("GRU_ra_false_no_bias", [("GRU", {"units": U, "use_bias": False, "reset_after": False})], {}),
        ("SimpleRNN_relu", [("SimpleRNN", {"units": U, "activation": "relu", "return_sequences": True})], {}),
        ("SimpleRNN_linear", [("SimpleRNN", {"units": U, "activation": None})], {}),
        ("LSTM_embedding_mask_zero", [("Embedding", {"input_dim": 6, "output_dim": F, "mask_zero": True}),
                                      ("LSTM", {"units": U, "return_sequences": True})], {}),
        ("GRU_embedding_mask_zero_last", [("Embedding", {"input_dim": 6, "output_dim": F, "mask_zero": True}),
                                          ("GRU", {"units": U})], {}),
        ("RNN_LSTMCell", [("RNN", {"cell": ("LSTMCell", {"units": U}), "return_sequences": True, "return_state": True})], {}),
        ("RNN_GRUCell_backwards", [("RNN", {"cell": ("GRUCell", {"units": U}), "go_backwards": True})], {}),
        ("RNN_custom_cell", [("RNN", {"cell": ("MinimalRNNCell", {"units": U}), "return_sequences": True,
                                      "return_state": True})], {}),
        ("RNN_custom_cell_masked", [("Masking", {}), ("RNN", {"cell": ("MinimalRNNCell", {"units": U}),
                                                               "return_sequences": True, "go_backwards": True})], {}),
        ("RNN_custom_cell_zero_output", [("Masking", {}), ("RNN", {"cell": ("MinimalRNNCell", {"units": U}),
                                                                    "return_sequences": True, "zero_output_for_mask": True})], {}),
        ("RNN_SimpleRNNCell_zero_output", [("Masking", {}), ("RNN", {"cell": ("SimpleRNNCell", {"units": U}),
                                                                      "return_sequences": True, "zero_output_for_mask": True})], {}),
    ]
    for mode in ("concat", "sum", "mul", "ave", None):
        for inner in ("LSTM", "GRU"):
            out.append((f"Bidirectional_{inner}_{mode}_seq", [("Bidirectional", {"layer": (inner, {"units": U, "return_sequences": True}),
                                                                                  "merge_mode": mode})], {}))
        out.append((f"Bidirectional_SimpleRNN_{mode}_last", [("Bidirectional", {"layer": ("SimpleRNN", {"units": U}),
                                                                                 "merge_mode": mode})], {}))
    out += [
        ("Bidirectional_LSTM_states", [("Bidirectional", {"layer": ("LSTM", {"units": U, "return_state": True})})], {}),
        ("Bidirectional_GRU_states_none", [("Bidirectional", {"layer": ("GRU", {"units": U, "return_sequences": True,
                                                                                 "return_state": True}), "merge_mode": None})], {}),
        ("Bidirectional_LSTM_masked", [("Masking", {}), ("Bidirectional", {"layer": ("LSTM", {"units": U, "return_sequences": True})})],
         {}),
        ("Bidirectional_GRU_masked_last", [("Masking", {}), ("Bidirectional", {"layer": ("GRU", {"units": U}), "merge_mode": "sum"})],
         {}),
        ("Bidirectional_backward_layer", [("Bidirectional", {
            "layer": ("LSTM", {"units": U, "return_sequences": True}),
            "backward_layer": ("GRU", {"units": U, "return_sequences": True, "go_backwards": True})})], {}),
        ("Bidirectional_LSTM_stateful", [("Bidirectional", {"layer": ("LSTM", {"units": U, "stateful": True})})],
         {"stateful": True}),
    ]
    return out


PARAM_MODELS = {  # small shapes: the same weight shapes as the cases, so the test compiles nothing new
    "lstm": ("LSTM", {"units": U}, (T, F)),
    "gru": ("GRU", {"units": U}, (T, F)),
    "gru_reset_after_false": ("GRU", {"units": U, "reset_after": False}, (T, F)),
    "simple_rnn": ("SimpleRNN", {"units": U}, (T, F)),
    "simple_rnn_no_bias": ("SimpleRNN", {"units": U, "use_bias": False}, (T, F)),
    "bidirectional_lstm": ("Bidirectional", {"layer": ("LSTM", {"units": U})}, (T, F)),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="tests/golden/keras_recurrent.npz")
    args = parser.parse_args()

    import keras

    custom = {"MinimalRNNCell": make_cell_class(keras)}
    rng = np.random.default_rng(2024)
    arrays: dict = {}
    meta: dict = {"keras_version": keras.__version__, "cases": {}, "param_counts": {}}
    for name, layer_specs, options in specs():
        layers = [build_layer(keras, spec, custom) for spec in layer_specs]
        x = inputs_for(rng, layer_specs[0][0])
        batch_shape = x.shape
        model = keras.Sequential([keras.Input(batch_shape=batch_shape, dtype=x.dtype), *layers])
        weights = [rng.normal(scale=0.5, size=w.shape).astype(np.float32) for w in model.get_weights()]
        model.set_weights(weights)
        rnn = layers[-1]
        call_outputs = []
        if options.get("mask"):
            mask = np.array([[True, True, False, True, False], [False, True, True, True, True]])
            arrays[f"{name}/mask"] = mask
            call_outputs.append(rnn(x, mask=mask))
        elif options.get("initial_state"):
            n_states = 2 if layer_specs[-1][0] == "LSTM" else 1
            states = [rng.normal(size=(B, U)).astype(np.float32) for _ in range(n_states)]
            for i, s in enumerate(states):
                arrays[f"{name}/state{i}"] = s
            call_outputs.append(rnn(x, initial_state=states))
        elif options.get("stateful"):
            x2 = rng.normal(size=x.shape).astype(np.float32)
            arrays[f"{name}/x2"] = x2
            call_outputs.append(model(x))
            call_outputs.append(model(x2))
            rnn.reset_states()
            call_outputs.append(model(x2))
        else:
            call_outputs.append(model(x))
        flat = []
        for out in call_outputs:
            flat += list(out) if isinstance(out, (list, tuple)) else [out]
        arrays[f"{name}/x"] = x
        for i, w in enumerate(weights):
            arrays[f"{name}/w{i}"] = w
        for i, o in enumerate(flat):
            arrays[f"{name}/out{i}"] = np.asarray(o)
        meta["cases"][name] = {"layers": layer_specs, "options": options, "n_weights": len(weights), "n_outputs": len(flat),
                               "n_calls": len(call_outputs)}
    for name, (cls, kwargs, shape) in PARAM_MODELS.items():
        layer = build_layer(keras, (cls, kwargs), custom)
        model = keras.Sequential([keras.Input(shape=shape), layer])
        meta["param_counts"][name] = {"layer": (cls, kwargs), "input_shape": shape, "params": int(model.count_params())}
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {len(meta['cases'])} cases to {args.out}")


if __name__ == "__main__":
    main()
