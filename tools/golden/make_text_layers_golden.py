"""Golden outputs of Keras 3's text layers: TextVectorization, StringLookup,
IntegerLookup, Hashing and HashedCrossing, in every output mode, after ``adapt``.

Each case is a small program run with ``keras``, ``tf``, ``np`` and the samples
``TEXTS`` (multilingual, with repeated words so that counts order the vocabulary and
ties are broken by the token), ``QUERIES`` (with out-of-vocabulary words),
``TOKENS`` (2-D string tokens) and ``IDS`` (integer ids); it leaves its result in
``out`` (a tensor, a vocabulary list, or a tuple of those). The test
(tests/layers/test_text_layers_golden.py) runs the same program with xlaflow and
compares (int64 results as int32 while 64-bit types are off).

Regenerate (TensorFlow 2.21 / Keras 3.15.1 live outside the repository):

    /work/tfenv/bin/python tools/golden/make_text_layers_golden.py

which writes tests/golden/text_layers.json.
"""

from __future__ import annotations

import json
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Café crème, s'il vous plaît", "日本語 テキスト 日本語",
         "emoji 😀 😀 test", "", "MiXeD   case\ttabs", "the THE The cat"]
QUERIES = ["the cat", "a dog ran", "日本語", "", "unknown words here", "Café mat"]
TOKENS = [["a", "b", "a", "c"], ["c", "a", "d", "e"], ["é", "😀", "a", ""]]
IDS = [[1, 2, 1, 7], [7, 1, 3, 12], [40, 2, 2, 0]]

CASES = [
    # TextVectorization
    "tv = keras.layers.TextVectorization(); tv.adapt(TEXTS); out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(max_tokens=8, output_sequence_length=4); tv.adapt(TEXTS); "
    "out = (tv.get_vocabulary(), tv(QUERIES), tv.vocabulary_size())",
    "tv = keras.layers.TextVectorization(output_mode='multi_hot'); tv.adapt(TEXTS); out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(output_mode='count', max_tokens=10); tv.adapt(TEXTS); out = tv(QUERIES + ['the the cat'])",
    "tv = keras.layers.TextVectorization(output_mode='tf_idf', max_tokens=10); tv.adapt(TEXTS); out = tv(QUERIES + ['the the cat'])",
    "tv = keras.layers.TextVectorization(output_mode='multi_hot', max_tokens=20, pad_to_max_tokens=True); "
    "tv.adapt(TEXTS); out = tv(QUERIES)",
    "tv = keras.layers.TextVectorization(output_mode='tf_idf', max_tokens=20, pad_to_max_tokens=True); "
    "tv.adapt(TEXTS); out = tv(QUERIES)",
    "tv = keras.layers.TextVectorization(standardize='lower'); tv.adapt(TEXTS); out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(standardize='strip_punctuation'); tv.adapt(TEXTS); out = tv.get_vocabulary()",
    "tv = keras.layers.TextVectorization(standardize=None); tv.adapt(TEXTS); out = tv.get_vocabulary()",
    "tv = keras.layers.TextVectorization(split='character', max_tokens=15, output_sequence_length=8); tv.adapt(TEXTS); "
    "out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(split=None); tv.adapt(TEXTS); out = (tv.get_vocabulary(), tv(np.array([[q] for q in QUERIES])))",
    "tv = keras.layers.TextVectorization(ngrams=2, max_tokens=30); tv.adapt(TEXTS); out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(ngrams=(1, 3), output_mode='count', max_tokens=25); tv.adapt(TEXTS); "
    "out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(vocabulary=['the', 'cat', 'dog']); out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(output_mode='tf_idf', vocabulary=['the', 'cat', 'dog'], idf_weights=[0.5, 1.5, 2.0]); "
    "out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(); tv.adapt(tf.data.Dataset.from_tensor_slices(TEXTS).batch(3)); "
    "out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(output_mode='tf_idf'); tv.adapt(tf.data.Dataset.from_tensor_slices(TEXTS)); "
    "out = (tv.get_vocabulary(), tv(QUERIES))",
    "tv = keras.layers.TextVectorization(output_sequence_length=3); tv.adapt(TEXTS); out = tv(np.array([[q] for q in QUERIES]))",
    "tv = keras.layers.TextVectorization(output_sequence_length=3); tv.adapt(TEXTS); out = tv('the cat sat on')",
    "tv = keras.layers.TextVectorization(); tv.adapt(TEXTS); out = tv(np.array([['a', 'b']]))",
    "tv = keras.layers.TextVectorization(output_mode='multi_hot'); out = tv(QUERIES)",
    "out = keras.layers.TextVectorization(output_mode='int', output_sequence_length=2.5)",
    "out = keras.layers.TextVectorization(output_mode='count', output_sequence_length=3)",
    "out = keras.layers.TextVectorization(standardize='upper')",
    "tv = keras.layers.TextVectorization(vocabulary=['a', 'b', 'a'])",
    # StringLookup
    "l = keras.layers.StringLookup(); l.adapt(TOKENS); out = (l.get_vocabulary(), l(TOKENS), l(['z', 'a']))",
    "l = keras.layers.StringLookup(output_mode='one_hot'); l.adapt(TOKENS); out = (l(['a', 'z', 'e']), l([['a'], ['d']]))",
    "l = keras.layers.StringLookup(output_mode='multi_hot'); l.adapt(TOKENS); out = l([['a', 'z', 'a'], ['d', 'e', 'c']])",
    "l = keras.layers.StringLookup(output_mode='count'); l.adapt(TOKENS); out = (l([['a', 'z', 'a'], ['d', 'e', 'z']]), l(['a', 'a']))",
    "l = keras.layers.StringLookup(output_mode='tf_idf'); l.adapt(TOKENS); out = (l.get_vocabulary(), l([['a', 'z', 'a'], ['d', 'e', 'c']]))",
    "l = keras.layers.StringLookup(output_mode='multi_hot', max_tokens=8, pad_to_max_tokens=True); l.adapt(TOKENS); out = l([['a', 'e']])",
    "l = keras.layers.StringLookup(num_oov_indices=3); l.adapt(TOKENS); out = (l.get_vocabulary(), l(['a', 'q', 'rr', 'sss', 'tttt', '😀', 'z']))",
    "l = keras.layers.StringLookup(num_oov_indices=3, salt=[7, 11]); l.adapt(TOKENS); out = l(['a', 'q', 'rr', 'sss', 'tttt'])",
    "l = keras.layers.StringLookup(mask_token='[MASK]'); l.adapt(TOKENS); out = (l.get_vocabulary(), l(['a', '[MASK]', 'z']))",
    "l = keras.layers.StringLookup(mask_token='', output_mode='multi_hot'); l.adapt(TOKENS); out = (l.get_vocabulary(), l([['a', '', 'z']]))",
    "l = keras.layers.StringLookup(max_tokens=4); l.adapt(TOKENS); out = (l.get_vocabulary(), l.get_vocabulary(include_special_tokens=False))",
    "l = keras.layers.StringLookup(vocabulary=['[UNK]', 'x', 'y']); out = (l.get_vocabulary(), l(['y', 'x', 'q']))",
    "l = keras.layers.StringLookup(vocabulary=['x', 'y'], invert=True); out = l([[0, 1], [2, 9]])",
    "l = keras.layers.StringLookup(vocabulary=['x', 'y'], mask_token='', invert=True); out = l([0, 1, 2, 3, 4])",
    "l = keras.layers.StringLookup(vocabulary=['x', 'y'], num_oov_indices=0); out = l(['x', 'y'])",
    "l = keras.layers.StringLookup(vocabulary=['x', 'y'], num_oov_indices=0); out = l(['x', 'q'])",
    "l = keras.layers.StringLookup(output_mode='tf_idf', vocabulary=['x', 'y'], idf_weights=[1.0, 3.0]); out = l([['x', 'y', 'y', 'q']])",
    "out = keras.layers.StringLookup(vocabulary=['a', 'b', 'a'])",
    "out = keras.layers.StringLookup(vocabulary=[])",
    "out = keras.layers.StringLookup(invert=True, output_mode='multi_hot')",
    "out = keras.layers.StringLookup(max_tokens=1)",
    "l = keras.layers.StringLookup(); out = l.adapt(tf.data.Dataset.from_tensor_slices(TOKENS).map(lambda x: (x, 1)))",
    # IntegerLookup
    "l = keras.layers.IntegerLookup(); l.adapt(IDS); out = (l.get_vocabulary(), l(IDS), l([5, 7]))",
    "l = keras.layers.IntegerLookup(output_mode='multi_hot'); l.adapt(IDS); out = l([[1, 99, 7], [40, 40, 3]])",
    "l = keras.layers.IntegerLookup(output_mode='count'); l.adapt(IDS); out = l([[1, 99, 7], [40, 40, 3]])",
    "l = keras.layers.IntegerLookup(output_mode='one_hot'); l.adapt(IDS); out = l([1, 99, 7])",
    "l = keras.layers.IntegerLookup(output_mode='tf_idf'); l.adapt(IDS); out = l([[1, 99, 7], [40, 40, 3]])",
    "l = keras.layers.IntegerLookup(mask_token=0); l.adapt(IDS); out = (l.get_vocabulary(), l([0, 1, 99]))",
    "l = keras.layers.IntegerLookup(num_oov_indices=2); l.adapt(IDS); out = (l.get_vocabulary(), l([1, 99, 100, -5]))",
    "l = keras.layers.IntegerLookup(num_oov_indices=3, oov_method='farmhash'); l.adapt(IDS); out = l([1, 99, 100, -5, 123456])",
    "l = keras.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True); out = l([[0, 1, 2], [3, 4, 9]])",
    "l = keras.layers.IntegerLookup(vocabulary=[12, 36, 1138, 42]); out = l([[12, 1138, 42], [42, 1000, 36]])",
    "out = keras.layers.IntegerLookup(vocabulary_dtype='int32')",
    # Hashing and HashedCrossing
    "out = keras.layers.Hashing(num_bins=3)(TOKENS)",
    "out = keras.layers.Hashing(num_bins=7)(np.array([[t] for t in TEXTS]))",
    "out = keras.layers.Hashing(num_bins=5, mask_value='')(TOKENS)",
    "out = keras.layers.Hashing(num_bins=5, salt=133)(TOKENS)",
    "out = keras.layers.Hashing(num_bins=5, salt=[1, 2])(TOKENS)",
    "out = keras.layers.Hashing(num_bins=11)(IDS)",
    "out = keras.layers.Hashing(num_bins=11, mask_value=0)(IDS)",
    "out = keras.layers.Hashing(num_bins=11)(np.array([[1.5, 2.0], [-3.7, 40.0]]))",
    "out = keras.layers.Hashing(num_bins=6, output_mode='multi_hot')(TOKENS)",
    "out = keras.layers.Hashing(num_bins=6, output_mode='count')(TOKENS)",
    "out = keras.layers.Hashing(num_bins=6, output_mode='one_hot')(np.array([['a'], ['b'], ['c']]))",
    "out = keras.layers.Hashing(num_bins=0)",
    "out = keras.layers.HashedCrossing(num_bins=10)((np.array(['a', 'b', 'é']), np.array([1, 2, -3])))",
    "out = keras.layers.HashedCrossing(num_bins=1000)((np.array([['a'], ['b']]), np.array([['x'], ['y']]), np.array([[5], [6]])))",
    "out = keras.layers.HashedCrossing(num_bins=7, output_mode='one_hot')((np.array(['a', 'b']), np.array([1, 2])))",
    "out = keras.layers.HashedCrossing(num_bins=10)((tf.constant('a'), tf.constant(3)))",
    "out = keras.layers.HashedCrossing(num_bins=10)((np.array(['a', 'b']),))",
]


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import importlib.util

    import keras
    import tensorflow as tf

    spec = importlib.util.spec_from_file_location("_encoding", ROOT / "tests" / "layers" / "_text_encoding.py")
    enc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(enc)
    out = []
    for code in CASES:
        env = {"keras": keras, "tf": tf, "np": np, "TEXTS": TEXTS, "QUERIES": QUERIES, "TOKENS": TOKENS, "IDS": IDS}
        try:
            exec(code, env)
            result = enc.encode(env["out"]) if "out" in env else {"none": True}
        except Exception as e:  # noqa: BLE001 - the error kind is the golden
            kind = "InvalidArgumentError" if isinstance(e, tf.errors.InvalidArgumentError) else type(e).__name__
            result = {"error": kind, "message": str(e).splitlines()[0][:300]}
        out.append({"code": code, "result": result})
    path = ROOT / "tests" / "golden" / "text_layers.json"
    with open(path, "w") as f:
        json.dump({"TEXTS": TEXTS, "QUERIES": QUERIES, "TOKENS": TOKENS, "IDS": IDS, "cases": out}, f, indent=0,
                  ensure_ascii=False)
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
