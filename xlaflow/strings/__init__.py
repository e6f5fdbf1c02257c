"""``xlaflow.strings`` (``tf.strings``): string ops, computed on the host.

Every function takes string tensors (:mod:`xlaflow.ops.string_tensor`), NumPy
str/bytes arrays, Python strings or nested lists of them, and most take
:class:`~xlaflow.ops.ragged_tensor.RaggedTensor` too; results are string/number
tensors or RaggedTensors with TF's shapes and values. ``split`` and the
``unicode_*`` splitters return a RaggedTensor (see :mod:`.split`). Regular
expressions are RE2 patterns run on Python's ``re`` (see :mod:`.re2` for how they are
translated and what differs). These run eagerly on the host: use them in a
``tf.data`` pipeline or before a model, not inside compiled code.
"""

from xlaflow.strings.case import lower, strip, upper
from xlaflow.strings.format import format  # noqa: A004
from xlaflow.strings.hashing import to_hash_bucket_fast, to_hash_bucket_strong
from xlaflow.strings.ngrams import ngrams
from xlaflow.strings.numbers import as_string, to_number
from xlaflow.strings.regex import regex_full_match, regex_replace
from xlaflow.strings.slicing import join, length, reduce_join, substr
from xlaflow.strings.split import bytes_split, split
from xlaflow.strings.unicode import unicode_decode, unicode_encode, unicode_split

__all__ = [
    "as_string", "bytes_split", "format", "join", "length", "lower", "ngrams", "reduce_join", "regex_full_match",
    "regex_replace", "split", "strip", "substr", "to_hash_bucket_fast", "to_hash_bucket_strong", "to_number",
    "unicode_decode", "unicode_encode", "unicode_split", "upper",
]

from xlaflow._core.missing import missing as _missing  # noqa: E402

__getattr__ = _missing("tf.strings")
