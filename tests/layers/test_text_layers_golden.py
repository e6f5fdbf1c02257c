"""TextVectorization, StringLookup, IntegerLookup, Hashing and HashedCrossing against
Keras 3.15.1 (tests/golden/text_layers.json, made by
tools/golden/make_text_layers_golden.py): every output mode after ``adapt``, the
vocabularies, OOV hashing, masks, inversion and the argument errors."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import xlaflow as tf
from xlaflow import errors, keras

from _text_encoding import close, decode, encode

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "text_layers.json")
with open(GOLDEN, encoding="utf-8") as f:
    DATA = json.load(f)
ERRORS = {"InvalidArgumentError": errors.InvalidArgumentError, "ValueError": ValueError, "TypeError": TypeError,
          "RuntimeError": RuntimeError}
# xlaflow raises another (clearer) error than TF here.
OTHER_ERROR = {
    "l = keras.layers.StringLookup(); out = l.adapt(tf.data.Dataset.from_tensor_slices(TOKENS).map(lambda x: (x, 1)))":
        TypeError,  # TF: a Pack error deep inside; xlaflow: "adapt takes the inputs only: map the labels away"
}


def _run(code: str):
    env = {"keras": keras, "tf": tf, "np": np, **{k: DATA[k] for k in ("TEXTS", "QUERIES", "TOKENS", "IDS")}}
    exec(code, env)
    return encode(env["out"]) if "out" in env else {"none": True}


def _same(got, want) -> bool:
    if set(got) != set(want):
        return False
    if "tuple" in want:
        return len(got["tuple"]) == len(want["tuple"]) and all(_same(g, w) for g, w in zip(got["tuple"], want["tuple"]))
    if "value" in want:
        dtype_ok = got["dtype"] == want["dtype"] or (want["dtype"] == "int64" and got["dtype"] == "int32")
        return dtype_ok and got["shape"] == want["shape"] and close(decode(got["value"]), decode(want["value"]))
    if "list" in want:
        return close(decode(got["list"]), decode(want["list"]))
    return got == want


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["code"][-90:] for c in DATA["cases"]])
def test_matches_keras(case):
    want = case["result"]
    if "error" in want:
        with pytest.raises(OTHER_ERROR.get(case["code"], ERRORS[want["error"]])):
            _run(case["code"])
        return
    got = _run(case["code"])
    assert _same(got, want), f"\nxlaflow: {json.dumps(got, ensure_ascii=False)[:1500]}\nkeras:   {json.dumps(want, ensure_ascii=False)[:1500]}"
