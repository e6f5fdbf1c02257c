"""Golden outputs of string tensors, ``tf.strings`` and ``tf.ragged`` from real TensorFlow.

Each case is one Python expression over ``tf``, ``np``, ``S`` (a multilingual
sample: ASCII, accents, CJK, emoji with a skin-tone modifier, empty strings,
tabs/newlines, German ß and Turkish İ), ``B`` (invalid UTF-8: a stray 0xFF, a
truncated sequence, an encoded surrogate) and ``H`` (byte strings of every length
class of FarmHash: 0..200 bytes). The test (tests/strings/test_strings_golden.py)
evaluates the same text with ``tf = xlaflow`` and compares: tensors by dtype, shape
and values (floats to 1e-6), RaggedTensors by ``to_list()``, printed text exactly, and
errors by kind (TF's ``InvalidArgumentError``/``ValueError``/``TypeError``).

Regenerate (TensorFlow 2.21 lives outside the repository):

    /work/tfenv/bin/python tools/golden/make_strings_golden.py

which writes tests/golden/strings_tf.json.
"""

from __future__ import annotations

import json
import os

import numpy as np

S = ["Hello, World!", "  café  au lait ", "naïve ÉCOLE Straße", "日本語のテキスト", "emoji 😀 test 👍🏽", "",
     "MiXeD   Case\twith\ttabs\n", "İstanbul ǅ ß", "don't stop-me now: 3.14 #1"]
B = [b"ab\xffcd", b"\xc3(", b"\xe2\x82", b"\xed\xa0\x80x", b"ok", b"\xf0\x9f\x98"]
H = [bytes((i * 7 + j * 13) % 256 for j in range(n)) for i, n in enumerate(
    [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 48, 63, 64, 65, 100, 127, 128, 129, 200])]

PUNCT = r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']'

CASES = [
    # string tensors: printing, numpy(), slicing, comparison, concatenation
    "str(tf.constant(S))",
    "repr(tf.constant(S[:3]))",
    "str(tf.constant('héllo'))",
    "repr(tf.constant(b'x'))",
    "str(tf.constant([[b'a', b'\\xff'], [b'', b'd']]))",
    "repr(tf.constant([[b'a', b'\\xff'], [b'', b'd']]))",
    "tf.constant(S)[2]",
    "tf.constant(S)[1:4]",
    "tf.constant(S)[::-2]",
    "tf.constant(['a', b'b'])",
    "tf.constant(S) == 'Hello, World!'",
    "tf.constant(S[:3]) != tf.constant(['Hello, World!', 'x', 'naïve ÉCOLE Straße'])",
    "tf.constant(S[:3]) + '!'",
    "tf.add('<', tf.constant(S[:2]))",
    "tf.reshape(tf.constant(S[:4]), [2, 2])",
    "tf.concat([tf.constant(S[:2]), ['z']], axis=0)",
    "tf.stack(['a', 'b'])",
    "tf.gather(tf.constant(S), [3, 0])",
    "tf.boolean_mask(tf.constant(S[:3]), [True, False, True])",
    "tf.where([True, False], tf.constant(['a', 'b']), tf.constant(['c', 'd']))",
    "tf.shape(tf.constant([S[:2], S[2:4]]))",
    "tf.expand_dims(tf.constant(S[:2]), -1)",
    "tf.constant('a') == 1",
    "tf.constant(['a']) * 2",
    "tf.cast(tf.constant(['1']), tf.float32)",
    # case and whitespace
    "tf.strings.lower(S)",
    "tf.strings.lower(S, encoding='utf-8')",
    "tf.strings.upper(S)",
    "tf.strings.upper(S, encoding='utf-8')",
    "tf.strings.strip(S)",
    "tf.strings.lower(B)",
    # split
    "tf.strings.split(S)",
    "tf.strings.split(S, sep=' ')",
    "tf.strings.split(S, maxsplit=1)",
    "tf.strings.split(['a b c', 'a b  ', 'abc', '', ' '], maxsplit=3)",
    "tf.strings.split(['a b c', 'a b  ', 'abc', '', ' '], maxsplit=0)",
    "tf.strings.split(['a,,b', '', ',x,', 'a<>b<><>c'], sep=',')",
    "tf.strings.split(['a<>b<><>c'], sep='<>')",
    "tf.strings.split('a b  c')",
    "tf.strings.split([[s] for s in S[:3]])",
    "tf.strings.split(tf.strings.split(['a-b c', 'd']), sep='-')",
    "tf.strings.split(S).to_tensor()",
    "tf.strings.split(S).to_tensor(default_value='<pad>', shape=[None, 3])",
    "tf.strings.split(S).row_splits",
    "tf.strings.split(S).values",
    "tf.strings.split(S).row_lengths()",
    "str(tf.strings.split(S[:3]))",
    "str(tf.strings.split(['a b', 'c d']))",
    "str(tf.strings.split([['a b'], ['c']]))",
    "tf.strings.split(S)[1]",
    "tf.strings.split(S)[2:4]",
    "tf.strings.bytes_split(['ab', 'é', ''])",
    # regular expressions (RE2)
    f"tf.strings.regex_replace(S, {PUNCT!r}, '')",
    "tf.strings.regex_replace(S, r'\\s+', ' ')",
    "tf.strings.regex_replace(S, r'(\\w+), (\\w+)', r'\\2 \\1')",
    "tf.strings.regex_replace(S, r'o', '0', replace_global=False)",
    "tf.strings.regex_replace(S, r'.', '.')",
    "tf.strings.regex_replace(S, r'\\w', '_')",
    "tf.strings.regex_replace(S, r'\\pL', 'L')",
    "tf.strings.regex_replace(S, r'\\p{Lu}+', 'U')",
    "tf.strings.regex_replace(S, r'\\PL', '')",
    "tf.strings.regex_replace(S, r'[\\p{L}\\d]+', 'w')",
    "tf.strings.regex_replace(S, r'\\b', '|')",
    "tf.strings.regex_replace(S, r'\\d', '#')",
    "tf.strings.regex_replace(S, r'[[:punct:]]', '')",
    "tf.strings.regex_replace(S, r'(?i)HELLO|école', 'X')",
    "tf.strings.regex_replace(['a\\n', 'b\\nc\\n'], r'$', 'X')",
    "tf.strings.regex_replace(['a\\n', 'b\\nc\\n'], r'(?m)$', 'X')",
    "tf.strings.regex_replace(['abc'], r'x*', '-')",
    "tf.strings.regex_replace(['abc'], r'(b)', r'[\\0\\1]')",
    "tf.strings.regex_replace(B, r'.', '.')",
    "tf.strings.regex_replace(['a.b'], r'\\Q.\\E', '!')",
    "tf.strings.regex_replace(['☺x'], r'\\x{263a}', 'smile')",
    "tf.strings.regex_replace(['abc'], r'(?=b)', '-')",
    "tf.strings.regex_replace(['abab'], r'(a)\\1', '-')",
    "tf.strings.regex_replace(['abc'], r'(a)', r'\\2')",
    "tf.strings.regex_replace(['abc'], r'(', 'x')",
    "tf.strings.regex_full_match(S, r'.*a.*')",
    "tf.strings.regex_full_match(S, r'[\\w ,!]+')",
    "tf.strings.regex_full_match(S, r'\\p{L}+')",
    "tf.strings.regex_full_match(S, r'')",
    # length, substr, join
    "tf.strings.length(S)",
    "tf.strings.length(S, unit='UTF8_CHAR')",
    "tf.strings.length(B, unit='UTF8_CHAR')",
    "tf.strings.substr(S[:5], 1, 3)",
    "tf.strings.substr(S[:5], 0, 2, unit='UTF8_CHAR')",
    "tf.strings.substr(S[:5], -3, 2)",
    "tf.strings.substr(S[:5], -2, 5, unit='UTF8_CHAR')",
    "tf.strings.substr(['hello', 'world'], [1, 2], [2, 3])",
    "tf.strings.substr(S, 1, 3)",
    "tf.strings.join([S[:3], ['x', 'y', 'z']], separator='-')",
    "tf.strings.join(['a', S[:2]])",
    "tf.strings.reduce_join(S[:4], separator='|')",
    "tf.strings.reduce_join([S[:3], S[3:6]], axis=1, separator=',')",
    "tf.strings.reduce_join([S[:3], S[3:6]], axis=0)",
    "tf.strings.reduce_join([S[:3], S[3:6]], axis=-1, keepdims=True)",
    # numbers
    "tf.strings.to_number(['1.5', ' 12 ', '-3e2', '.5', 'inf', '-INF', '1e-3'])",
    "tf.strings.to_number(['42', '-7', ' 8', '+3'], out_type=tf.int32)",
    "tf.strings.to_number(['3.5abc'])",
    "tf.strings.to_number(['1_000'])",
    "tf.strings.to_number(['99999999999'], out_type=tf.int32)",
    "tf.strings.to_number(['1.5'], out_type=tf.int32)",
    "tf.strings.to_number([''])",
    "tf.strings.as_string([3.14159, -2.0, 1e10, 0.1])",
    "tf.strings.as_string([3.14159, -2.0, 1e10, 0.1], precision=2)",
    "tf.strings.as_string([3.14159, -2.0, 1e10, 0.1], scientific=True)",
    "tf.strings.as_string([3.14159, -2.0, 1e10, 0.1], shortest=True)",
    "tf.strings.as_string([3.5, -2.0], width=8, fill='0')",
    "tf.strings.as_string([3, -42, 7], width=5)",
    "tf.strings.as_string(tf.constant([3, -42], tf.int64))",
    "tf.strings.as_string([True, False])",
    "tf.as_string(tf.constant([[1, 2], [3, 4]]))",
    "tf.strings.as_string(['a'])",
    "tf.strings.format('x={} y={}', (tf.constant(3), tf.constant([1.5, 2.0, 1 / 3])))",
    "tf.strings.format('{}', tf.constant(S[:3]))",
    "tf.strings.format('{}', tf.constant('tab\\there \"q\" é'))",
    "tf.strings.format('{}', tf.reshape(tf.range(24), [2, 3, 4]))",
    "tf.strings.format('{}', tf.range(10))",
    "tf.strings.format('{}', tf.range(10), summarize=2)",
    "tf.strings.format('{}', tf.range(10), summarize=-1)",
    "tf.strings.format('{}', tf.reshape(tf.range(100), [10, 10]))",
    "tf.strings.format('{}', tf.constant([True, False]))",
    "tf.strings.format('{} and [{}]', (tf.constant(0.1), tf.constant([1e20, -0.0, 123456789.0])))",
    "tf.strings.format('{} {}', tf.constant(1))",
    "tf.strings.format('<>', tf.constant(1), placeholder='<>')",
    # unicode
    "tf.strings.unicode_split(S, 'UTF-8')",
    "tf.strings.unicode_split(B, 'UTF-8')",
    "tf.strings.unicode_split(B, 'UTF-8', errors='ignore')",
    "tf.strings.unicode_split(B, 'UTF-8', replacement_char=63)",
    "tf.strings.unicode_split(B, 'UTF-8', errors='strict')",
    "tf.strings.unicode_decode(S, 'UTF-8')",
    "tf.strings.unicode_decode(B, 'UTF-8')",
    "tf.strings.unicode_decode(['a\\tb\\x00\\x85'], 'UTF-8', replace_control_characters=True)",
    "tf.strings.unicode_decode('héllo', 'UTF-8')",
    "tf.strings.unicode_encode(tf.strings.unicode_decode(S, 'UTF-8'), 'UTF-8')",
    "tf.strings.unicode_encode([[104, 105], [9731, 9732]], 'UTF-8')",
    "tf.strings.unicode_encode(tf.ragged.constant([[104, 1114112, -1]]), 'UTF-8')",
    # ngrams
    "tf.strings.ngrams(tf.strings.split(S), 2)",
    "tf.strings.ngrams(tf.strings.split(S), (1, 3))",
    "tf.strings.ngrams(tf.strings.split(S), 2, separator='_', pad_values=('<s>', '</s>'))",
    "tf.strings.ngrams(tf.strings.split(S), 3, pad_values='#', padding_width=1)",
    "tf.strings.ngrams(tf.strings.split(S), 4, preserve_short_sequences=True)",
    "tf.strings.ngrams(tf.strings.split(S), 5, pad_values='#', padding_width=1, preserve_short_sequences=True)",
    "tf.strings.ngrams(['a', 'b', 'c', 'd'], 3)",
    "tf.strings.ngrams([['a', 'b', 'c'], ['d', 'e', 'f']], 2)",
    "tf.strings.ngrams(['a', 'b'], 3)",
    "tf.strings.ngrams('a', 2)",
    # hashing (FarmHash Fingerprint64 and SipHash)
    "tf.strings.to_hash_bucket_fast(S, 1000)",
    "tf.strings.to_hash_bucket_fast(H, 2**63 - 1)",
    "tf.strings.to_hash_bucket_fast(H, 2**32)",
    "tf.strings.to_hash_bucket_fast(H, 7)",
    "tf.strings.to_hash_bucket_strong(S, 1000, key=[1, 2])",
    "tf.strings.to_hash_bucket_strong(H, 2**63 - 1, key=[0xDECAFCAFFE, 42])",
    "tf.strings.to_hash_bucket_strong(H, 2**32, key=[7, 2**62 + 3])",
    # ragged tensors
    "tf.ragged.constant([['a', 'b'], ['c'], []])",
    "str(tf.ragged.constant([['a', 'b'], ['c'], []]))",
    "str(tf.ragged.constant([[1, 2], [3, 4]]))",
    "str(tf.ragged.constant([[[1], [2]], [[3]]]))",
    "tf.ragged.constant([[1, 2], [3]]).to_tensor()",
    "tf.ragged.constant([[1.5], [3.0, 4.0]]).to_tensor(default_value=-1.0)",
    "tf.ragged.constant([['a', 'b'], ['c'], []]).nrows()",
    "tf.ragged.constant([['a', 'b'], ['c'], []])[0]",
    "tf.RaggedTensor.from_row_splits(['a', 'b', 'c'], [0, 2, 3])",
    "tf.RaggedTensor.from_row_lengths([1, 2, 3], [2, 0, 1])",
    "tf.RaggedTensor.from_row_splits(['a', 'b', 'c'], [0, 2, 5])",
]


def encode(v) -> dict:
    """A JSON form of a result, the same for TF's and xlaflow's objects."""
    if isinstance(v, str):
        return {"text": v}
    if hasattr(v, "to_list") and hasattr(v, "row_splits"):
        return {"ragged": _plain(v.to_list()), "dtype": v.dtype.name}
    arr = v.numpy() if hasattr(v, "numpy") else np.asarray(v)
    dtype = v.dtype.name if hasattr(v, "dtype") and hasattr(v.dtype, "name") else str(arr.dtype)
    return {"value": _plain(np.asarray(arr, dtype=object if dtype == "string" else None).tolist()), "dtype": dtype,
            "shape": list(np.shape(arr))}


def _plain(x):
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, bytes):
        return {"b": x.decode("latin-1")}
    if isinstance(x, float) and not np.isfinite(x):
        return {"f": repr(x)}
    return x


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    out = []
    for code in CASES:
        try:
            result = encode(eval(code, {"tf": tf, "np": np, "S": S, "B": B, "H": H}))
        except Exception as e:  # noqa: BLE001 - the error kind is the golden
            kind = "InvalidArgumentError" if isinstance(e, tf.errors.InvalidArgumentError) else type(e).__name__
            result = {"error": kind, "message": str(e).splitlines()[0][:300]}
        out.append({"code": code, "result": result})
    path = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "golden", "strings_tf.json")
    with open(path, "w") as f:
        json.dump({"S": S, "B": [b.decode("latin-1") for b in B], "H": [h.decode("latin-1") for h in H],
                   "cases": out}, f, indent=0, ensure_ascii=False)
    print(f"wrote {len(out)} cases to {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
