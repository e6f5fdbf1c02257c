"""Golden outputs of Keras 2's ``keras.preprocessing.text`` (``tf_keras`` 2.21).

Each case is a small program over ``text`` (the module), ``TEXTS`` and ``QUERIES``
that leaves a JSON-able result in ``out``; tests/keras/test_preprocessing_text.py runs
it with ``xlaflow.keras.preprocessing.text``. Keras 3 dropped this module, so the
reference is tf-keras 2.21.0 (pure Python; it needs TensorFlow only for an export
decorator):

    /work/tfenv/bin/python -m pip download tf-keras==2.21.0 --no-deps -d /tmp/tfk
    (cd /tmp/tfk && python3 -m zipfile -e tf_keras-2.21.0-py3-none-any.whl .)
    TF_KERAS_DIR=/tmp/tfk /work/tfenv/bin/python tools/golden/make_tokenizer_golden.py

which writes tests/golden/tokenizer_keras2.json.
"""

from __future__ import annotations

import importlib.util
import json
import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEXTS = ["The cat sat on the mat.", "The dog ate my homework!", "Café crème, s'il vous plaît", "日本語 テキスト 日本語",
         "emoji 😀 😀 test", "", "MiXeD   case\ttabs\nnewline", "the THE The cat"]
QUERIES = ["the cat", "a dog ran", "日本語", "", "unknown words here", "Café mat the the"]

CASES = [
    "t = text.Tokenizer(); t.fit_on_texts(TEXTS); out = [t.word_index, t.word_counts, dict(t.word_docs), t.document_count]",
    "t = text.Tokenizer(); t.fit_on_texts(TEXTS); out = t.texts_to_sequences(QUERIES)",
    "t = text.Tokenizer(num_words=5); t.fit_on_texts(TEXTS); out = t.texts_to_sequences(QUERIES)",
    "t = text.Tokenizer(num_words=5, oov_token='<OOV>'); t.fit_on_texts(TEXTS); out = [t.word_index, t.texts_to_sequences(QUERIES)]",
    "t = text.Tokenizer(oov_token='<OOV>'); t.fit_on_texts(TEXTS); out = t.sequences_to_texts([[1, 2, 3], [40, 2], []])",
    "t = text.Tokenizer(num_words=4); t.fit_on_texts(TEXTS); out = t.sequences_to_texts([[1, 2, 3, 5]])",
    "t = text.Tokenizer(); t.fit_on_texts(TEXTS); out = [t.texts_to_matrix(QUERIES, mode=m).tolist() for m in ('binary', 'count', 'freq', 'tfidf')]",
    "t = text.Tokenizer(num_words=6); t.fit_on_texts(TEXTS); out = t.texts_to_matrix(QUERIES, mode='tfidf').tolist()",
    "t = text.Tokenizer(char_level=True); t.fit_on_texts(TEXTS[:3]); out = [t.word_index, t.texts_to_sequences(['cat!'])]",
    "t = text.Tokenizer(lower=False, filters=''); t.fit_on_texts(TEXTS); out = t.word_index",
    "t = text.Tokenizer(split=','); t.fit_on_texts(['a,b,,c', 'b,c']); out = t.word_index",
    "t = text.Tokenizer(); t.fit_on_texts([['Tok', 'list'], ['list']]); out = [t.word_index, t.texts_to_sequences([['LIST', 'x']])]",
    "t = text.Tokenizer(oov_token='?'); t.fit_on_texts(TEXTS); t2 = text.tokenizer_from_json(t.to_json()); "
    "out = [t2.word_index, t2.texts_to_sequences(QUERIES), t2.texts_to_matrix(QUERIES, mode='tfidf').tolist()]",
    "t = text.Tokenizer(); t.fit_on_sequences([[1, 2], [2, 3, 3]]); out = [dict(t.index_docs), t.document_count]",
    "out = [text.text_to_word_sequence(s) for s in TEXTS]",
    "out = text.text_to_word_sequence('A-b c.D', filters='-', lower=False, split='.')",
    "out = [text.hashing_trick(s, 20, hash_function='md5') for s in TEXTS]",
    "t = text.Tokenizer(); out = t.texts_to_matrix(['a'])",
    "t = text.Tokenizer(); t.fit_on_texts(TEXTS); out = t.texts_to_matrix(QUERIES, mode='bogus')",
]


def main() -> None:
    base = pathlib.Path(os.environ.get("TF_KERAS_DIR", "/tmp/tfk"))
    spec = importlib.util.spec_from_file_location("tfk_text", base / "tf_keras" / "src" / "preprocessing" / "text.py")
    text = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(text)
    out = []
    for code in CASES:
        env = {"text": text, "TEXTS": TEXTS, "QUERIES": QUERIES}
        try:
            exec(code, env)
            result = {"value": json.loads(json.dumps(env["out"]))}
        except Exception as e:  # noqa: BLE001 - the error kind is the golden
            result = {"error": type(e).__name__, "message": str(e)[:200]}
        out.append({"code": code, "result": result})
    path = ROOT / "tests" / "golden" / "tokenizer_keras2.json"
    path.write_text(json.dumps({"TEXTS": TEXTS, "QUERIES": QUERIES, "cases": out}, ensure_ascii=False, indent=0))
    print(f"wrote {len(out)} cases to {path}")


if __name__ == "__main__":
    main()
