"""``keras.preprocessing.text`` (Tokenizer, text_to_word_sequence, hashing_trick, one_hot)
against Keras 2 (tf_keras 2.21) goldens: tests/golden/tokenizer_keras2.json, made by
tools/golden/make_tokenizer_golden.py."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from xlaflow import keras
from xlaflow.keras.preprocessing import text

GOLDEN = os.path.join(os.path.dirname(__file__), "..", "golden", "tokenizer_keras2.json")
with open(GOLDEN, encoding="utf-8") as f:
    DATA = json.load(f)


@pytest.mark.parametrize("case", DATA["cases"], ids=[c["code"][:80] for c in DATA["cases"]])
def test_matches_keras2(case):
    env = {"text": text, "TEXTS": DATA["TEXTS"], "QUERIES": DATA["QUERIES"]}
    want = case["result"]
    if "error" in want:
        with pytest.raises({"ValueError": ValueError, "TypeError": TypeError}[want["error"]]):
            exec(case["code"], env)
        return
    exec(case["code"], env)
    got = json.loads(json.dumps(env["out"]))
    assert _close(got, want["value"])


def _close(a, b) -> bool:
    if isinstance(a, dict):  # (word_docs' order follows Python's set order, which varies between runs)
        return isinstance(b, dict) and a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return bool(np.isclose(a, b, rtol=1e-12, atol=0))
    return a == b


def test_namespace_and_one_hot():
    assert keras.preprocessing.text.Tokenizer is text.Tokenizer
    words = text.one_hot("the cat the", 10)
    assert len(words) == 3 and words[0] == words[2] and all(1 <= w < 10 for w in words)
    with pytest.raises(TypeError, match="must be a list of strings"):
        text.Tokenizer().fit_on_texts("one string")
    with pytest.raises(AttributeError, match="keras.preprocessing.text.pad_sequences"):
        keras.preprocessing.text.pad_sequences  # noqa: B018
