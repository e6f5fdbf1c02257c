"""Models with text layers shared by the Keras interop fixtures (tools/golden/
make_text_keras_files.py, make_xlaflow_text_files.py) and tests/saving/test_text_interop.py.

``build(keras, name)`` builds and adapts the same model with real Keras or with
xlaflow's ``keras``; weights are whatever the initializers give (the tests compare
the predictions of a *saved* file in both libraries, not two fresh models).
"""

from __future__ import annotations

TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Café crème, s'il vous plaît", "日本語 テキスト 日本語",
         "emoji 😀 😀 test", "the THE The cat", "a dog and a cat"]
QUERIES = ["the cat", "a dog ran", "日本語", "", "unknown words here", "Café mat"]
TOKENS = [["a", "b", "a"], ["c", "a", "d"], ["é", "😀", "a"]]
QUERY_TOKENS = [["a", "z", "c"], ["😀", "d", "d"]]
NAMES = ["text_int", "text_tfidf", "string_lookup"]


def build(keras, name: str):
    if name == "text_int":
        tv = keras.layers.TextVectorization(max_tokens=30, output_sequence_length=6)
        tv.adapt(TEXTS)
        return keras.Sequential([keras.Input(shape=(1,), dtype="string"), tv, keras.layers.Embedding(30, 4),
                                 keras.layers.GlobalAveragePooling1D(), keras.layers.Dense(2)], name="text_int")
    if name == "text_tfidf":
        tv = keras.layers.TextVectorization(max_tokens=20, output_mode="tf_idf")
        tv.adapt(TEXTS)
        inp = keras.Input(shape=(1,), dtype="string")
        return keras.Model(inp, keras.layers.Dense(3)(tv(inp)), name="text_tfidf")
    if name == "string_lookup":
        lookup = keras.layers.StringLookup(output_mode="multi_hot", num_oov_indices=2)
        lookup.adapt(TOKENS)
        return keras.Sequential([keras.Input(shape=(3,), dtype="string"), lookup, keras.layers.Dense(2)],
                                name="string_lookup")
    raise ValueError(name)


def queries(name: str):
    return [[q] for q in QUERIES] if name.startswith("text") else QUERY_TOKENS
